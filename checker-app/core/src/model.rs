//! The procedure file format as Rust types, and [`parse_procedure`].
//! See the crate documentation for the format described for staff.

use std::ops::Range;

use crate::spanned::Spanned;
use serde::{Deserialize, Serialize};

use crate::facts::Text;

/// A problem in a procedure file (or in the facts it uses) or in a data
/// file, with a byte span into its text where one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: String,
    pub span: Option<Range<usize>>,
    /// What the span shows, written under it: `here` unless set.
    pub label: &'static str,
    /// The fact key it names when the problem is that no data file
    /// defines it (site-gen leaves such a problem out when that data file
    /// is itself broken).
    pub unknown_fact: Option<String>,
}

impl Problem {
    pub fn new(
        message: impl Into<String>,
        help: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Problem {
        Problem {
            message: message.into(),
            help: help.into(),
            span,
            label: "here",
            unknown_fact: None,
        }
    }

    /// The same problem with another label under its span.
    pub fn label(mut self, label: &'static str) -> Problem {
        self.label = label;
        self
    }
}

/// A whole procedure file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub id: Spanned<String>,
    pub title: Spanned<Text>,
    /// Languages this file is fully written in; the first is the default.
    pub languages: Spanned<Vec<String>>,
    /// The first step; defaults to the first `[[steps]]` entry.
    #[serde(default)]
    pub start: Option<Spanned<String>>,
    #[serde(default)]
    pub summary: Option<Spanned<Text>>,
    #[serde(default)]
    pub steps: Vec<Spanned<Step>>,
    #[serde(default)]
    pub outcomes: Vec<Spanned<OutcomeDef>>,
    #[serde(default)]
    pub documents: Vec<Spanned<Document>>,
    #[serde(default)]
    pub fee: Option<Spanned<Fee>>,
    #[serde(default)]
    pub postage: Option<Spanned<PostageDef>>,
    #[serde(default)]
    pub info: Vec<Spanned<Info>>,
    /// The person's details asked before the form is filled.
    #[serde(default)]
    pub details: Vec<Spanned<DetailDef>>,
    #[serde(default)]
    pub form: Option<Spanned<FormDef>>,
}

/// What a step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// One of `options`.
    Choice,
    /// Exactly two options with values `yes` and `no`.
    YesNo,
    /// A whole number between `min` and `max`.
    Number,
    /// A year between `min` and `max`.
    Year,
    /// A date `YYYY-MM-DD` that exists.
    Date,
    /// Free text; must not be empty unless `optional = true`.
    Text,
}

impl StepKind {
    pub fn has_options(self) -> bool {
        matches!(self, StepKind::Choice | StepKind::YesNo)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, StepKind::Number | StepKind::Year)
    }
}

/// One question.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: Spanned<String>,
    pub kind: Spanned<StepKind>,
    pub legend: Spanned<Text>,
    #[serde(default)]
    pub hint: Option<Spanned<Text>>,
    #[serde(default)]
    pub min: Option<Spanned<i64>>,
    #[serde(default)]
    pub max: Option<Spanned<i64>>,
    /// Text steps only: an empty answer is allowed.
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub options: Vec<Spanned<Choice>>,
    /// Conditional routes, tried in order after the chosen option's own.
    #[serde(default)]
    pub routes: Vec<Spanned<Route>>,
    #[serde(default)]
    pub next: Option<Spanned<String>>,
    #[serde(default)]
    pub outcome: Option<Spanned<String>>,
}

/// An option of a `choice` or `yes_no` step.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: Spanned<String>,
    pub label: Spanned<Text>,
    #[serde(default)]
    pub hint: Option<Spanned<Text>>,
    /// What this option writes on the Japanese form (`{answer:<step>}`);
    /// defaults to the Japanese label.
    #[serde(default)]
    pub form: Option<String>,
    #[serde(default)]
    pub routes: Vec<Spanned<Route>>,
    #[serde(default)]
    pub next: Option<Spanned<String>>,
    #[serde(default)]
    pub outcome: Option<Spanned<String>>,
}

