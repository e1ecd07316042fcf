//! Checks a parsed procedure against the facts and the site languages.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::spanned::Spanned;

use crate::facts::{FactValue, Facts, Text};
use crate::model::{
    Bound, Condition, DetailKind, OutcomeKind, Problem, Procedure, Route, Step, StepKind,
};
use crate::template::{Piece, Placeholder, classify, pieces};

/// The largest `max` a copies step may allow.
pub const MAX_COPIES: i64 = 100;

/// Every problem of `proc`: routing (every path ends in an outcome, no
/// unreachable step or outcome, no dangling id, no cycle), languages (every
/// text has `default_lang` and each of the file's `languages`; no text in a
/// language outside `languages`), facts (each referenced fact exists, has
/// the right kind, and dated rates are sorted with distinct dates), the
/// copies range, conditions and placeholders. `known_procedures` are the
/// ids a redirect may point to. An empty result means the file is good.
pub fn validate(
    proc: &Procedure,
    facts: &Facts,
    languages: &[&str],
    default_lang: &str,
    known_procedures: &[&str],
) -> Vec<Problem> {
    let mut v = Validator::new(proc, facts, languages, default_lang);
    v.run(known_procedures);
    v.problems
}

/// Every reference `proc` makes to a fact (`{fact:..}` in texts, fee,
/// postage rates, condition bounds and dates), with its place in the file,
/// in file order: what the facts register lists as "used in".
pub fn fact_references(proc: &Procedure) -> Vec<(String, Option<Range<usize>>)> {
    let facts = Facts::new();
    let mut v = Validator::new(proc, &facts, &[], proc.default_language());
    v.run(&[]);
    let mut refs = v.fact_refs;
    refs.sort_by_key(|(_, span)| span.as_ref().map(|s| s.start));
    refs.dedup();
    refs
}

struct Validator<'a> {
    proc: &'a Procedure,
    /// The step ids, for `next` targets (a search of the steps for each
    /// would make a file of many steps quadratic).
    step_ids: BTreeSet<&'a str>,
    facts: &'a Facts,
    languages: &'a [&'a str],
    default_lang: &'a str,
    problems: Vec<Problem>,
    /// What was reported already (message and span), so that a problem is
    /// reported once without a search of the list: linear in the problems.
    reported: BTreeSet<(String, Option<(usize, usize)>)>,
    rates_checked: BTreeSet<String>,
    /// Checking `[form]` rows, where `{detail:..}` and `{box:..}` apply.
    in_form: bool,
    /// Every fact reference seen, for [`fact_references`].
    fact_refs: Vec<(String, Option<Range<usize>>)>,
}

/// What kind of fact a reference needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Date,
    Rates,
    Bound,
    Fee,
    Any,
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn span<T>(s: &Spanned<T>) -> Option<Range<usize>> {
    Some(s.span())
}

