//! What a build is asked to do: the site root and the choices of the
//! command that runs it ([`Options`]). Below every stage that reads them
//! (`load`, the build, the commands).

use std::path::PathBuf;

use crate::config;
use crate::register;

/// The choices of one build, check or dev server run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site root: holds `content/`, and optionally `templates/` and `static/`.
    pub root: PathBuf,
    /// Replaces `base_url` from site.toml (the dev server uses its own address).
    pub base_url: Option<String>,
    /// Adds the dev server's live-reload script to every page.
    pub livereload: bool,
    /// trunk's output folder with the checker's wasm and JS glue; without it
    /// checker pages carry only the server-rendered first screen.
    pub checker_dist: Option<PathBuf>,
    /// `serve` only: a `checker_dist` that is not there yet (missing, or
    /// without trunk's wasm and JS glue: the checker is being built) is no
    /// error; checker pages say that the interactive checker is being built
    /// and open the blank form, until `serve` sees the folder appear.
    /// `build` and `check` leave it `false`: without the checker they fail.
    pub checker_may_wait: bool,
    /// The day the facts register shows values for and measures the age of
    /// each fact's `checked` date against (default: today, UTC). Only the
    /// staff page and the warnings depend on it, never a reader's page.
    pub today: config::Date,
    /// Whether `build` writes `.br` and `.gz` copies next to every
    /// compressible file. `site-gen build` does unless `--no-precompress`
    /// (hosts that compress by themselves); `Options::new` does not, since
    /// brotli at quality 11 costs about a second of CPU per megabyte and the
    /// tests build the real site several times. The output kept in memory
    /// never has them.
    pub precompress: bool,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            base_url: None,
            livereload: false,
            checker_dist: None,
            checker_may_wait: false,
            today: register::today_utc(),
            precompress: false,
        }
    }
}
