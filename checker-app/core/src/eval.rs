//! Walking a procedure with the answers given so far.

use std::collections::BTreeMap;
use std::fmt;

use crate::spanned::Spanned;

use crate::date::{Date, format_wareki, format_wareki_gregorian};
use crate::facts::{Fact, FactValue, Facts, Rate, Text, rate_on};
use crate::model::{
    Bound, Condition, DetailDef, DetailKind, Document, OutcomeKind, Procedure, Route, Step,
    StepKind,
};
use crate::normalize::{
    YearProblem, normalize_katakana, normalize_phone, normalize_postcode, normalize_text,
    parse_date, parse_number, parse_year,
};
use crate::template::{Piece, Placeholder, classify, pieces};

/// The answers so far, as the UI holds them: step id → raw answer text
/// (an option value, `"3"`, `"1965"`, `"2024-10-01"`, free text).
/// Answers to steps that are not on the path are ignored.
pub type Answers = BTreeMap<String, String>;

/// The person's details as the UI holds them: detail id → text typed.
pub type Details = BTreeMap<String, String>;

/// Why a detail could not be read (an empty detail is never an error: it
/// prints as a blank).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailErrorKind {
    /// Not katakana or hiragana.
    NotKatakana,
    /// Not a date that exists, in any form [`crate::parse_date`] reads.
    NotADate,
    /// Not seven digits.
    NotAPostcode,
    /// Not digits grouped by `-`, spaces or parentheses.
    NotAPhone,
    /// Not one of the options of a `choice` detail.
    NotAnOption,
}

/// An invalid detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailError {
    pub detail: String,
    pub kind: DetailErrorKind,
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerErrorKind {
    /// Not one of the step's option values.
    NotAnOption { given: String },
    /// Not a whole number.
    NotANumber { given: String },
    /// Outside `min..=max` of the step.
    OutOfRange { given: i64, min: i64, max: i64 },
    /// Not a `YYYY-MM-DD` date that exists.
    NotADate { given: String },
    /// Not a year in any form read (`1975`, `1975年`, `昭和50年`, `S50`).
    NotAYear { given: String },
    /// An era year the era did not have (`昭和70年`); `last` is its last
    /// year, if it has ended.
    OutsideEra { era: String, last: Option<i32> },
    /// A required text answer that is empty.
    Empty,
}

/// An invalid answer to step `step`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub step: String,
    pub kind: AnswerErrorKind,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = &self.step;
        match &self.kind {
            AnswerErrorKind::NotAnOption { given } => {
                write!(f, "step `{step}`: `{given}` is not one of the options")
            }
            AnswerErrorKind::NotANumber { given } => {
                write!(f, "step `{step}`: `{given}` is not a whole number")
            }
            AnswerErrorKind::OutOfRange { given, min, max } => {
                write!(f, "step `{step}`: {given} is not between {min} and {max}")
            }
            AnswerErrorKind::NotADate { given } => {
                write!(f, "step `{step}`: `{given}` is not a date (YYYY-MM-DD)")
            }
            AnswerErrorKind::NotAYear { given } => {
                write!(f, "step `{step}`: `{given}` is not a year")
            }
            AnswerErrorKind::OutsideEra { era, last } => match last {
                Some(l) => write!(f, "step `{step}`: {era} has years 1 to {l}"),
                None => write!(f, "step `{step}`: not a year of {era}"),
            },
            AnswerErrorKind::Empty => write!(f, "step `{step}`: the answer is empty"),
        }
    }
}

/// Why a procedure could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// An answer on the path is invalid.
    Answer(AnswerError),
    /// The procedure or the facts are inconsistent (run [`crate::validate`]).
    Broken { message: String },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Answer(a) => a.fmt(f),
            EvalError::Broken { message } => write!(f, "broken procedure: {message}"),
        }
    }
}

impl std::error::Error for AnswerError {}

impl std::error::Error for EvalError {}

impl From<AnswerError> for EvalError {
    fn from(a: AnswerError) -> EvalError {
        EvalError::Answer(a)
    }
}

fn broken(message: impl Into<String>) -> EvalError {
    EvalError::Broken {
        message: message.into(),
    }
}

/// Where the answers so far lead.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluation {
    /// The next question to ask; `path` are the steps answered before it.
    NeedsAnswer { step: String, path: Vec<String> },
    /// The end of the path.
    Finished { outcome: Outcome, path: Vec<String> },
}

/// The end of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Eligible(Box<Eligible>),
    NotEligible {
        outcome: String,
        reason: String,
    },
    Redirect {
        outcome: String,
        procedure: String,
        reason: String,
    },
}

/// Everything a person who may apply needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligible {
    pub outcome: String,
    pub message: Option<String>,
    pub documents: Vec<DocumentItem>,
    pub stamps: Option<Stamps>,
    pub postage: Option<Postage>,
    pub info: Vec<InfoItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentItem {
    pub id: String,
    pub text: String,
}