impl<'a> Validator<'a> {
    fn new(
        proc: &'a Procedure,
        facts: &'a Facts,
        languages: &'a [&'a str],
        default_lang: &'a str,
    ) -> Validator<'a> {
        Validator {
            proc,
            step_ids: proc
                .steps
                .iter()
                .map(|s| s.get_ref().id.get_ref().as_str())
                .collect(),
            facts,
            languages,
            default_lang,
            problems: Vec::new(),
            reported: BTreeSet::new(),
            rates_checked: BTreeSet::new(),
            in_form: false,
            fact_refs: Vec::new(),
        }
    }

    /// Records a problem once (a text's languages may repeat one).
    fn problem(&mut self, message: String, help: &str, span: Option<Range<usize>>) {
        let key = (message, span.as_ref().map(|s| (s.start, s.end)));
        if !self.reported.contains(&key) {
            let p = Problem::new(key.0.clone(), help, span);
            self.reported.insert(key);
            self.problems.push(p);
        }
    }

    fn run(&mut self, known_procedures: &[&str]) {
        let proc = self.proc;
        self.check_id(&proc.id, "procedure id");
        self.check_languages();
        self.check_text(&proc.title, "the title");
        if let Some(s) = &proc.summary {
            self.check_text(s, "the summary");
        }
        self.check_steps();
        self.check_outcomes(known_procedures);
        self.check_routing();
        self.check_documents();
        self.check_fee();
        self.check_postage();
        self.check_info();
        self.check_details();
        self.check_form();
    }

    fn check_id(&mut self, id: &Spanned<String>, what: &str) {
        if !is_id(id.get_ref()) {
            self.problem(
                format!("{what} `{}` is not a valid id", id.get_ref()),
                "ids use lowercase ASCII letters, digits, `_` and `-`",
                span(id),
            );
        }
    }

    fn check_unique<'s>(&mut self, ids: impl Iterator<Item = &'s Spanned<String>>, what: &str) {
        let mut seen = BTreeSet::new();
        for id in ids {
            self.check_id(id, what);
            if !seen.insert(id.get_ref().as_str()) {
                self.problem(
                    format!("duplicate {what} `{}`", id.get_ref()),
                    "each id must be unique",
                    span(id),
                );
            }
        }
    }

    fn check_languages(&mut self) {
        let langs = &self.proc.languages;
        if !langs.get_ref().iter().any(|l| l == self.default_lang) {
            self.problem(
                format!(
                    "`languages` does not include the default language `{}`",
                    self.default_lang
                ),
                "every procedure is written at least in the default language",
                span(langs),
            );
        }
        if langs.get_ref().first().map(String::as_str) != Some(self.default_lang) {
            self.problem(
                format!(
                    "`languages` must start with the default language `{}`",
                    self.default_lang
                ),
                "list the default language first, e.g. `languages = [\"ja\", \"en\"]`",
                span(langs),
            );
        }
        let mut seen = BTreeSet::new();
        for l in langs.get_ref() {
            if !self.languages.contains(&l.as_str()) {
                self.problem(
                    format!("`languages` lists `{l}`, which is not a site language"),
                    &format!("site languages: {}", self.languages.join(", ")),
                    span(langs),
                );
            }
            if !seen.insert(l) {
                self.problem(
                    format!("`languages` lists `{l}` twice"),
                    "list each language once",
                    span(langs),
                );
            }
        }
    }

    /// A text table: default and declared languages present, no unknown
    /// language, placeholders valid.
    /// A text shown before any result (a question, a hint, a label): it is
    /// also rendered on the server, where today's date is not known, so
    /// `{today}` is refused there.
    fn check_question_text(&mut self, t: &Spanned<Text>, what: &str) {
        self.check_text(t, what);
        if t.get_ref().values().any(|s| s.contains("{today}")) {
            self.problem(
                format!("{what} uses `{{today}}`, which is only known once a result is shown"),
                "remove `{today}` from questions, hints and labels; use it in outcome, document, \
                 fee or form texts",
                span(t),
            );
        }
    }

    fn check_text(&mut self, t: &Spanned<Text>, what: &str) {
        let map = t.get_ref();
        let mut required: Vec<&str> = vec![self.default_lang];
        for l in self.proc.languages.get_ref() {
            if !required.contains(&l.as_str()) {
                required.push(l);
            }
        }
        for l in required {
            if map.get(l).is_none_or(|s| s.trim().is_empty()) {
                let default = if l == self.default_lang {
                    " (the default language)"
                } else {
                    ""
                };
                self.problem(
                    format!("{what} has no `{l}` text{default}"),
                    &format!("add `{l} = \"...\"` to this table"),
                    span(t),
                );
            }
        }
        for (l, s) in map {
            if !self.languages.contains(&l.as_str()) {
                self.problem(
                    format!("{what} has text in `{l}`, which is not a site language"),
                    &format!("site languages: {}", self.languages.join(", ")),
                    span(t),
                );
            }
            self.check_template(s, span(t), what);
        }
    }

    fn check_template(&mut self, s: &str, at: Option<Range<usize>>, what: &str) {
        for p in pieces(s) {
            let Piece::Ph(name) = p else { continue };
            match classify(name) {
                Placeholder::Today => {}
                Placeholder::Copies | Placeholder::FeeTotal | Placeholder::FeePerCopy => {
                    if self.proc.fee.is_none() {
                        self.problem(
                            format!("{what} uses `{{{name}}}` but the procedure has no `[fee]`"),
                            "add a `[fee]` table or remove the placeholder",
                            at.clone(),
                        );
                    }
                }
                Placeholder::Answer(step) => {
                    if self.proc.step(step).is_none() {
                        self.problem(
                            format!("{what} uses `{{{name}}}` but there is no step `{step}`"),
                            "use `{answer:<step id>}` with the id of a step",
                            at.clone(),
                        );
                    }
                }
                Placeholder::Fact(key) => {
                    self.check_fact_ref(key, Need::Any, at.clone(), what);
                }
                Placeholder::Detail(_) | Placeholder::Box(..) | Placeholder::Doc(_)
                    if !self.in_form =>
                {
                    self.problem(
                        format!("{what} uses `{{{name}}}`, which only a `[form]` row can use"),
                        "details and ticked boxes are written on the form; elsewhere use \
                     `{answer:<step id>}`",
                        at.clone(),
                    )
                }
                Placeholder::Doc(ids) => {
                    for id in ids.split('|') {
                        if self.proc.document(id).is_none() {
                            self.problem(
                                format!("{what} uses `{{{name}}}` but there is no document `{id}`"),
                                "use `{doc:<document id>}` with the id of a `[[documents]]` entry: \
                                 the box is ticked when that document is on the checklist",
                                at.clone(),
                            );
                        }
                    }
                }
                Placeholder::Detail(ids) => {
                    for id in ids.split('|') {
                        if self.proc.detail(id).is_none() {
                            self.problem(
                                format!("{what} uses `{{{name}}}` but there is no detail `{id}`"),
                                "use `{detail:<detail id>}` with the id of a `[[details]]` entry",
                                at.clone(),
                            );
                        }
                    }
                }
                Placeholder::Box(step_id, values) => match self.proc.step(step_id) {
                    Some(step) if step.kind.get_ref().has_options() => {
                        for v in values.split('|') {
                            if step.option(v).is_none() {
                                self.problem(
                                    format!("{what} uses `{{{name}}}` but step `{step_id}` has no option `{v}`"),
                                    "use `{box:<step id>=<option value>}`",
                                    at.clone(),
                                );
                            }
                        }
                    }
                    _ => self.problem(
                        format!("{what} uses `{{{name}}}` but there is no choice step `{step_id}`"),
                        "use `{box:<step id>=<option value>}` with a `choice` or `yes_no` step",
                        at.clone(),
                    ),
                },
                Placeholder::Unknown(_) => self.problem(
                    format!("{what} uses an unknown placeholder `{{{name}}}`"),
                    "placeholders: {today}, {copies}, {fee_total}, {fee_per_copy}, \
                     {answer:<step id>}, {fact:<fact key>}, {detail:<id>}, {box:<step>=<value>}, \
                     {doc:<document id>}",
                    at.clone(),
                ),
            }
        }
    }

    fn check_fact_ref(&mut self, key: &str, need: Need, at: Option<Range<usize>>, what: &str) {
        self.fact_refs.push((key.to_string(), at.clone()));
        let Some(fact) = self.facts.get(key) else {
            self.problem(
                format!("{what} refers to an unknown fact `{key}`"),
                "facts live in content/data/<file>.toml and are named `<file>.<table>`",
                at,
            );
            if let Some(p) = self.problems.last_mut() {
                p.unknown_fact = Some(key.to_string());
            }
            return;
        };
        let ok = match (need, &fact.value) {
            (Need::Date, FactValue::Date(_)) => true,
            (Need::Rates, FactValue::Rates(_)) => true,
            (Need::Bound, FactValue::Number(_) | FactValue::Yen(_) | FactValue::Date(_)) => true,
            (Need::Fee, FactValue::Yen(_)) => true,
            (Need::Fee, FactValue::Text(_)) => fact.unverified,
            (Need::Any, _) => true,
            _ => false,
        };
        if !ok {
            let wanted = match need {
                Need::Date => "a `date`",
                Need::Rates => "`rates`",
                Need::Bound => "a `number`, `yen` or `date`",
                Need::Fee => "a `yen` amount (or a `text` marked `unverified = true`)",
                Need::Any => "any",
            };
            self.problem(
                format!(
                    "{what} refers to fact `{key}`, which is {} fact, not {wanted} fact",
                    fact.value.kind_name()
                ),
                "point at a fact of the right kind",
                at,
            );
            return;
        }
        if let FactValue::Rates(rates) = &fact.value
            && self.rates_checked.insert(key.to_string())
        {
            if rates.is_empty() {
                self.problem(
                    format!("fact `{key}` has no rates"),
                    "give at least one `{ from = YYYY-MM-DD, yen = N }`",
                    at.clone(),
                );
            }
            for w in rates.windows(2) {
                if let [a, b] = w
                    && a.from >= b.from
                {
                    let what_is = if a.from == b.from {
                        "two rates from the same date"
                    } else {
                        "rates out of date order"
                    };
                    self.problem(
                        format!("fact `{key}` has {what_is} ({} and {})", a.from, b.from),
                        "each rate is in force from its `from` date until the next; \
                         list them in date order with distinct dates",
                        at.clone(),
                    );
                }
            }
            for r in rates {
                if r.yen < 0 {
                    self.problem(
                        format!("fact `{key}` has a negative rate ({} yen)", r.yen),
                        "rates are amounts in yen",
                        at.clone(),
                    );
                }
            }
        }
    }

    fn check_condition(&mut self, c: &Condition, at: Option<Range<usize>>, what: &str) {
        let tests_something = c.answer.is_some()
            || c.today_from.is_some()
            || c.today_before.is_some()
            || c.all.is_some()
            || c.any.is_some()
            || c.not.is_some();
        if !tests_something {
            self.problem(
                format!("{what}: a condition tests nothing"),
                "use `answer = \"<step>\"` (with `is`, `one_of`, `at_least`, `at_most`), \
                 `today_from`, `today_before`, `all`, `any` or `not`",
                at.clone(),
            );
        }
        let answer_tests = c.is.is_some() || c.one_of.is_some();
        let bound_tests = c.at_least.is_some() || c.at_most.is_some();
        match &c.answer {
            None if answer_tests || bound_tests => self.problem(
                format!("{what}: `is`, `one_of`, `at_least` and `at_most` need `answer`"),
                "add `answer = \"<step id>\"`",
                at.clone(),
            ),
            None => {}
            Some(step_id) => match self.proc.step(step_id) {
                None => self.problem(
                    format!("{what}: condition on unknown step `{step_id}`"),
                    "`answer` names a step id",
                    at.clone(),
                ),
                Some(step) => {
                    let kind = *step.kind.get_ref();
                    let values: Vec<&String> =
                        c.is.iter().chain(c.one_of.iter().flatten()).collect();
                    if !values.is_empty() {
                        if kind.has_options() {
                            for val in values {
                                if step.option(val).is_none() {
                                    self.problem(
                                        format!("{what}: step `{step_id}` has no option `{val}`"),
                                        "compare with one of the step's option values",
                                        at.clone(),
                                    );
                                }
                            }
                        } else if kind != StepKind::Text {
                            self.problem(
                                format!(
                                    "{what}: `is`/`one_of` on step `{step_id}`, which has no options"
                                ),
                                "use `at_least`/`at_most` for numbers and years",
                                at.clone(),
                            );
                        }
                    }
                    if bound_tests && !kind.is_numeric() {
                        self.problem(
                            format!(
                                "{what}: `at_least`/`at_most` on step `{step_id}`, which is not a number or year"
                            ),
                            "compare numbers only",
                            at.clone(),
                        );
                    }
                }
            },
        }
        for b in [&c.at_least, &c.at_most].into_iter().flatten() {
            if let Bound::Fact(key) = b {
                self.check_fact_ref(key, Need::Bound, at.clone(), what);
            }
        }
        for key in [&c.today_from, &c.today_before].into_iter().flatten() {
            self.check_fact_ref(key, Need::Date, at.clone(), what);
        }
        for sub in c.all.iter().flatten().chain(c.any.iter().flatten()) {
            self.check_condition(sub, at.clone(), what);
        }
        if let Some(not) = &c.not {
            self.check_condition(not, at, what);
        }
    }

    fn check_when(&mut self, w: &Option<Spanned<Condition>>, what: &str) {
        if let Some(w) = w {
            self.check_condition(w.get_ref(), span(w), what);
        }
    }

    /// At most one of `next`/`outcome`, and the one given exists.
    fn check_target(
        &mut self,
        next: &Option<Spanned<String>>,
        outcome: &Option<Spanned<String>>,
        what: &str,
    ) {
        if let (Some(_), Some(o)) = (next, outcome) {
            self.problem(
                format!("{what} has both `next` and `outcome`"),
                "a route goes either to the next step or to an outcome",
                span(o),
            );
        }
        if let Some(n) = next
            && !self.step_ids.contains(n.get_ref().as_str())
        {
            self.problem(
                format!("{what} goes to unknown step `{}`", n.get_ref()),
                "`next` names a step id",
                span(n),
            );
        }
        if let Some(o) = outcome
            && self.proc.outcome(o.get_ref()).is_none()
        {
            self.problem(
                format!("{what} goes to unknown outcome `{}`", o.get_ref()),
                "`outcome` names an outcome id",
                span(o),
            );
        }
    }

    fn check_routes(&mut self, routes: &[Spanned<Route>], what: &str) {
        for r in routes {
            let rr = r.get_ref();
            let rwhat = format!("a route of {what}");
            self.check_condition(rr.when.get_ref(), span(&rr.when), &rwhat);
            if rr.next.is_none() && rr.outcome.is_none() {
                self.problem(
                    format!("{rwhat} has neither `next` nor `outcome`"),
                    "add `next = \"<step>\"` or `outcome = \"<outcome>\"`",
                    span(r),
                );
            }
            self.check_target(&rr.next, &rr.outcome, &rwhat);
        }
    }

    fn check_steps(&mut self) {
        let proc = self.proc;
        if proc.steps.is_empty() {
            self.problem(
                "the procedure has no steps".into(),
                "add at least one `[[steps]]`",
                span(&proc.id),
            );
        }
        self.check_unique(proc.steps.iter().map(|s| &s.get_ref().id), "step id");
        if let Some(start) = &proc.start
            && proc.step(start.get_ref()).is_none()
        {
            self.problem(
                format!("`start` names unknown step `{}`", start.get_ref()),
                "`start` names a step id",
                span(start),
            );
        }
        for s in &proc.steps {
            self.check_step(s);
        }
    }

    fn check_step(&mut self, s: &Spanned<Step>) {
        let step = s.get_ref();
        let id = step.id.get_ref();
        let what = format!("step `{id}`");
        let kind = *step.kind.get_ref();
        self.check_question_text(&step.legend, &format!("the legend of {what}"));
        if let Some(h) = &step.hint {
            self.check_question_text(h, &format!("the hint of {what}"));
        }
        if step.optional && kind != StepKind::Text {
            self.problem(
                format!("{what}: `optional` only applies to text steps"),
                "remove `optional`",
                span(s),
            );
        }
        // Options.
        if kind.has_options() {
            if step.options.is_empty() {
                self.problem(
                    format!("{what} has no options"),
                    "add `[[steps.options]]` with `value` and `label`",
                    span(s),
                );
            }
            self.check_unique(
                step.options.iter().map(|o| &o.get_ref().value),
                "option value",
            );
            if kind == StepKind::YesNo {
                let mut values: Vec<&str> = step
                    .options
                    .iter()
                    .map(|o| o.get_ref().value.get_ref().as_str())
                    .collect();
                values.sort_unstable();
                if values != ["no", "yes"] {
                    self.problem(
                        format!("{what} is `yes_no` but its options are not `yes` and `no`"),
                        "give exactly two options, `value = \"yes\"` and `value = \"no\"`",
                        span(&step.kind),
                    );
                }
            }
        } else if let Some(o) = step.options.first() {
            self.problem(
                format!("{what} has options but is not a choice"),
                "only `choice` and `yes_no` steps have options",
                span(o),
            );
        }
        // Ranges.
        match kind {
            StepKind::Number | StepKind::Year => match (&step.min, &step.max) {
                (Some(min), Some(max)) => {
                    if min.get_ref() > max.get_ref() {
                        self.problem(
                            format!("{what}: `min` is greater than `max`"),
                            "swap them",
                            span(min),
                        );
                    }
                    if kind == StepKind::Year
                        && (!(1..=9999).contains(min.get_ref())
                            || !(1..=9999).contains(max.get_ref()))
                    {
                        self.problem(
                            format!("{what}: years must be between 1 and 9999"),
                            "use four-digit years",
                            span(min),
                        );
                    }
                }
                _ => self.problem(
                    format!("{what} needs `min` and `max`"),
                    "e.g. `min = 1` and `max = 5`",
                    span(&step.kind),
                ),
            },
            _ => {
                if let Some(m) = step.min.as_ref().or(step.max.as_ref()) {
                    self.problem(
                        format!("{what}: `min`/`max` only apply to number and year steps"),
                        "remove them",
                        span(m),
                    );
                }
            }
        }
        // Routes and targets.
        let step_has_target = step.next.is_some() || step.outcome.is_some();
        self.check_target(&step.next, &step.outcome, &what);
        self.check_routes(&step.routes, &what);
        for o in &step.options {
            let opt = o.get_ref();
            let owhat = format!("option `{}` of {what}", opt.value.get_ref());
            self.check_question_text(&opt.label, &format!("the label of {owhat}"));
            if let Some(h) = &opt.hint {
                self.check_question_text(h, &format!("the hint of {owhat}"));
            }
            self.check_target(&opt.next, &opt.outcome, &owhat);
            self.check_routes(&opt.routes, &owhat);
            if opt.next.is_none() && opt.outcome.is_none() && !step_has_target {
                self.problem(
                    format!("path without outcome: {owhat} leads nowhere"),
                    "give the option (or the step) `next = \"<step>\"` or `outcome = \"<outcome>\"`; \
                     `routes` only apply when their condition holds",
                    span(&opt.value),
                );
            }
        }
        if !kind.has_options() && !step_has_target {
            self.problem(
                format!("path without outcome: {what} leads nowhere"),
                "give the step `next = \"<step>\"` or `outcome = \"<outcome>\"`; \
                 `routes` only apply when their condition holds",
                span(&step.id),
            );
        }
    }

    fn check_outcomes(&mut self, known_procedures: &[&str]) {
        let proc = self.proc;
        self.check_unique(proc.outcomes.iter().map(|o| &o.get_ref().id), "outcome id");
        for o in &proc.outcomes {
            let out = o.get_ref();
            let what = format!("outcome `{}`", out.id.get_ref());
            let kind = *out.kind.get_ref();
            match &out.text {
                Some(t) => self.check_text(t, &format!("the text of {what}")),
                None if kind != OutcomeKind::Eligible => self.problem(
                    format!("{what} has no `text`"),
                    "say why (not eligible) or where to go instead (redirect), in each language",
                    span(o),
                ),
                None => {}
            }
            match (kind, &out.procedure) {
                (OutcomeKind::Redirect, None) => self.problem(
                    format!("{what} is a redirect without `procedure`"),
                    "add `procedure = \"<id of the other procedure>\"`",
                    span(o),
                ),
                (OutcomeKind::Redirect, Some(p)) => {
                    if p.get_ref() == proc.id.get_ref() {
                        self.problem(
                            format!("{what} redirects to this same procedure"),
                            "redirect to another procedure",
                            span(p),
                        );
                    } else if !known_procedures.contains(&p.get_ref().as_str()) {
                        self.problem(
                            format!("{what} redirects to unknown procedure `{}`", p.get_ref()),
                            &format!("known procedures: {}", known_procedures.join(", ")),
                            span(p),
                        );
                    }
                }
                (_, Some(p)) => self.problem(
                    format!("{what}: `procedure` only applies to redirects"),
                    "use `kind = \"redirect\"` or remove `procedure`",
                    span(p),
                ),
                (_, None) => {}
            }
        }
    }

    /// Cycles, unreachable steps and unreachable outcomes.
    fn check_routing(&mut self) {
        let proc = self.proc;
        let index: BTreeMap<&str, usize> = proc
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.get_ref().id.get_ref().as_str(), i))
            .collect();
        // Edges: (target step index, span of the reference); outcome targets.
        let mut edges: Vec<Vec<(usize, Range<usize>)>> = Vec::new();
        let mut outs: Vec<Vec<String>> = Vec::new();
        for s in &proc.steps {
            let step = s.get_ref();
            let mut e = Vec::new();
            let mut o = Vec::new();
            let mut add = |next: &Option<Spanned<String>>, outcome: &Option<Spanned<String>>| {
                if let Some(n) = next
                    && let Some(&i) = index.get(n.get_ref().as_str())
                {
                    e.push((i, n.span()));
                }
                if let Some(out) = outcome {
                    o.push(out.get_ref().clone());
                }
            };
            for opt in &step.options {
                let opt = opt.get_ref();
                for r in &opt.routes {
                    add(&r.get_ref().next, &r.get_ref().outcome);
                }
                add(&opt.next, &opt.outcome);
            }
            for r in &step.routes {
                add(&r.get_ref().next, &r.get_ref().outcome);
            }
            add(&step.next, &step.outcome);
            edges.push(e);
            outs.push(o);
        }
        let Some(start) = proc.start_step().and_then(|s| index.get(s).copied()) else {
            return;
        };
        // Iterative depth-first search: 0 = new, 1 = on the stack, 2 = done.
        let n = proc.steps.len();
        let mut color = vec![0u8; n];
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(c) = color.get_mut(start) {
            *c = 1;
        }
        let mut reported = BTreeSet::new();
        while let Some(&mut (node, ref mut pos)) = stack.last_mut() {
            let Some(&(next, ref at)) = edges.get(node).and_then(|e| e.get(*pos)) else {
                if let Some(c) = color.get_mut(node) {
                    *c = 2;
                }
                stack.pop();
                continue;
            };
            *pos += 1;
            match color.get(next).copied() {
                Some(0) => {
                    if let Some(c) = color.get_mut(next) {
                        *c = 1;
                    }
                    stack.push((next, 0));
                }
                Some(1) if reported.insert((node, next)) => {
                    let from = stack.iter().position(|&(s, _)| s == next).unwrap_or(0);
                    let mut names: Vec<&str> = stack
                        .iter()
                        .skip(from)
                        .filter_map(|&(s, _)| proc.steps.get(s))
                        .map(|s| s.get_ref().id.get_ref().as_str())
                        .collect();
                    if let Some(first) = names.first().copied() {
                        names.push(first);
                    }
                    self.problem(
                        format!("routing cycle: {}", names.join(" → ")),
                        "a path must never come back to a step it has passed; \
                         route forward to a later step or to an outcome",
                        Some(at.clone()),
                    );
                }
                _ => {}
            }
        }
        let mut reached_outcomes = BTreeSet::new();
        for (i, s) in proc.steps.iter().enumerate() {
            if color.get(i).copied() == Some(0) {
                self.problem(
                    format!("step `{}` is unreachable", s.get_ref().id.get_ref()),
                    "no route leads to this step: route to it from an earlier step, or remove it",
                    span(&s.get_ref().id),
                );
            } else if let Some(o) = outs.get(i) {
                reached_outcomes.extend(o.iter().cloned());
            }
        }
        for o in &proc.outcomes {
            let id = o.get_ref().id.get_ref().as_str();
            if !reached_outcomes.contains(id) {
                self.problem(
                    format!("outcome `{id}` is unreachable"),
                    "no reachable step routes to this outcome: route to it, or remove it",
                    span(o),
                );
            }
        }
    }

    fn check_documents(&mut self) {
        let proc = self.proc;
        self.check_unique(
            proc.documents.iter().map(|d| &d.get_ref().id),
            "document id",
        );
        for d in &proc.documents {
            let d = d.get_ref();
            let what = format!("document `{}`", d.id.get_ref());
            self.check_text(&d.text, &format!("the text of {what}"));
            self.check_when(&d.when, &what);
        }
    }

    fn check_fee(&mut self) {
        let Some(fee) = &self.proc.fee else { return };
        let f = fee.get_ref();
        self.check_fact_ref(
            f.fee_fact.get_ref(),
            Need::Fee,
            span(&f.fee_fact),
            "the fee",
        );
        if let Some(t) = &f.multi_copy_note {
            self.check_text(t, "the fee's multi-copy note");
        }
        if let Some(t) = &f.text {
            self.check_text(t, "the fee text");
        }
        if let Some(cs) = &f.copies_step {
            match self.proc.step(cs.get_ref()) {
                None => self.problem(
                    format!("`copies_step` names unknown step `{}`", cs.get_ref()),
                    "name a `number` step",
                    span(cs),
                ),
                Some(step) if *step.kind.get_ref() != StepKind::Number => self.problem(
                    format!("`copies_step` `{}` is not a `number` step", cs.get_ref()),
                    "the number of copies is asked by a `number` step with `min` and `max`",
                    span(cs),
                ),
                Some(step) => {
                    let min = step.min.as_ref().map(|m| *m.get_ref());
                    let max = step.max.as_ref().map(|m| *m.get_ref());
                    if let (Some(min), Some(max)) = (min, max)
                        && (min < 1 || max > MAX_COPIES)
                    {
                        self.problem(
                            format!(
                                "copies range {min}..={max} of step `{}` is not sane",
                                cs.get_ref()
                            ),
                            &format!("copies are between 1 and {MAX_COPIES}"),
                            step.min.as_ref().map(|m| m.span()),
                        );
                    }
                }
            }
        }
    }

    fn check_postage(&mut self) {
        let Some(p) = &self.proc.postage else { return };
        let p = p.get_ref();
        self.check_when(&p.when, "the postage");
        if let Some(t) = &p.text {
            self.check_text(t, "the postage text");
        }
        self.check_unique(p.bands.iter().map(|b| &b.get_ref().id), "postage band id");
        for b in &p.bands {
            let b = b.get_ref();
            let what = format!("postage band `{}`", b.id.get_ref());
            self.check_text(&b.label, &format!("the label of {what}"));
            self.check_when(&b.when, &what);
            if b.rates.is_empty() {
                self.problem(
                    format!("{what} has no rates"),
                    "list the keys of `rates` facts, e.g. `rates = [\"postage.reply_standard\"]`",
                    span(&b.id),
                );
            }
            for r in &b.rates {
                self.check_fact_ref(r.get_ref(), Need::Rates, span(r), &what);
            }
            if let Some(c) = &b.confirmed_before {
                self.check_fact_ref(c.get_ref(), Need::Date, span(c), &what);
            }
        }
        self.check_unique(
            p.letter_packs.iter().map(|b| &b.get_ref().id),
            "letter pack id",
        );
        for lp in &p.letter_packs {
            let lp = lp.get_ref();
            let what = format!("letter pack `{}`", lp.id.get_ref());
            self.check_text(&lp.label, &format!("the label of {what}"));
            self.check_fact_ref(lp.fact.get_ref(), Need::Rates, span(&lp.fact), &what);
        }
    }

    fn check_info(&mut self) {
        let proc = self.proc;
        self.check_unique(proc.info.iter().map(|i| &i.get_ref().id), "info id");
        for i in &proc.info {
            let info = i.get_ref();
            let what = format!("info `{}`", info.id.get_ref());
            self.check_text(&info.label, &format!("the label of {what}"));
            self.check_when(&info.when, &what);
            match (&info.text, &info.fact) {
                (Some(t), None) => self.check_text(t, &format!("the text of {what}")),
                (None, Some(k)) => self.check_fact_ref(k.get_ref(), Need::Any, span(k), &what),
                _ => self.problem(
                    format!("{what} needs exactly one of `text` and `fact`"),
                    "give a text per language, or the key of a fact",
                    span(i),
                ),
            }
        }
    }

    fn check_details(&mut self) {
        let proc = self.proc;
        self.check_unique(proc.details.iter().map(|d| &d.get_ref().id), "detail id");
        for d in &proc.details {
            let d = d.get_ref();
            let what = format!("detail `{}`", d.id.get_ref());
            self.check_question_text(&d.label, &format!("the label of {what}"));
            if let Some(h) = &d.hint {
                self.check_question_text(h, &format!("the hint of {what}"));
            }
            match (&d.missing, d.optional) {
                (Some(m), _) => self.check_text(m, &format!("the `missing` message of {what}")),
                (None, false) => self.problem(
                    format!("{what} is required but has no `missing` message"),
                    "add `missing = { ja = \"...\", en = \"...\" }`: what to do when it is left empty, \
                     e.g. \"Enter your name\"; or mark it `optional = true`",
                    span(&d.id),
                ),
                (None, true) => {}
            }
            self.check_when(&d.when, &what);
            self.check_unique(
                d.options.iter().map(|o| &o.get_ref().value),
                &format!("option of {what}"),
            );
            for o in &d.options {
                let o = o.get_ref();
                self.check_text(
                    &o.label,
                    &format!("the label of option `{}` of {what}", o.value.get_ref()),
                );
            }
            let kind = *d.kind.get_ref();
            if kind == DetailKind::Choice && d.options.len() < 2 {
                self.problem(
                    format!("{what} is a `choice` with fewer than two options"),
                    "add `[[details.options]]` entries (`value`, `label`, optional `form`)",
                    span(&d.id),
                );
            }
            if !d.options.is_empty() && !matches!(kind, DetailKind::Choice | DetailKind::Text) {
                self.problem(
                    format!("{what} has options but is not a `choice` or `text` detail"),
                    "options are choices (`kind = \"choice\"`) or suggestions (`kind = \"text\"`); \
                     remove them or change the kind",
                    span(&d.kind),
                );
            }
        }
    }

    fn check_form(&mut self) {
        let Some(form) = &self.proc.form else { return };
        let form = form.get_ref();
        if form.name.get_ref().trim().is_empty() {
            self.problem(
                "the form has no name".into(),
                "give the Japanese name of the form",
                span(&form.name),
            );
        }
        if form.sections.iter().all(|s| s.get_ref().rows.is_empty()) {
            self.problem(
                "the form has no boxes".into(),
                "add `[[form.sections]]` with `[[form.sections.rows]]` (`label`, `value`)",
                span(&form.name),
            );
        }
        for sec in &form.sections {
            for row in &sec.get_ref().rows {
                let row = row.get_ref();
                let what = format!("form box `{}`", row.label.get_ref());
                if row.label.get_ref().trim().is_empty() {
                    self.problem(
                        "a form box has an empty `label`".into(),
                        "write the box's Japanese label, e.g. `label = \"氏名\"`",
                        span(&row.label),
                    );
                }
                if let Some(h) = &row.help {
                    self.check_text(h, &format!("the help of {what}"));
                }
                self.in_form = true;
                self.check_template(row.value.get_ref(), span(&row.value), &what);
                self.in_form = false;
                self.check_when(&row.when, &what);
            }
        }
    }
}
