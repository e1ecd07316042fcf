//! `site-gen build`: the site built into a folder, swapped in whole.

use std::path::Path;

use crate::cache::Cache;
use crate::diag::Sources;
use crate::load::check_out;
use crate::options::Options;
use crate::site::{Built, Failed, generate_to};

/// Builds into `out`, replacing it only if the whole build succeeds.
/// An `out` that would overwrite the site's sources is refused first.
pub fn build(opts: &Options, out: &Path) -> Result<Built, Failed> {
    check_out(&opts.root, out).map_err(|d| Failed {
        sources: Sources::default(),
        diags: vec![d],
    })?;
    generate_to(opts, Some(out), &mut Cache::none())
}

/// What `site-gen build` says it wrote: the folder, its files and size,
/// and the precompressed copies among them.
pub fn summary(b: &Built, out: &Path) -> String {
    let copies = if b.precompressed_files > 0 {
        format!(
            ", of which {} precompressed copies, {} KiB",
            b.precompressed_files,
            b.precompressed_bytes / 1024
        )
    } else {
        String::new()
    };
    format!(
        "to {} ({} files, {} KiB{copies})",
        out.display(),
        b.output_files,
        b.output_bytes / 1024
    )
}