/// The revenue stamps for the handling fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stamps {
    Computed {
        per_copy: i64,
        copies: i64,
        total: i64,
        /// The fee fact is marked unverified.
        unverified: bool,
        /// E.g. 「2部請求」, when two or more copies are requested.
        note: Option<String>,
        /// How to pay.
        text: Option<String>,
    },
    /// No confirmed amount: the fee fact is an unverified text.
    Unconfirmed { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postage {
    pub text: Option<String>,
    pub band: Option<PostageBand>,
    pub stamps: StampPostage,
    /// Letter Packs (or similar) at the price in force today.
    pub letter_packs: Vec<PricedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostageBand {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StampPostage {
    /// Stamps for these amounts (one per rate of the band), in force today.
    InForce(Vec<PostageRate>),
    /// No confirmed figure today: recommend a Letter Pack or extra stamps.
    /// `last_known` were the figures confirmed before `until`.
    NoConfirmedFigure {
        last_known: Vec<PostageRate>,
        until: Option<Date>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostageRate {
    pub fact: String,
    pub yen: i64,
    pub from: Date,
    /// The rates fact is marked `unverified = true`.
    pub unverified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedItem {
    pub id: String,
    pub label: String,
    pub yen: i64,
    pub from: Date,
    /// The rates fact is marked `unverified = true`.
    pub unverified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoItem {
    pub id: String,
    pub label: String,
    pub text: String,
}

/// The Japanese form, filled (or blank), ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormOutput {
    pub name: String,
    pub subtitle: Option<String>,
    /// The request date: 令和8年11月25日（2026年11月25日）, or blanks.
    pub date: String,
    pub addressee: Option<String>,
    pub sections: Vec<FormSectionOutput>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSectionOutput {
    pub intro: Option<String>,
    pub heading: Option<String>,
    pub boxes: Vec<FormBox>,
}

/// A labelled box of the form and its lines (Japanese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormBox {
    pub label: String,
    pub lines: Vec<String>,
    /// The revenue-stamp box.
    pub stamp: bool,
    /// What the box is, in the reader's language.
    pub help: Option<String>,
}

impl FormOutput {
    /// The lines of the box labelled `label` (all boxes with that label).
    pub fn lines(&self, label: &str) -> Vec<&str> {
        self.sections
            .iter()
            .flat_map(|s| &s.boxes)
            .filter(|b| b.label == label)
            .flat_map(|b| b.lines.iter().map(String::as_str))
            .collect()
    }
}

/// A parsed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Choice(String),
    Number(i64),
    Date(Date),
    Text(String),
}

/// Parses the raw answer to `step`.
pub(crate) fn parse_answer(step: &Step, raw: &str) -> Result<Value, AnswerError> {
    let id = step.id.get_ref().clone();
    let err = |kind| AnswerError {
        step: id.clone(),
        kind,
    };
    match *step.kind.get_ref() {
        StepKind::Choice | StepKind::YesNo => match step.option(raw.trim()) {
            Some(o) => Ok(Value::Choice(o.value.get_ref().clone())),
            None => Err(err(AnswerErrorKind::NotAnOption {
                given: raw.to_string(),
            })),
        },
        StepKind::Number | StepKind::Year => {
            let n = if *step.kind.get_ref() == StepKind::Year {
                parse_year(raw).map(i64::from).map_err(|p| {
                    err(match p {
                        YearProblem::NotAYear => AnswerErrorKind::NotAYear {
                            given: raw.to_string(),
                        },
                        YearProblem::OutsideEra { era, last } => AnswerErrorKind::OutsideEra {
                            era: era.to_string(),
                            last,
                        },
                    })
                })?
            } else {
                parse_number(raw).ok_or_else(|| {
                    err(AnswerErrorKind::NotANumber {
                        given: raw.to_string(),
                    })
                })?
            };
            let min = step.min.as_ref().map_or(i64::MIN, |m| *m.get_ref());
            let max = step.max.as_ref().map_or(i64::MAX, |m| *m.get_ref());
            if n < min || n > max {
                return Err(err(AnswerErrorKind::OutOfRange { given: n, min, max }));
            }
            Ok(Value::Number(n))
        }
        StepKind::Date => parse_date(raw).map(Value::Date).ok_or_else(|| {
            err(AnswerErrorKind::NotADate {
                given: raw.to_string(),
            })
        }),
        StepKind::Text => {
            let t = normalize_text(raw);
            if t.is_empty() && !step.optional {
                Err(err(AnswerErrorKind::Empty))
            } else {
                Ok(Value::Text(t))
            }
        }
    }
}

/// The answer to `step` in its canonical form (`１２` → `12`, `1950/3/4`
/// → `1950-03-04`), or why it is refused.
pub fn canonical_answer(step: &Step, raw: &str) -> Result<String, AnswerError> {
    Ok(match parse_answer(step, raw)? {
        Value::Choice(s) | Value::Text(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Date(d) => d.iso(),
    })
}

/// Resolves a bound to a number: a date fact counts as its year.
pub(crate) fn bound_value(b: &Bound, facts: &Facts) -> Option<i64> {
    match b {
        Bound::Value(n) => Some(*n),
        Bound::Fact(key) => match &facts.get(key)?.value {
            FactValue::Number(n) | FactValue::Yen(n) => Some(*n),
            FactValue::Date(d) => Some(i64::from(d.year())),
            _ => None,
        },
    }
}

/// How an error names a bound (without `Debug`, whose string escaping
/// would bring Unicode tables into the wasm).
fn bound_name(b: &Bound) -> String {
    match b {
        Bound::Value(n) => n.to_string(),
        Bound::Fact(key) => format!("`{key}`"),
    }
}

struct Ctx<'a> {
    proc: &'a Procedure,
    facts: &'a Facts,
    today: Date,
    values: Values,
}

/// The parsed answers on the path, by step id: a short list (a map would
/// add its own code to the wasm).
#[derive(Default)]
struct Values(Vec<(String, Value)>);

impl Values {
    fn get(&self, step: &str) -> Option<&Value> {
        self.0.iter().find(|(id, _)| id == step).map(|(_, v)| v)
    }

    fn insert(&mut self, step: String, value: Value) {
        match self.0.iter_mut().find(|(id, _)| *id == step) {
            Some((_, v)) => *v = value,
            None => self.0.push((step, value)),
        }
    }
}

impl Ctx<'_> {
    fn date_fact(&self, key: &str) -> Result<Date, EvalError> {
        self.facts
            .date(key)
            .ok_or_else(|| broken(format!("fact `{key}` is missing or not a date")))
    }

    fn holds(&self, c: &Condition) -> Result<bool, EvalError> {
        if let Some(step) = &c.answer {
            let Some(v) = self.values.get(step) else {
                return Ok(false);
            };
            let as_str = match v {
                Value::Choice(s) | Value::Text(s) => Some(s.as_str()),
                _ => None,
            };
            if let Some(is) = &c.is
                && as_str != Some(is.as_str())
            {
                return Ok(false);
            }
            if let Some(set) = &c.one_of
                && !as_str.is_some_and(|s| set.iter().any(|x| x == s))
            {
                return Ok(false);
            }
            for (bound, at_least) in [(&c.at_least, true), (&c.at_most, false)] {
                let Some(bound) = bound else { continue };
                let b = bound_value(bound, self.facts).ok_or_else(|| {
                    broken(format!("bound {} is not a known number", bound_name(bound)))
                })?;
                let Value::Number(n) = v else {
                    return Ok(false);
                };
                if (at_least && *n < b) || (!at_least && *n > b) {
                    return Ok(false);
                }
            }
        }
        if let Some(key) = &c.today_from
            && self.today < self.date_fact(key)?
        {
            return Ok(false);
        }
        if let Some(key) = &c.today_before
            && self.today >= self.date_fact(key)?
        {
            return Ok(false);
        }
        if let Some(all) = &c.all {
            for sub in all {
                if !self.holds(sub)? {
                    return Ok(false);
                }
            }
        }
        if let Some(any) = &c.any {
            let mut one = false;
            for sub in any {
                if self.holds(sub)? {
                    one = true;
                    break;
                }
            }
            if !one {
                return Ok(false);
            }
        }
        if let Some(not) = &c.not
            && self.holds(not)?
        {
            return Ok(false);
        }
        Ok(true)
    }

    /// Whether document `d` is on the reader's checklist: the one test
    /// behind both the list and the form's `{doc:..}` ticks.
    fn on_checklist(&self, d: &Document) -> Result<bool, EvalError> {
        self.holds_opt(&d.when)
    }

    fn holds_opt(&self, c: &Option<Spanned<Condition>>) -> Result<bool, EvalError> {
        match c {
            Some(c) => self.holds(c.get_ref()),
            None => Ok(true),
        }
    }
}

enum Target<'a> {
    Step(&'a str),
    Outcome(&'a str),
}

fn target<'a>(
    next: &'a Option<Spanned<String>>,
    outcome: &'a Option<Spanned<String>>,
) -> Option<Target<'a>> {
    if let Some(n) = next {
        return Some(Target::Step(n.get_ref()));
    }
    outcome.as_ref().map(|o| Target::Outcome(o.get_ref()))
}

fn first_route<'a>(
    ctx: &Ctx<'_>,
    routes: &'a [Spanned<Route>],
) -> Result<Option<Target<'a>>, EvalError> {
    for r in routes {
        let r = r.get_ref();
        if ctx.holds(r.when.get_ref())?
            && let Some(t) = target(&r.next, &r.outcome)
        {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

enum End {
    NeedsAnswer(String),
    Outcome(String),
}

fn walk<'a>(
    proc: &'a Procedure,
    facts: &'a Facts,
    answers: &Answers,
    today: Date,
) -> Result<(Ctx<'a>, Vec<String>, End), EvalError> {
    let mut ctx = Ctx {
        proc,
        facts,
        today,
        values: Values::default(),
    };
    let mut path = Vec::new();
    // A few steps: a list is enough (and no set code in the wasm).
    let mut seen: Vec<String> = Vec::new();
    let mut current = proc
        .start_step()
        .ok_or_else(|| broken("the procedure has no steps"))?
        .to_string();
    loop {
        if seen.contains(&current) {
            return Err(broken(format!("routing cycle through step `{current}`")));
        }
        seen.push(current.clone());
        let step = proc
            .step(&current)
            .ok_or_else(|| broken(format!("no step `{current}`")))?;
        let Some(raw) = answers.get(&current) else {
            return Ok((ctx, path, End::NeedsAnswer(current)));
        };
        let value = parse_answer(step, raw)?;
        let chosen = match &value {
            Value::Choice(v) => step.option(v),
            _ => None,
        };
        ctx.values.insert(current.clone(), value);
        path.push(current.clone());
        let mut t = None;
        if let Some(o) = chosen {
            t = first_route(&ctx, &o.routes)?;
            if t.is_none() {
                t = target(&o.next, &o.outcome);
            }
        }
        if t.is_none() {
            t = first_route(&ctx, &step.routes)?;
        }
        if t.is_none() {
            t = target(&step.next, &step.outcome);
        }
        match t {
            Some(Target::Step(s)) => current = s.to_string(),
            Some(Target::Outcome(o)) => return Ok((ctx, path, End::Outcome(o.to_string()))),
            None => {
                return Err(broken(format!(
                    "step `{current}` has no route for this answer"
                )));
            }
        }
    }
}

/// The id of the next question given the answers so far, or `None` when
/// the answers lead to an outcome.
pub fn next_step(
    proc: &Procedure,
    facts: &Facts,
    answers: &Answers,
    today: Date,
) -> Result<Option<String>, EvalError> {
    let (_, _, end) = walk(proc, facts, answers, today)?;
    Ok(match end {
        End::NeedsAnswer(s) => Some(s),
        End::Outcome(_) => None,
    })
}

/// Evaluates the answers so far on `today`, with texts in `lang` (falling
/// back to the procedure's default language).
pub fn evaluate(
    proc: &Procedure,
    facts: &Facts,
    answers: &Answers,
    today: Date,
    lang: &str,
) -> Result<Evaluation, EvalError> {
    let (ctx, path, end) = walk(proc, facts, answers, today)?;
    let outcome_id = match end {
        End::NeedsAnswer(step) => return Ok(Evaluation::NeedsAnswer { step, path }),
        End::Outcome(o) => o,
    };
    let def = proc
        .outcome(&outcome_id)
        .ok_or_else(|| broken(format!("no outcome `{outcome_id}`")))?;
    let r = Renderer::new(&ctx, lang);
    let text = match &def.text {
        Some(t) => Some(r.text(t.get_ref())?),
        None => None,
    };
    let outcome = match *def.kind.get_ref() {
        OutcomeKind::NotEligible => Outcome::NotEligible {
            outcome: outcome_id,
            reason: text.unwrap_or_default(),
        },
        OutcomeKind::Redirect => Outcome::Redirect {
            outcome: outcome_id,
            procedure: def
                .procedure
                .as_ref()
                .map(|p| p.get_ref().clone())
                .ok_or_else(|| broken("a redirect outcome has no `procedure`"))?,
            reason: text.unwrap_or_default(),
        },
        OutcomeKind::Eligible => Outcome::Eligible(Box::new(eligible(&r, outcome_id, text)?)),
    };
    Ok(Evaluation::Finished { outcome, path })
}

#[derive(Clone, Copy)]
struct FeeNumbers {
    copies: i64,
    per_copy: Option<i64>,
    total: Option<i64>,
}

struct Renderer<'a> {
    ctx: &'a Ctx<'a>,
    lang: &'a str,
    default: &'a str,
    fee: Option<FeeNumbers>,
    /// The details typed and the ids of those asked on this path.
    details: Option<(&'a Details, &'a [String])>,
    /// The blank form: no answers, no date (`{today}` prints blanks).
    blank: bool,
}

/// The text in `lang`, else in `default`, else any.
pub(crate) fn pick<'t>(t: &'t Text, lang: &str, default: &str) -> &'t str {
    t.get(lang)
        .or_else(|| t.get(default))
        .or_else(|| t.values().next())
        .map_or("", String::as_str)
}

