//! `site-gen check`: the build in memory, stricter about translations.

use crate::diag;
use crate::options::Options;
use crate::site::{Built, Failed, failure_order, generate};

/// `site-gen check`: [`generate`], failing also on every translation the
/// build leaves out (which `build` publishes in Japanese, with a warning).
pub fn check(opts: &Options) -> Result<Built, Failed> {
    let built = generate(opts)?;
    if !built.warnings.iter().any(|d| d.translation) {
        return Ok(built);
    }
    let diags = built
        .warnings
        .into_iter()
        .map(|mut d| {
            if d.translation {
                d.severity = diag::Severity::Error;
            }
            d
        })
        .collect();
    Err(Failed {
        sources: built.sources,
        diags: failure_order(diags),
    })
}
