//! `site-gen facts`: every fact of the register, as text or JSON.

use crate::diag::Diagnostic;
use crate::site::{Built, Failed};

/// The register of a built site as `site-gen facts` prints it: text for
/// people, or JSON for tools.
pub fn register_text(b: &Built, json: bool) -> Result<String, Failed> {
    if !json {
        return Ok(b.register.to_text());
    }
    serde_json::to_string_pretty(&b.register)
        .map(|j| j + "\n")
        .map_err(|e| Failed {
            sources: Default::default(),
            diags: vec![Diagnostic::error(format!(
                "cannot write the register as JSON: {e}"
            ))],
        })
}