impl<'a> Renderer<'a> {
    /// Texts in `lang` for `ctx`, without fee numbers or details.
    fn new(ctx: &'a Ctx<'a>, lang: &'a str) -> Renderer<'a> {
        Renderer {
            ctx,
            lang,
            default: ctx.proc.default_language(),
            fee: None,
            details: None,
            blank: false,
        }
    }

    fn text(&self, t: &Text) -> Result<String, EvalError> {
        // Placeholders follow the language the text is actually shown in.
        let lang = self.shown_lang(t);
        self.template(pick(t, lang, self.default), Some(lang))
    }

    /// A fact's value for a reader of `lang` (marked when unconfirmed), or
    /// for the Japanese form when `form` (never marked).
    fn fact_text(&self, key: &str, lang: &str, form: bool) -> Result<String, EvalError> {
        let fact = self
            .ctx
            .facts
            .get(key)
            .ok_or_else(|| broken(format!("fact `{key}` is missing")))?;
        let mut text = match &fact.value {
            FactValue::Yen(n) | FactValue::Number(n) => n.to_string(),
            FactValue::Date(d) => self.ctx.facts.date_in(*d, lang),
            FactValue::Text(t) => pick(t, lang, self.default).to_string(),
            FactValue::Rates(rates) => rate_on(rates, self.ctx.today)
                .map(|r| r.yen.to_string())
                .unwrap_or_default(),
        };
        let rate_unverified = match &fact.value {
            FactValue::Rates(rates) => rate_on(rates, self.ctx.today).is_some_and(|r| r.unverified),
            _ => false,
        };
        if (fact.unverified || rate_unverified) && !form {
            text.push_str(self.ctx.facts.unverified_mark(lang));
        }
        Ok(text)
    }

    /// A reader's text of an item the sources do not confirm, marked so.
    fn item_text(&self, t: &Text, unverified: bool) -> Result<String, EvalError> {
        let mut text = self.text(t)?;
        if unverified {
            text.push_str(self.ctx.facts.unverified_mark(self.shown_lang(t)));
        }
        Ok(text)
    }

    /// The language `t` is shown in for this reader: theirs, else the default.
    fn shown_lang(&self, t: &Text) -> &'a str {
        if t.contains_key(self.lang) {
            self.lang
        } else {
            self.default
        }
    }

