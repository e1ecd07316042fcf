//! Checks across pages: each page's title and description, the page set
//! (default-language versions, duplicates), and, after rendering, `@/…#anchor`
//! links and where each fact is used, from small per-page summaries.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::SiteConfig;
use crate::config::Step;
use crate::content::{Page, PageIndex};
use crate::diag::{Diagnostic, Sources};
use crate::markdown::{self, Rendered};
use crate::policy;
use crate::register;

/// Title and description must show something and hold no control or
/// bidirectional-override character.
pub(crate) fn check_front_texts(sources: &Sources, p: &Page, diags: &mut Vec<Diagnostic>) {
    let text = sources.text(p.file);
    // Parsed for spans only when there is something to point at.
    let mut spans = None;
    for (field, value) in [
        ("title", &p.front.title),
        ("description", &p.front.description),
    ] {
        let problem = policy::text_problem(value);
        if problem.is_none() && !policy::is_invisible(value) {
            continue;
        }
        let spans = spans.get_or_insert_with(|| p.front_spans(text));
        let key_span = spans
            .key(&[Step::Key(field)])
            .unwrap_or(p.front_toml.clone());
        if let Some((at, problem)) = problem {
            let bad = value[at..].chars().next().unwrap_or(' ');
            // The character itself inside the value's span (a basic string
            // may spell it as an escape: then the value).
            let value_span = spans.value(&[Step::Key(field)]).unwrap_or(key_span.clone());
            let span = text[value_span.clone()]
                .find(bad)
                .map_or(value_span.clone(), |i| {
                    value_span.start + i..value_span.start + i + bad.len_utf8()
                });
            diags.push(
                Diagnostic::error(format!("the {field} contains {problem}"))
                    .at(p.file, span)
                    .label("here")
                    .help(
                        "delete the character (retype the text if it was pasted): control \
                         characters and bidirectional overrides are not allowed",
                    ),
            );
        } else {
            diags.push(
                Diagnostic::error(format!("the {field} is empty or invisible"))
                    .at(p.file, key_span)
                    .label(field.to_string())
                    .help(format!("write a {field} readers can see")),
            );
        }
    }
}

pub(crate) fn check_page_set(
    site: &SiteConfig,
    pages: &[Page],
    index: &PageIndex,
    unparsed: &BTreeSet<String>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    // Two source files for one URL: one of them would be lost.
    let mut urls: BTreeMap<(&str, &str), &Page> = BTreeMap::new();
    for p in pages {
        if let Some(first) = urls.insert((&p.lang, &p.rel_url), p) {
            diags.push(
                Diagnostic::error(format!(
                    "`{}` and `{}` are both the page `/{}/{}`",
                    sources.name(first.file),
                    sources.name(p.file),
                    p.lang,
                    p.rel_url
                ))
                .in_file(p.file)
                .help(
                    "keep one of them: `x.<lang>.md` and `x/_index.<lang>.md` give the same \
                     address",
                ),
            );
        }
    }
    for lang in site.codes() {
        if index.get("_index.md", lang).is_none() && !unparsed.contains("_index.md") {
            diags.push(
                Diagnostic::error(format!("language `{lang}` has no home page"))
                    .help(format!("create content/_index.{lang}.md")),
            );
        }
    }
    for p in pages {
        let is_default = p.lang == site.default_language;
        if !is_default
            && index.get(&p.key, &site.default_language).is_none()
            && !unparsed.contains(&p.key)
        {
            diags.push(
                Diagnostic::error(format!(
                    "`{}` has no `{}` original",
                    p.key, site.default_language
                ))
                .in_file(p.file)
                .help(format!(
                    "every page is written in the default language first: create the `.{}.md` file",
                    site.default_language
                )),
            );
        }
        if !is_default && !p.from_catalog && p.front.translated_from.is_none() {
            diags.push(
                Diagnostic::error("translation without `translated_from`")
                    .at(p.file, 0..3)
                    .label("front matter")
                    .help(format!(
                        "add `translated_from = <date>`: the `updated` date of the `{}` page this \
                         text was translated from, so outdated translations can be flagged",
                        site.default_language
                    )),
            );
        }
        if is_default && !p.from_catalog && p.front.translated_from.is_some() {
            diags.push(
                Diagnostic::error("`translated_from` on a default-language page")
                    .at(p.file, 0..3)
                    .label("front matter")
                    .help("only translations record the original's date; remove it here"),
            );
        }
    }
}

