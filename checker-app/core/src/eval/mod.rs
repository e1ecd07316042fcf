//! Walking a procedure with the answers given so far, and what the walk
//! yields: the outcome, the documents to send, the money (fee, stamps,
//! postage), the person's details and the Japanese form.
//!
//! One file per part: [`walk`] (answers read, conditions, routes:
//! `next_step`), [`text`] (texts and their placeholders, for a reader or
//! for the form), [`outcome`] (`evaluate`, and an eligible reader's result
//! put together: checklist, stamps, postage, information), [`documents`]
//! (the checklist's test), [`money`] (the fee, its stamps, postage rates),
//! [`details`] (the details asked and how they are read) and [`form`] (the
//! filled and blank forms). Here: the answers, the details and the errors.

mod details;
mod documents;
mod form;
mod money;
mod outcome;
mod text;
mod walk;

use std::collections::BTreeMap;
use std::fmt;

pub use details::{
    check_details, details_asked, missing_details, normalize_detail, normalize_details,
};
pub use documents::DocumentItem;
pub use form::{FormBox, FormOutput, FormSectionOutput, blank_form, fill_form};
pub use money::{Postage, PostageBand, PostageRate, PricedItem, StampPostage, Stamps};
pub use outcome::{Eligible, Evaluation, InfoItem, Outcome, evaluate};
pub use text::fill_text;
pub use walk::{canonical_answer, next_step};

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