    fn answer_text(&self, step_id: &str, lang: &str, form: bool) -> String {
        let Some(v) = self.ctx.values.get(step_id) else {
            return String::new();
        };
        match v {
            Value::Choice(c) => {
                let opt = self.ctx.proc.step(step_id).and_then(|s| s.option(c));
                match (opt, form) {
                    (Some(o), true) => o
                        .form
                        .clone()
                        .unwrap_or_else(|| pick(o.label.get_ref(), "ja", self.default).to_string()),
                    (Some(o), false) => pick(o.label.get_ref(), lang, self.default).to_string(),
                    (None, _) => c.clone(),
                }
            }
            Value::Number(n) => n.to_string(),
            Value::Date(d) if form => format_wareki(*d).unwrap_or_else(|| d.iso()),
            Value::Date(d) => self.ctx.facts.date_in(*d, lang),
            Value::Text(t) => t.clone(),
        }
    }

    /// The first of `ids` (`a|b`) asked on this path, read forgivingly;
    /// on the form dates in the era calendar (an empty date as blanks to
    /// fill in) and options as their Japanese form.
    fn detail_text(&self, ids: &str, lang: &str, form: bool) -> String {
        let blank_date = |id: &str| {
            form && self
                .ctx
                .proc
                .detail(id)
                .is_some_and(|d| *d.kind.get_ref() == DetailKind::Date)
        };
        let Some((details, asked)) = self.details else {
            // The blank form: dates get their blanks, the rest is empty.
            return match ids.split('|').next() {
                Some(id) if self.blank && blank_date(id) => BLANK_DAY.to_string(),
                _ => String::new(),
            };
        };
        let Some(id) = ids.split('|').find(|id| asked.iter().any(|a| a == id)) else {
            return String::new();
        };
        let Some(def) = self.ctx.proc.detail(id) else {
            return String::new();
        };
        let raw = details.get(id).map_or("", String::as_str);
        let value = normalize_detail(def, raw).unwrap_or_else(|_| normalize_text(raw));
        if value.is_empty() {
            return if blank_date(id) {
                BLANK_DAY.to_string()
            } else {
                String::new()
            };
        }
        match def.kind.get_ref() {
            DetailKind::Date => match Date::parse(&value) {
                Some(d) if form => format_wareki_gregorian(d),
                Some(d) => self.ctx.facts.date_in(d, lang),
                None => value,
            },
            _ => match def.option_for(&value) {
                Some(o) if form => o
                    .form
                    .clone()
                    .unwrap_or_else(|| pick(o.label.get_ref(), "ja", self.default).to_string()),
                Some(o) => pick(o.label.get_ref(), lang, self.default).to_string(),
                None => value,
            },
        }
    }

