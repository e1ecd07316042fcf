//! The checklist: the documents to send on the reader's path, and the one
//! test that puts a document on it (also the form's `{doc:..}` ticks).

use super::EvalError;
use super::walk::Ctx;
use crate::model::Document;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentItem {
    pub id: String,
    pub text: String,
}

impl Ctx<'_> {
    /// Whether document `d` is on the reader's checklist: the one test
    /// behind both the list and the form's `{doc:..}` ticks.
    pub(super) fn on_checklist(&self, d: &Document) -> Result<bool, EvalError> {
        self.holds_opt(&d.when)
    }
}