/// A conditional route: when `when` holds, go to step `next` or to `outcome`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub when: Spanned<Condition>,
    #[serde(default)]
    pub next: Option<Spanned<String>>,
    #[serde(default)]
    pub outcome: Option<Spanned<String>>,
}

/// A number, or the key of a `number`, `yen` or `date` fact (a date counts
/// as its year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    Value(i64),
    Fact(String),
}

/// In TOML a bound is a bare number or string; in the binary form it is tagged.
impl<'de> Deserialize<'de> for Bound {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Untagged {
            Value(i64),
            Fact(String),
        }
        #[derive(Deserialize)]
        enum Tagged {
            Value(i64),
            Fact(String),
        }
        Ok(if d.is_human_readable() {
            match Untagged::deserialize(d)? {
                Untagged::Value(v) => Bound::Value(v),
                Untagged::Fact(f) => Bound::Fact(f),
            }
        } else {
            match Tagged::deserialize(d)? {
                Tagged::Value(v) => Bound::Value(v),
                Tagged::Fact(f) => Bound::Fact(f),
            }
        })
    }
}

impl Serialize for Bound {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self, s.is_human_readable()) {
            (Bound::Value(v), true) => s.serialize_i64(*v),
            (Bound::Fact(f), true) => s.serialize_str(f),
            (Bound::Value(v), false) => s.serialize_newtype_variant("Bound", 0, "Value", v),
            (Bound::Fact(f), false) => s.serialize_newtype_variant("Bound", 1, "Fact", f),
        }
    }
}

/// A condition on the answers so far and on today's date. Every field that
/// is given must hold; `answer` names the step the other answer tests look
/// at. An answer to a step that was not on the way counts as missing, and
/// every test on a missing answer fails.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub is: Option<String>,
    #[serde(default)]
    pub one_of: Option<Vec<String>>,
    #[serde(default)]
    pub at_least: Option<Bound>,
    #[serde(default)]
    pub at_most: Option<Bound>,
    /// Key of a `date` fact: holds when today is on or after that date.
    #[serde(default)]
    pub today_from: Option<String>,
    /// Key of a `date` fact: holds when today is before that date.
    #[serde(default)]
    pub today_before: Option<String>,
    #[serde(default)]
    pub all: Option<Vec<Condition>>,
    #[serde(default)]
    pub any: Option<Vec<Condition>>,
    #[serde(default)]
    pub not: Option<Box<Condition>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Eligible,
    NotEligible,
    Redirect,
}

/// Where a path ends.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDef {
    pub id: Spanned<String>,
    pub kind: Spanned<OutcomeKind>,
    /// The message (for `not_eligible`: the reason; required there and
    /// for `redirect`).
    #[serde(default)]
    pub text: Option<Spanned<Text>>,
    /// `redirect` only: the id of the other procedure.
    #[serde(default)]
    pub procedure: Option<Spanned<String>>,
}

/// One item of the document checklist.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: Spanned<String>,
    pub text: Spanned<Text>,
    #[serde(default)]
    pub when: Option<Spanned<Condition>>,
    /// The sources do not confirm this item: the reader is told so.
    #[serde(default)]
    pub unverified: bool,
}

/// The handling fee.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// A `yen` fact (fee per copy), or a fact marked unverified (then no
    /// amount is computed and its text is shown instead).
    pub fee_fact: Spanned<String>,
    /// A `number` step giving the number of copies (its `min`/`max` are
    /// the allowed range); without it, one copy.
    #[serde(default)]
    pub copies_step: Option<Spanned<String>>,
    /// Shown when two or more copies are requested; `{copies}` is replaced.
    #[serde(default)]
    pub multi_copy_note: Option<Spanned<Text>>,
    /// How to pay.
    #[serde(default)]
    pub text: Option<Spanned<Text>>,
}

/// Reply postage advice.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PostageDef {
    #[serde(default)]
    pub when: Option<Spanned<Condition>>,
    #[serde(default)]
    pub text: Option<Spanned<Text>>,
    #[serde(default)]
    pub bands: Vec<Spanned<Band>>,
    #[serde(default)]
    pub letter_packs: Vec<Spanned<PricedFact>>,
}

