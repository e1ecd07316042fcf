//! Madoguchi's site generator: turns a site root (`content/`, `templates/`,
//! `static/`) into a folder of static, multilingual HTML.
//!
//! Layers, in build order: `load` (the only reader of the site root) →
//! [`config`] → [`content`] + [`data`] → [`markdown`] (with [`shortcode`]) →
//! [`model`] → `render` ([`templates`]) → `checks` → [`site`] (the
//! orchestration) → [`output`] (with [`precompress`]; [`headers`] is the
//! `_headers` file hosts read). Every problem becomes a [`diag::Diagnostic`].
//! [`served`] checks a site as a web server serves it.

pub mod cache;
pub mod checker;
mod checks;
pub mod config;
pub mod content;
pub mod context;
pub mod data;
pub mod diag;
pub mod headers;
pub mod i18n;
mod load;
pub mod markdown;
pub mod model;
pub mod offline;
pub mod output;
pub mod precompress;
pub mod procedures;
pub mod register;
mod render;
pub mod review_sheet;
pub mod serve;
pub mod served;
pub mod shortcode;
pub mod site;
pub mod templates;
pub mod translate;

pub use site::{Built, Failed, Options, build, check, generate};
