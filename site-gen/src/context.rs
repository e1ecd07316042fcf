//! The template API: what each template sees, as typed structs that borrow
//! from the site model and are serialized once per page. README.md
//! ("Templates") lists these fields for template authors; a change here is a
//! change of that API.
//!
//! A context holds nothing whose size grows with the site: no list of every
//! section (the footer gets the home page and the page's own top-level
//! section), and a section's children at most [`crate::model::PAGE_SIZE`]
//! at a time (`page.paginator`). Only `alternates` and `site.languages`
//! grow, with the page's own versions and the site's languages.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::config::{Dir, Language};
use crate::markdown::TocEntry;
use crate::register::Register;

/// The site, as `site` in every template.
#[derive(Serialize)]
pub struct SiteCtx<'a> {
    /// The site title in the page's language.
    pub title: &'a str,
    pub base_url: &'a str,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: &'a str,
    pub default_language: &'a str,
    pub languages: &'a [Language],
}

/// What every template gets at the top level.
#[derive(Serialize)]
pub struct Common<'a> {
    /// The language code (URL segment, `trans` key).
    pub lang: &'a str,
    /// What `lang="…"` says (`ja` for Easy Japanese).
    pub html_lang: &'a str,
    pub dir: Option<Dir>,
    pub site: SiteCtx<'a>,
    /// The Content-Security-Policy for the page's `<meta>`.
    pub csp: &'static str,
    /// The dev server's reload script (only under `site-gen serve`).
    pub livereload: Option<&'a str>,
    /// The module registering the service worker that keeps visited pages
    /// for offline reading (never under `site-gen serve`).
    pub offline: Option<&'a str>,
}

/// A link to a page: a section's `page.children` and `page.section`.
#[derive(Serialize)]
pub struct Link<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    /// The language of the linked page: differs from the page's own when it
    /// is untranslated (then `fallback` is true).
    pub lang: &'a str,
    pub lang_name: &'a str,
    pub fallback: bool,
    pub weight: i64,
}

/// One version of the page: `page.alternates`.
#[derive(Serialize)]
pub struct Alternate<'a> {
    pub code: &'a str,
    pub html_lang: &'a str,
    /// What search engines are told ([`crate::config::SiteConfig::hreflang`]).
    pub hreflang: Option<&'a str>,
    pub name: &'a str,
    pub dir: Dir,
    /// On page `n` of a listing cut into pages, the version's page `n`.
    pub url: Cow<'a, str>,
    pub permalink: Cow<'a, str>,
    pub current: bool,
}

/// A section above the page: `page.breadcrumbs`.
#[derive(Serialize)]
pub struct Crumb<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

/// An official source behind the facts the page shows: `page.sources`.
#[derive(Serialize)]
pub struct SourceCtx<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub lang: &'a str,
    /// The earliest `checked` date of the facts citing it (ISO).
    pub checked: String,
    pub checked_display: String,
}

/// `page.translation`.
#[derive(Serialize)]
pub struct Translation<'a> {
    /// Translated from an older version of the default-language page.
    pub outdated: bool,
    /// Made from a catalog and not every message of it is marked reviewed
    /// by a native reviewer: the page says so, and that the original prevails.
    pub draft: bool,
    /// A page made from a catalog: how many of its messages (title,
    /// description, each block) a native reviewer marked reviewed, of how many.
    pub reviewed: usize,
    pub messages: usize,
    /// The latest day one of its messages was reviewed (ISO), and the same
    /// in the language's date format.
    pub last_reviewed: Option<String>,
    pub last_reviewed_display: Option<String>,
    pub original_url: Option<&'a str>,
    pub original_lang: &'a str,
    pub original_lang_name: &'a str,
    pub original_updated_display: Option<String>,
}