/// A postage band: the first band whose `when` holds applies.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub id: Spanned<String>,
    pub label: Spanned<Text>,
    #[serde(default)]
    pub when: Option<Spanned<Condition>>,
    /// Keys of `rates` facts: the stamp amounts for this band.
    pub rates: Vec<Spanned<String>>,
    /// Key of a `date` fact: the figures are confirmed only before that
    /// date; from it on the checker says there is no confirmed figure.
    #[serde(default)]
    pub confirmed_before: Option<Spanned<String>>,
}

/// A priced item, e.g. a Letter Pack, with a `rates` fact.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PricedFact {
    pub id: Spanned<String>,
    pub label: Spanned<Text>,
    pub fact: Spanned<String>,
}

/// A line of practical information (where to send, how long it takes).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub id: Spanned<String>,
    pub label: Spanned<Text>,
    /// Either a text ...
    #[serde(default)]
    pub text: Option<Spanned<Text>>,
    /// ... or the key of a fact.
    #[serde(default)]
    pub fact: Option<Spanned<String>>,
    #[serde(default)]
    pub when: Option<Spanned<Condition>>,
    /// The sources do not confirm this item: the reader is told so.
    #[serde(default)]
    pub unverified: bool,
}

/// What a detail accepts, beyond "not empty".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DetailKind {
    /// Any text.
    #[default]
    Text,
    /// Katakana only (a reading, フリガナ); spaces allowed.
    Katakana,
    /// A date `YYYY-MM-DD` that exists; written on the form in the era
    /// calendar with the Gregorian date.
    Date,
    /// A Japanese postcode: seven digits, a hyphen allowed.
    Postcode,
    /// A telephone number: digits, `-`, `+` and spaces.
    Phone,
    /// One of `options` (radio buttons); the option's `form` is printed.
    Choice,
}

/// An option of a `choice` detail, or a suggestion of a `text` detail
/// (e.g. a nationality): `value` is what is kept, `label` what the reader
/// sees, `form` what is printed on the Japanese form (default: the `ja`
/// label).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DetailOption {
    pub value: Spanned<String>,
    pub label: Spanned<Text>,
    #[serde(default)]
    pub form: Option<String>,
}

/// One of the person's details written on the form (a name, an address...).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DetailDef {
    pub id: Spanned<String>,
    #[serde(default)]
    pub kind: Spanned<DetailKind>,
    pub label: Spanned<Text>,
    #[serde(default)]
    pub hint: Option<Spanned<Text>>,
    /// The error shown when a required detail is left empty, e.g. "Enter
    /// your name"; required unless `optional`.
    #[serde(default)]
    pub missing: Option<Spanned<Text>>,
    #[serde(default)]
    pub optional: bool,
    /// Asked only when this holds (e.g. only for representatives).
    #[serde(default)]
    pub when: Option<Spanned<Condition>>,
    /// The HTML `autocomplete` token, e.g. `name`, `postal-code`.
    #[serde(default)]
    pub autocomplete: Option<String>,
    /// `choice`: the options; `text`: suggestions offered in a list, any
    /// other text still accepted.
    #[serde(default)]
    pub options: Vec<Spanned<DetailOption>>,
}

impl DetailDef {
    /// The option whose value, label (any language) or printed form is
    /// `text`, compared without regard to width or case.
    pub fn option_for(&self, text: &str) -> Option<&DetailOption> {
        let key = |s: &str| crate::normalize::fold_width(s).trim().to_ascii_lowercase();
        let wanted = key(text);
        if wanted.is_empty() {
            return None;
        }
        self.options.iter().map(Spanned::get_ref).find(|o| {
            key(o.value.get_ref()) == wanted
                || o.form.as_deref().is_some_and(|f| key(f) == wanted)
                || o.label.get_ref().values().any(|l| key(l) == wanted)
        })
    }
}