/// What the checks across pages need of a page's Markdown, once its page
/// is rendered: heading ids, `@/` links with anchors, facts used, problems.
#[derive(Default)]
pub(crate) struct Summary {
    pub(crate) ids: BTreeSet<String>,
    pub(crate) links: Vec<markdown::LinkRef>,
    /// Each fact used: its key, span and line (the page's text is let go
    /// once rendered).
    pub(crate) facts_used: Vec<(String, std::ops::Range<usize>, usize)>,
    pub(crate) diags: Vec<Diagnostic>,
}

impl Summary {
    /// The summary of a page rendered from `text`.
    pub(crate) fn of(r: Rendered, text: &str) -> Summary {
        Summary {
            ids: r.ids,
            links: r.links,
            facts_used: r
                .facts_used
                .into_iter()
                .map(|(key, span)| {
                    let line = crate::diag::line_col(text, span.start).0;
                    (key, span, line)
                })
                .collect(),
            diags: r.diags,
        }
    }

    /// [`Summary::of`] of a rendering that is kept.
    pub(crate) fn of_ref(r: &Rendered, text: &str) -> Summary {
        Summary {
            ids: r.ids.clone(),
            links: r.links.clone(),
            facts_used: r
                .facts_used
                .iter()
                .map(|(key, span)| {
                    let line = crate::diag::line_col(text, span.start).0;
                    (key.clone(), span.clone(), line)
                })
                .collect(),
            diags: r.diags.clone(),
        }
    }

    /// A page that could not be rendered: `d` says why.
    pub(crate) fn failed(d: Diagnostic) -> Summary {
        Summary {
            ids: BTreeSet::new(),
            links: Vec::new(),
            facts_used: Vec::new(),
            diags: vec![d],
        }
    }
}

/// Every `@/page#anchor` link must name a heading id of its target page.
pub(crate) fn check_anchors(
    pages: &[Page],
    summaries: &[std::sync::Arc<Summary>],
    diags: &mut Vec<Diagnostic>,
) {
    for s in summaries {
        for link in &s.links {
            if !summaries[link.target].ids.contains(&link.anchor) {
                let target = &pages[link.target];
                let known: Vec<&str> = summaries[link.target]
                    .ids
                    .iter()
                    .map(String::as_str)
                    .collect();
                diags.push(
                    Diagnostic::error(format!(
                        "link to `#{}`: no such heading in `{}` ({})",
                        link.anchor, target.key, target.lang
                    ))
                    .at(link.file, link.span.clone())
                    .label("broken anchor")
                    .help(format!("headings there have the ids: {}", known.join(", "))),
                );
            }
        }
    }
}

/// Where each fact is used, for the register: the pages' shortcodes (in
/// page order), then the procedures' references.
pub(crate) fn fact_uses(
    pages: &[Page],
    summaries: &[std::sync::Arc<Summary>],
    procedure_uses: Vec<(String, register::Use)>,
) -> BTreeMap<String, Vec<register::Use>> {
    let mut uses: BTreeMap<String, Vec<register::Use>> = BTreeMap::new();
    for (p, s) in pages.iter().zip(summaries) {
        for (key, span, line) in &s.facts_used {
            uses.entry(key.clone()).or_default().push(register::Use {
                file: p.file,
                span: span.clone(),
                line: *line,
            });
        }
    }
    for (key, use_) in procedure_uses {
        uses.entry(key).or_default().push(use_);
    }
    uses
}
