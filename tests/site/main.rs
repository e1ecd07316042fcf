//! Integration tests of `site-gen` on fixture sites under `tests/fixtures/`,
//! one file per area; the shared builder is in `support.rs`.
//!
//! `SiteTest::fixture("i18n")` copies a fixture into a temporary folder;
//! `.overlay("invalid/broken-link")` lays a failure case's files over it;
//! `.write(..)`/`.edit(..)` change a file; `.build()` runs the generator
//! into `<tmp>/public`, `.run(&["check"])` runs the CLI on it.

#![allow(clippy::unwrap_used)]

mod support;

mod catalogs;
mod checker;
mod checker_data;
mod cli;
mod content;
mod csp;
mod deploy;
mod facts;
mod glossary;
mod i18n;
mod invalid;
mod linear;
mod output;
mod review;
mod serve;
mod serve_fallback;
mod sources;

// What `serve.rs`, `serve_fallback.rs` and `checker_data.rs` reach as
// `super::`/`crate::` (the other files use `crate::support::`).
use support::{SiteTest, start_serve, translate_catalog};