/// The Japanese request form, laid out as a title block and sections of
/// labelled boxes, and how answers and details fill it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    /// The form's Japanese name (its title).
    pub name: Spanned<String>,
    /// A smaller line after the title, e.g. （外国人登録原票用）.
    #[serde(default)]
    pub subtitle: Option<Spanned<String>>,
    /// The addressee line, e.g. 出入国在留管理庁長官　殿.
    #[serde(default)]
    pub addressee: Option<Spanned<String>>,
    #[serde(default)]
    pub sections: Vec<Spanned<FormSection>>,
}

/// A part of the form: an optional sentence and centred heading, then a
/// table of boxes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormSection {
    /// A sentence before the boxes (Japanese).
    #[serde(default)]
    pub intro: Option<Spanned<String>>,
    /// A short centred heading, e.g. 記.
    #[serde(default)]
    pub heading: Option<Spanned<String>>,
    #[serde(default)]
    pub rows: Vec<Spanned<FormRow>>,
}

/// One box of the form. `label` and `value` are Japanese (the form is
/// Japanese only); `value` may use placeholders. Consecutive rows with the
/// same label share one box, one line each.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormRow {
    pub label: Spanned<String>,
    pub value: Spanned<String>,
    /// The row is written only when this holds; the blank form leaves out
    /// every row with a `when`.
    #[serde(default)]
    pub when: Option<Spanned<Condition>>,
    /// Drawn as the box where revenue stamps are stuck.
    #[serde(default)]
    pub stamp: bool,
    /// What the box is, in the reader's language.
    #[serde(default)]
    pub help: Option<Spanned<Text>>,
}

/// Every text of a procedure with a stable path naming its place
/// (`steps.relationship.options.spouse.label`), in file order: what a
/// translation catalog keys procedure texts by. The printed form's labels
/// are plain Japanese strings, not texts, so they are never translated.
pub fn texts_mut(p: &mut Procedure, mut f: impl FnMut(String, &mut Spanned<Text>)) {
    fn opt(
        t: &mut Option<Spanned<Text>>,
        path: String,
        f: &mut impl FnMut(String, &mut Spanned<Text>),
    ) {
        if let Some(t) = t {
            f(path, t);
        }
    }
    f("title".into(), &mut p.title);
    opt(&mut p.summary, "summary".into(), &mut f);
    for s in &mut p.steps {
        let s = s.get_mut();
        let id = s.id.get_ref().clone();
        f(format!("steps.{id}.legend"), &mut s.legend);
        opt(&mut s.hint, format!("steps.{id}.hint"), &mut f);
        for o in &mut s.options {
            let o = o.get_mut();
            let v = o.value.get_ref().clone();
            f(format!("steps.{id}.options.{v}.label"), &mut o.label);
            opt(&mut o.hint, format!("steps.{id}.options.{v}.hint"), &mut f);
        }
    }
    for o in &mut p.outcomes {
        let o = o.get_mut();
        opt(
            &mut o.text,
            format!("outcomes.{}.text", o.id.get_ref()),
            &mut f,
        );
    }
    for d in &mut p.documents {
        let d = d.get_mut();
        f(format!("documents.{}.text", d.id.get_ref()), &mut d.text);
    }
    if let Some(fee) = &mut p.fee {
        let fee = fee.get_mut();
        opt(
            &mut fee.multi_copy_note,
            "fee.multi_copy_note".into(),
            &mut f,
        );
        opt(&mut fee.text, "fee.text".into(), &mut f);
    }
    if let Some(post) = &mut p.postage {
        let post = post.get_mut();
        opt(&mut post.text, "postage.text".into(), &mut f);
        for b in &mut post.bands {
            let b = b.get_mut();
            f(
                format!("postage.bands.{}.label", b.id.get_ref()),
                &mut b.label,
            );
        }
        for l in &mut post.letter_packs {
            let l = l.get_mut();
            f(
                format!("postage.letter_packs.{}.label", l.id.get_ref()),
                &mut l.label,
            );
        }
    }
    for i in &mut p.info {
        let i = i.get_mut();
        let id = i.id.get_ref().clone();
        f(format!("info.{id}.label"), &mut i.label);
        opt(&mut i.text, format!("info.{id}.text"), &mut f);
    }
    for d in &mut p.details {
        let d = d.get_mut();
        let id = d.id.get_ref().clone();
        f(format!("details.{id}.label"), &mut d.label);
        opt(&mut d.hint, format!("details.{id}.hint"), &mut f);
        opt(&mut d.missing, format!("details.{id}.missing"), &mut f);
        for o in &mut d.options {
            let o = o.get_mut();
            f(
                format!("details.{id}.options.{}.label", o.value.get_ref()),
                &mut o.label,
            );
        }
    }
    if let Some(form) = &mut p.form {
        for (si, sec) in form.get_mut().sections.iter_mut().enumerate() {
            for (ri, row) in sec.get_mut().rows.iter_mut().enumerate() {
                let row = row.get_mut();
                opt(
                    &mut row.help,
                    format!("form.sections.{si}.rows.{ri}.help"),
                    &mut f,
                );
            }
        }
    }
}