    /// Fills the placeholders of `s` for a reader of `lang`; `None` renders
    /// for the Japanese form.
    fn template(&self, s: &str, lang: Option<&str>) -> Result<String, EvalError> {
        let form = lang.is_none();
        let lang = lang.unwrap_or("ja");
        let mut out = String::new();
        for p in pieces(s) {
            match p {
                Piece::Lit(l) => out.push_str(l),
                Piece::Ph(name) => match classify(name) {
                    Placeholder::Today => {
                        if form && self.blank {
                            out.push_str(BLANK_DATE);
                        } else if form {
                            out.push_str(
                                &format_wareki(self.ctx.today)
                                    .unwrap_or_else(|| self.ctx.today.iso()),
                            );
                        } else {
                            out.push_str(&self.ctx.facts.date_in(self.ctx.today, lang));
                        }
                    }
                    Placeholder::Copies => {
                        if let Some(f) = self.fee {
                            out.push_str(&f.copies.to_string());
                        } else if self.blank {
                            out.push_str(BLANK_NUMBER);
                        }
                    }
                    Placeholder::FeeTotal => {
                        if let Some(t) = self.fee.and_then(|f| f.total) {
                            out.push_str(&t.to_string());
                        } else if self.blank {
                            out.push_str(BLANK_NUMBER);
                        }
                    }
                    Placeholder::FeePerCopy => {
                        if let Some(t) = self.fee.and_then(|f| f.per_copy) {
                            out.push_str(&t.to_string());
                        } else if self.blank {
                            out.push_str(BLANK_NUMBER);
                        }
                    }
                    Placeholder::Answer(step) => out.push_str(&self.answer_text(step, lang, form)),
                    Placeholder::Fact(key) => out.push_str(&self.fact_text(key, lang, form)?),
                    Placeholder::Detail(ids) => out.push_str(&self.detail_text(ids, lang, form)),
                    Placeholder::Box(step, values) => {
                        let ticked = match self.ctx.values.get(step) {
                            Some(Value::Choice(v)) => values.split('|').any(|x| x == v),
                            _ => false,
                        };
                        out.push(if ticked { '☑' } else { '☐' });
                    }
                    Placeholder::Doc(ids) => {
                        // The checklist's own test: ticked exactly when one
                        // of these documents is on the reader's list.
                        let mut ticked = false;
                        for id in ids.split('|') {
                            if let Some(d) = self.ctx.proc.document(id) {
                                ticked |= !self.blank && self.ctx.on_checklist(d)?;
                            }
                        }
                        out.push(if ticked { '☑' } else { '☐' });
                    }
                    Placeholder::Unknown(_) => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        Ok(out)
    }
}

/// The rates of a `rates` fact and whether the whole fact is unverified.
fn rates_of<'f>(facts: &'f Facts, key: &str) -> Result<(&'f [Rate], bool), EvalError> {
    match facts.get(key) {
        Some(Fact {
            value: FactValue::Rates(r),
            unverified,
        }) => Ok((r, *unverified)),
        _ => Err(broken(format!("fact `{key}` is missing or has no rates"))),
    }
}

/// A rate of `key` as the reader is shown it.
fn postage_rate(key: &str, rate: Rate, fact_unverified: bool) -> PostageRate {
    PostageRate {
        fact: key.to_string(),
        yen: rate.yen,
        from: rate.from,
        unverified: fact_unverified || rate.unverified,
    }
}

/// The fee numbers (copies, per copy, total) and, for a yen fee, the
/// stamps (per copy, total, unverified).
#[allow(clippy::type_complexity)]
fn fee_numbers(ctx: &Ctx<'_>) -> Result<(Option<FeeNumbers>, Option<(i64, i64, bool)>), EvalError> {
    let proc = ctx.proc;
    let mut fee_numbers = None;
    let mut stamps = None;
    if let Some(fee) = &proc.fee {
        let fee = fee.get_ref();
        let key = fee.fee_fact.get_ref();
        let fact = ctx
            .facts
            .get(key)
            .ok_or_else(|| broken(format!("fact `{key}` is missing")))?;
        let copies = match fee
            .copies_step
            .as_ref()
            .and_then(|s| ctx.values.get(s.get_ref()))
        {
            Some(Value::Number(n)) => *n,
            _ => 1,
        };
        match &fact.value {
            FactValue::Yen(per_copy) => {
                let total = per_copy
                    .checked_mul(copies)
                    .ok_or_else(|| broken("the fee total overflows"))?;
                fee_numbers = Some(FeeNumbers {
                    copies,
                    per_copy: Some(*per_copy),
                    total: Some(total),
                });
                stamps = Some((*per_copy, total, fact.unverified));
            }
            FactValue::Text(_) if fact.unverified => {
                fee_numbers = Some(FeeNumbers {
                    copies,
                    per_copy: None,
                    total: None,
                });
            }
            _ => {
                return Err(broken(format!(
                    "fee fact `{key}` must be yen, or an unverified text"
                )));
            }
        }
    }
    Ok((fee_numbers, stamps))
}

fn eligible(
    r0: &Renderer<'_>,
    outcome: String,
    message: Option<String>,
) -> Result<Eligible, EvalError> {
    let ctx = r0.ctx;
    let proc = ctx.proc;

    // Fee first: its numbers are available to every text.
    let (fee_numbers, stamps) = fee_numbers(ctx)?;
    let r = Renderer {
        fee: fee_numbers,
        ..Renderer::new(ctx, r0.lang)
    };
    let stamps = match (&proc.fee, stamps, fee_numbers) {
        (Some(fee), Some((per_copy, total, unverified)), Some(n)) => {
            let fee = fee.get_ref();
            let note = match &fee.multi_copy_note {
                Some(t) if n.copies >= 2 => Some(r.text(t.get_ref())?),
                _ => None,
            };
            let text = match &fee.text {
                Some(t) => Some(r.text(t.get_ref())?),
                None => None,
            };
            Some(Stamps::Computed {
                per_copy,
                copies: n.copies,
                total,
                unverified,
                note,
                text,
            })
        }
        (Some(fee), None, _) => Some(Stamps::Unconfirmed {
            text: r.fact_text(fee.get_ref().fee_fact.get_ref(), r.lang, false)?,
        }),
        _ => None,
    };

    let mut documents = Vec::new();
    for d in &proc.documents {
        let d = d.get_ref();
        if ctx.on_checklist(d)? {
            documents.push(DocumentItem {
                id: d.id.get_ref().clone(),
                text: r.item_text(d.text.get_ref(), d.unverified)?,
            });
        }
    }

    let mut postage = None;
    if let Some(p) = &proc.postage {
        let p = p.get_ref();
        if ctx.holds_opt(&p.when)? {
            let mut band = None;
            for b in &p.bands {
                let b = b.get_ref();
                if ctx.holds_opt(&b.when)? {
                    band = Some(b);
                    break;
                }
            }
            let stamps = match band {
                None => StampPostage::NoConfirmedFigure {
                    last_known: Vec::new(),
                    until: None,
                },
                Some(b) => {
                    let cutoff = match &b.confirmed_before {
                        Some(k) => Some(ctx.date_fact(k.get_ref())?),
                        None => None,
                    };
                    let mut in_force = Vec::new();
                    let mut last_known = Vec::new();
                    let mut complete = true;
                    for key in &b.rates {
                        let key = key.get_ref();
                        let (rates, fact_unverified) = rates_of(ctx.facts, key)?;
                        if let Some(c) = cutoff {
                            let before: Vec<Rate> =
                                rates.iter().filter(|x| x.from < c).copied().collect();
                            if let Some(x) = rate_on(&before, c) {
                                last_known.push(postage_rate(key, x, fact_unverified));
                            }
                        }
                        match rate_on(rates, ctx.today) {
                            Some(x) => in_force.push(postage_rate(key, x, fact_unverified)),
                            None => complete = false,
                        }
                    }
                    let confirmed = cutoff.is_none_or(|c| ctx.today < c);
                    if confirmed && complete {
                        StampPostage::InForce(in_force)
                    } else {
                        StampPostage::NoConfirmedFigure {
                            last_known,
                            until: cutoff,
                        }
                    }
                }
            };
            let mut letter_packs = Vec::new();
            for lp in &p.letter_packs {
                let lp = lp.get_ref();
                let (rates, fact_unverified) = rates_of(ctx.facts, lp.fact.get_ref())?;
                if let Some(x) = rate_on(rates, ctx.today) {
                    letter_packs.push(PricedItem {
                        id: lp.id.get_ref().clone(),
                        label: r.text(lp.label.get_ref())?,
                        yen: x.yen,
                        from: x.from,
                        unverified: fact_unverified || x.unverified,
                    });
                }
            }
            postage = Some(Postage {
                text: match &p.text {
                    Some(t) => Some(r.text(t.get_ref())?),
                    None => None,
                },
                band: match band {
                    Some(b) => Some(PostageBand {
                        id: b.id.get_ref().clone(),
                        label: r.text(b.label.get_ref())?,
                    }),
                    None => None,
                },
                stamps,
                letter_packs,
            });
        }
    }

    let mut info = Vec::new();
    for i in &proc.info {
        let i = i.get_ref();
        if !ctx.holds_opt(&i.when)? {
            continue;
        }
        let text = match (&i.text, &i.fact) {
            (Some(t), _) => r.item_text(t.get_ref(), i.unverified)?,
            (None, Some(k)) => r.fact_text(k.get_ref(), r.lang, false)?,
            (None, None) => String::new(),
        };
        info.push(InfoItem {
            id: i.id.get_ref().clone(),
            label: r.text(i.label.get_ref())?,
            text,
        });
    }

    Ok(Eligible {
        outcome,
        message,
        documents,
        stamps,
        postage,
        info,
    })
}

/// The details asked on the path the answers take (those whose `when`
/// holds), in file order.
pub fn details_asked<'p>(
    proc: &'p Procedure,
    facts: &Facts,
    answers: &Answers,
    today: Date,
) -> Result<Vec<&'p DetailDef>, EvalError> {
    let (ctx, _, _) = walk(proc, facts, answers, today)?;
    asked_on(proc, &ctx)
}

