//! Madoguchi's site generator: turns a site root (`content/`, `templates/`,
//! `static/`) into a folder of static, multilingual HTML.
//!
//! Layers, bottom up: a module uses only modules named before it here
//! (`cargo xtask tidy` checks this list: every module named in backticks at
//! its first mention, no use going up it, no import cycle).
//!
//! 1. Leaves and pure helpers: [`diag`] (every problem becomes a
//!    [`diag::Diagnostic`]), [`policy`] (the content rules and the CSP),
//!    [`shortcode`], [`precompress`] → [`output`] → [`offline`];
//!    [`headers`] (the `_headers` file hosts read).
//! 2. The site's sources: [`config`] → [`content`] + [`data`] →
//!    [`procedures`] + [`register`] → [`translate`] → [`markdown`].
//! 3. What pages are made of: `checks`, [`model`], [`context`],
//!    [`templates`] → [`cache`] (`serve`'s) → [`checker`].
//! 4. The build: [`options`] → `load` (the only reader of the site root) →
//!    `render` → [`site`] (the orchestration).
//! 5. The commands on top: [`cmd`] (`build`, `check`, `facts`, `i18n`,
//!    `serve`), [`review_sheet`], [`served`] (checks a site as a web
//!    server serves it).

pub mod cache;
pub mod checker;
mod checks;
pub mod cmd;
pub mod config;
pub mod content;
pub mod context;
pub mod data;
pub mod diag;
pub mod headers;
mod load;
pub mod markdown;
pub mod model;
pub mod offline;
pub mod options;
pub mod output;
pub mod policy;
pub mod precompress;
pub mod procedures;
pub mod register;
mod render;
pub mod review_sheet;
pub mod served;
pub mod shortcode;
pub mod site;
pub mod templates;
pub mod translate;

pub use cmd::build::build;
pub use cmd::check::check;
pub use cmd::{i18n, serve};
pub use options::Options;
pub use site::{Built, Failed, generate};
