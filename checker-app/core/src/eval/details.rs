//! The person's details: which are asked on the path, how what is typed
//! is read, which the form still needs.

use super::walk::{Ctx, walk};
use super::{Answers, DetailError, DetailErrorKind, Details, EvalError};
use crate::date::Date;
use crate::facts::Facts;
use crate::model::{DetailDef, DetailKind, Procedure};
use crate::normalize::{
    normalize_katakana, normalize_phone, normalize_postcode, normalize_text, parse_date,
};

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
pub(super) fn asked_on<'p>(
    proc: &'p Procedure,
    ctx: &Ctx<'_>,
) -> Result<Vec<&'p DetailDef>, EvalError> {
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