/// The details of `proc` whose `when` holds for `ctx`.
fn asked_on<'p>(proc: &'p Procedure, ctx: &Ctx<'_>) -> Result<Vec<&'p DetailDef>, EvalError> {
    let mut out = Vec::new();
    for d in &proc.details {
        let d = d.get_ref();
        if ctx.holds_opt(&d.when)? {
            out.push(d);
        }
    }
    Ok(out)
}

/// A detail as typed, read forgivingly into its canonical form (what is
/// kept and printed): width folded, `1950/3/4` → `1950-03-04`, hiragana →
/// katakana, `1600004` → `160-0004`, a `choice` as its option value and a
/// suggestion typed in any language as its value. Empty stays empty (a
/// blank on the form); what cannot be read is an error.
pub fn normalize_detail(def: &DetailDef, raw: &str) -> Result<String, DetailErrorKind> {
    let text = normalize_text(raw);
    if text.is_empty() {
        return Ok(text);
    }
    match def.kind.get_ref() {
        DetailKind::Text => Ok(def
            .option_for(&text)
            .map_or(text, |o| o.value.get_ref().clone())),
        DetailKind::Choice => def
            .option_for(&text)
            .map(|o| o.value.get_ref().clone())
            .ok_or(DetailErrorKind::NotAnOption),
        DetailKind::Katakana => normalize_katakana(&text).ok_or(DetailErrorKind::NotKatakana),
        DetailKind::Date => parse_date(&text)
            .map(|d| d.iso())
            .ok_or(DetailErrorKind::NotADate),
        DetailKind::Postcode => normalize_postcode(&text).ok_or(DetailErrorKind::NotAPostcode),
        DetailKind::Phone => normalize_phone(&text).ok_or(DetailErrorKind::NotAPhone),
    }
}