impl Procedure {
    /// What a checker page in `lang` carries of this procedure: each text
    /// in `lang` alone where it has one, else in the language it falls
    /// back to (the default, else the first); option labels whole, since
    /// the printed form and the suggestions show their Japanese and a
    /// reader may type a label in any language. Evaluating for a reader of
    /// `lang`, and the Japanese form, gives what it gives with `self`.
    pub fn for_page(&self, lang: &str) -> Procedure {
        let default = self.default_language().to_string();
        let mut out = self.clone();
        texts_mut(&mut out, |path, t| {
            if path.contains(".options.") && path.ends_with(".label") {
                return;
            }
            let t = t.get_mut();
            if t.contains_key(lang) {
                t.retain(|l, _| l == lang);
            } else if t.contains_key(&default) {
                t.retain(|l, _| *l == default);
            } else if let Some(first) = t.pop_first() {
                t.clear();
                t.insert(first.0, first.1);
            }
        });
        out
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents
            .iter()
            .map(Spanned::get_ref)
            .find(|d| d.id.get_ref() == id)
    }

    pub fn detail(&self, id: &str) -> Option<&DetailDef> {
        self.details
            .iter()
            .map(Spanned::get_ref)
            .find(|d| d.id.get_ref() == id)
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps
            .iter()
            .map(Spanned::get_ref)
            .find(|s| s.id.get_ref() == id)
    }

    pub fn outcome(&self, id: &str) -> Option<&OutcomeDef> {
        self.outcomes
            .iter()
            .map(Spanned::get_ref)
            .find(|o| o.id.get_ref() == id)
    }

    /// The id of the first step.
    pub fn start_step(&self) -> Option<&str> {
        match &self.start {
            Some(s) => Some(s.get_ref().as_str()),
            None => self
                .steps
                .first()
                .map(|s| s.get_ref().id.get_ref().as_str()),
        }
    }

    /// The default language (the first of `languages`, else `ja`).
    pub fn default_language(&self) -> &str {
        self.languages
            .get_ref()
            .first()
            .map(String::as_str)
            .unwrap_or("ja")
    }

    /// The ids of the procedures this one redirects to.
    pub fn redirect_targets(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .outcomes
            .iter()
            .filter_map(|o| o.get_ref().procedure.as_ref())
            .map(|p| p.get_ref().as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl Step {
    pub fn option(&self, value: &str) -> Option<&Choice> {
        self.options
            .iter()
            .map(Spanned::get_ref)
            .find(|o| o.value.get_ref() == value)
    }
}

const FORMAT_HELP: &str = "see the file format in the madoguchi-rules crate documentation: \
    top-level `id`, `title`, `languages`, then `[[steps]]`, `[[outcomes]]`, `[[documents]]`, \
    optional `[fee]`, `[postage]`, `[[info]]`, `[[details]]`, `[form]`";

/// Parses a procedure file. Only the syntax and the shape are checked here;
/// run [`crate::validate`] for everything else.
pub fn parse_procedure(text: &str) -> Result<Procedure, Vec<Problem>> {
    toml::from_str::<Procedure>(text).map_err(|e| {
        vec![Problem::new(
            e.message().trim().to_string(),
            FORMAT_HELP,
            e.span(),
        )]
    })
}