/// `page` in page.html, section.html, home.html and front-matter templates.
#[derive(Serialize)]
pub struct PageData<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// ISO date, and the same in the language's date format.
    pub updated: String,
    pub updated_display: String,
    pub weight: i64,
    /// The rendered Markdown (HTML: output with `| safe`).
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub show_toc: bool,
    /// This page's: on page `n` of a listing cut into pages, that page's.
    pub url: Cow<'a, str>,
    pub permalink: Cow<'a, str>,
    /// Source path without the language: `guide/fees.md`.
    pub key: &'a str,
    pub is_section: bool,
    pub is_home: bool,
    pub alternates: Vec<Alternate<'a>>,
    pub x_default: Option<Cow<'a, str>>,
    pub breadcrumbs: Vec<Crumb<'a>>,
    /// A section's pages and subsections (empty for a page): on this page
    /// of its listing, at most [`crate::model::PAGE_SIZE`].
    pub children: Vec<Link<'a>>,
    /// The listing's pages, when it has more than one.
    pub paginator: Option<Paginator>,
    /// The top-level section the page is in (the page itself for a
    /// top-level section; none for the home page and pages directly under it).
    pub section: Option<Link<'a>>,
    /// The front matter's `[extra]` table.
    pub extra: Value,
    pub sources: Vec<SourceCtx<'a>>,
    pub translation: Translation<'a>,
}

/// `page.paginator`: where this page is in a listing cut into pages.
#[derive(Serialize)]
pub struct Paginator {
    /// This page's number (from 1), and how many pages the listing has.
    pub current: usize,
    pub total: usize,
    /// The URLs of the first, previous, next and last pages (no previous on
    /// the first page, no next on the last).
    pub first: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub last: String,
    /// How many children the whole listing has, and how many a page shows.
    pub children_total: usize,
    pub per_page: usize,
}

/// The checker's script tags: `checker.scripts`.
#[derive(Serialize)]
pub struct Scripts {
    pub boot: String,
    pub boot_integrity: String,
    pub glue: String,
    pub glue_integrity: String,
    /// The wasm, preloaded by the page.
    pub wasm: String,
    pub wasm_integrity: String,
}

/// `checker`, on a page whose front matter names a procedure.
#[derive(Serialize)]
pub struct CheckerCtx<'a> {
    pub id: &'a str,
    /// The server-rendered first screen (HTML).
    pub html: &'a str,
    /// The data the app reads (text for a `<pre hidden>`).
    pub data: &'a str,
    pub scripts: Option<&'a Scripts>,
    /// The blank request form (HTML).
    pub blank_form: &'a str,
    pub root_id: &'static str,
    pub data_id: &'static str,
    /// The id of the checker's section (the start link's target).
    pub section_id: &'static str,
    /// The id of the message shown when the checker cannot start.
    pub failed_id: &'static str,
    /// `serve` only, before trunk's output exists: the page says the
    /// interactive checker is being built and opens the blank form.
    pub building: bool,
}

/// The context of a content page.
#[derive(Serialize)]
pub struct PageCtx<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub page: PageData<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checker: Option<CheckerCtx<'a>>,
}

/// A language's home page on the language chooser (`homes`).
#[derive(Serialize)]
pub struct Home<'a> {
    pub code: &'a str,
    pub html_lang: &'a str,
    pub hreflang: Option<&'a str>,
    pub name: &'a str,
    pub dir: Dir,
    pub title: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
}

/// chooser.html (the site root).
#[derive(Serialize)]
pub struct ChooserCtx<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub homes: Vec<Home<'a>>,
    pub site_title: &'a str,
    pub permalink: &'a str,
}

/// A language's home page on the 404 page (`homes`).
#[derive(Serialize)]
pub struct NotFoundHome<'a> {
    pub code: &'a str,
    pub html_lang: &'a str,
    pub name: &'a str,
    pub dir: Dir,
    pub url: &'a str,
}

/// 404.html.
#[derive(Serialize)]
pub struct NotFoundCtx<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub homes: Vec<NotFoundHome<'a>>,
}

/// translations.html (the staff page of the translations' status).
#[derive(Serialize)]
pub struct TranslationsCtx<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    /// Each catalog language with its counts per page, procedure and interface.
    pub languages: &'a [crate::translate::LanguageStatus],
}

/// facts.html (the staff page of the facts register).
#[derive(Serialize)]
pub struct FactsCtx<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub register: &'a Register,
}