/// Checks the details typed for the details asked on this path; errors in
/// the order of the file. Empty details are not errors (see
/// [`missing_details`]).
pub fn check_details(
    proc: &Procedure,
    facts: &Facts,
    answers: &Answers,
    details: &Details,
    today: Date,
) -> Result<Vec<DetailError>, EvalError> {
    Ok(normalize_details(proc, facts, answers, details, today)?.1)
}

/// The details asked on this path in their canonical form (those that
/// cannot be read are kept as typed), and the errors, in file order.
pub fn normalize_details(
    proc: &Procedure,
    facts: &Facts,
    answers: &Answers,
    details: &Details,
    today: Date,
) -> Result<(Details, Vec<DetailError>), EvalError> {
    let mut out = details.clone();
    let mut errors = Vec::new();
    for d in details_asked(proc, facts, answers, today)? {
        let id = d.id.get_ref();
        let raw = details.get(id).map_or("", String::as_str);
        match normalize_detail(d, raw) {
            Ok(v) => {
                out.insert(id.clone(), v);
            }
            Err(kind) => errors.push(DetailError {
                detail: id.clone(),
                kind,
            }),
        }
    }
    Ok((out, errors))
}

/// The details asked on this path that the form needs (not `optional`)
/// and that are still empty, in file order: blanks to write by hand.
pub fn missing_details<'p>(
    proc: &'p Procedure,
    facts: &Facts,
    answers: &Answers,
    details: &Details,
    today: Date,
) -> Result<Vec<&'p DetailDef>, EvalError> {
    Ok(details_asked(proc, facts, answers, today)?
        .into_iter()
        .filter(|d| {
            !d.optional
                && details
                    .get(d.id.get_ref())
                    .is_none_or(|v| normalize_text(v).is_empty())
        })
        .collect())
}

