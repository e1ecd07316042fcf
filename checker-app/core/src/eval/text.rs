//! Texts for a reader (in their language, else the default) and for the
//! Japanese form, with their placeholders filled.

use super::money::FeeNumbers;
use super::walk::{Ctx, Value, Values};
use super::{Details, EvalError, broken, normalize_detail};
use crate::date::{Date, format_wareki, format_wareki_gregorian};
use crate::facts::Facts;
use crate::facts::{FactValue, Text, rate_on};
use crate::model::{DetailKind, Procedure};
use crate::normalize::normalize_text;
use crate::template::{Piece, Placeholder, classify, pieces};

pub(super) struct Renderer<'a> {
    pub(super) ctx: &'a Ctx<'a>,
    pub(super) lang: &'a str,
    pub(super) default: &'a str,
    pub(super) fee: Option<FeeNumbers>,
    /// The details typed and the ids of those asked on this path.
    pub(super) details: Option<(&'a Details, &'a [String])>,
    /// The blank form: no answers, no date (`{today}` prints blanks).
    pub(super) blank: bool,
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
    pub(super) fn new(ctx: &'a Ctx<'a>, lang: &'a str) -> Renderer<'a> {
        Renderer {
            ctx,
            lang,
            default: ctx.proc.default_language(),
            fee: None,
            details: None,
            blank: false,
        }
    }

    pub(super) fn text(&self, t: &Text) -> Result<String, EvalError> {
        // Placeholders follow the language the text is actually shown in.
        let lang = self.shown_lang(t);
        self.template(pick(t, lang, self.default), Some(lang))
    }

    /// A fact's value for a reader of `lang` (marked when unconfirmed), or
    /// for the Japanese form when `form` (never marked).
    pub(super) fn fact_text(&self, key: &str, lang: &str, form: bool) -> Result<String, EvalError> {
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
    pub(super) fn item_text(&self, t: &Text, unverified: bool) -> Result<String, EvalError> {
        let mut text = self.text(t)?;
        if unverified {
            text.push_str(self.ctx.facts.unverified_mark(self.shown_lang(t)));
        }
        Ok(text)
    }

    /// The language `t` is shown in for this reader: theirs, else the default.
    pub(super) fn shown_lang(&self, t: &Text) -> &'a str {
        if t.contains_key(self.lang) {
            self.lang
        } else {
            self.default
        }
    }

    pub(super) fn answer_text(&self, step_id: &str, lang: &str, form: bool) -> String {
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
    pub(super) fn detail_text(&self, ids: &str, lang: &str, form: bool) -> String {
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
    pub(super) fn template(&self, s: &str, lang: Option<&str>) -> Result<String, EvalError> {
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

/// Runs `f` with a renderer that knows no answers, details or date.
pub(super) fn with_no_answers<T>(
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

pub(super) const BLANK_DATE: &str = "令和　　年　　月　　日";
/// A number left to write by hand on the blank form.
pub(super) const BLANK_NUMBER: &str = "　　　";
/// An empty date detail on the form: the era and the numbers by hand.
pub(super) const BLANK_DAY: &str = "　　　　年　　月　　日";

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
