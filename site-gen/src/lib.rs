//! Madoguchi's site generator: turns a site root (`content/`, `templates/`,
//! `static/`) into a folder of static, multilingual HTML.
//!
//! Layers, in build order: [`config`] → [`content`] + [`data`] →
//! [`markdown`] (with [`shortcode`]) → [`templates`] → [`site`] →
//! [`output`]. Every problem becomes a [`diag::Diagnostic`].

pub mod checker;
pub mod config;
pub mod content;
pub mod context;
pub mod data;
pub mod diag;
pub mod markdown;
pub mod model;
pub mod output;
pub mod procedures;
pub mod register;
pub mod serve;
pub mod shortcode;
pub mod site;
pub mod templates;

pub use site::{Built, Failed, Options, build, generate};