/// The form filled from the answers and details on `today`, with its
/// explanations in `lang`; `None` when the procedure has no form.
pub fn fill_form(
    proc: &Procedure,
    facts: &Facts,
    answers: &Answers,
    details: &Details,
    today: Date,
    lang: &str,
) -> Result<Option<FormOutput>, EvalError> {
    let (ctx, _, _) = walk(proc, facts, answers, today)?;
    // A list, not a set: collecting into a set sorts, and the sort and the
    // set are sizeable code in the wasm.
    let asked: Vec<String> = asked_on(proc, &ctx)?
        .into_iter()
        .map(|d| d.id.get_ref().clone())
        .collect();
    let (fee, _) = fee_numbers(&ctx)?;
    let r = Renderer {
        fee,
        details: Some((details, &asked)),
        ..Renderer::new(&ctx, lang)
    };
    form_output(&r)
}

/// The form with nothing filled in, for printing and writing by hand:
/// every box ☐, every row (those with a `when` too: a blank form serves
/// every path), no details, dates and the request date as blanks.
pub fn blank_form(
    proc: &Procedure,
    facts: &Facts,
    lang: &str,
) -> Result<Option<FormOutput>, EvalError> {
    with_no_answers(proc, facts, lang, |r| {
        form_output(&Renderer {
            blank: true,
            ..Renderer::new(r.ctx, lang)
        })
    })
}

/// Runs `f` with a renderer that knows no answers, details or date.
fn with_no_answers<T>(
    proc: &Procedure,
    facts: &Facts,
    lang: &str,
    f: impl FnOnce(&Renderer<'_>) -> T,
) -> T {
    let ctx = Ctx {
        proc,
        facts,
        today: Date::default(),
        values: Values::default(),
    };
    f(&Renderer::new(&ctx, lang))
}

const BLANK_DATE: &str = "令和　　年　　月　　日";
/// A number left to write by hand on the blank form.
const BLANK_NUMBER: &str = "　　　";
/// An empty date detail on the form: the era and the numbers by hand.
const BLANK_DAY: &str = "　　　　年　　月　　日";

/// The form's boxes: rows whose `when` holds (all of them when blank),
/// consecutive rows of one label merged into one box.
fn form_output(r: &Renderer<'_>) -> Result<Option<FormOutput>, EvalError> {
    let Some(f) = &r.ctx.proc.form else {
        return Ok(None);
    };
    let f = f.get_ref();
    let mut sections = Vec::new();
    for sec in &f.sections {
        let sec = sec.get_ref();
        let mut boxes: Vec<FormBox> = Vec::new();
        for row in &sec.rows {
            let row = row.get_ref();
            let shown = match &row.when {
                None => true,
                Some(_) if r.blank => true,
                Some(w) => r.ctx.holds(w.get_ref())?,
            };
            if !shown {
                continue;
            }
            let value = r.template(row.value.get_ref(), None)?;
            let label = row.label.get_ref();
            match boxes.last_mut() {
                Some(b) if b.label == *label => b.lines.push(value),
                _ => boxes.push(FormBox {
                    label: label.clone(),
                    lines: vec![value],
                    stamp: row.stamp,
                    help: match &row.help {
                        Some(h) => Some(r.text(h.get_ref())?),
                        None => None,
                    },
                }),
            }
        }
        sections.push(FormSectionOutput {
            intro: sec.intro.as_ref().map(|t| t.get_ref().clone()),
            heading: sec.heading.as_ref().map(|t| t.get_ref().clone()),
            boxes,
        });
    }
    Ok(Some(FormOutput {
        name: f.name.get_ref().clone(),
        subtitle: f.subtitle.as_ref().map(|t| t.get_ref().clone()),
        date: if r.blank {
            BLANK_DATE.to_string()
        } else {
            format_wareki_gregorian(r.ctx.today)
        },
        addressee: f.addressee.as_ref().map(|t| t.get_ref().clone()),
        sections,
    }))
}

/// A text of the procedure shown outside a result (a question, a hint, an
/// option or detail label) in `lang`, with its `{fact:...}` placeholders
/// filled. Placeholders that need answers (`{answer:..}`, `{copies}`,
/// `{fee_total}`...) are empty here, and `{today}` is not known.
pub fn fill_text(proc: &Procedure, facts: &Facts, t: &Text, lang: &str) -> String {
    with_no_answers(proc, facts, lang, |r| {
        r.text(t)
            .unwrap_or_else(|_| pick(t, lang, proc.default_language()).to_string())
    })
}
