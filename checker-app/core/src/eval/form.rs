//! The Japanese form, filled from the answers and details or blank.

use super::details::asked_on;
use super::money::fee_numbers;
use super::text::{BLANK_DATE, Renderer, with_no_answers};
use super::walk::walk;
use super::{Answers, Details, EvalError};
use crate::date::{Date, format_wareki_gregorian};
use crate::facts::Facts;
use crate::model::Procedure;

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
