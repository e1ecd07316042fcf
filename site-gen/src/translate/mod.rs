//! The translation stage. Japanese (the default language) is the only
//! authored text; every other language is the Japanese sources plus one
//! gettext catalog, `content/i18n/<lang>.po`:
//!
//! - [`messages`] lists what is translatable: each page's title,
//!   description and Markdown runs ([`blocks`]), each procedure text
//!   (context `procedure:<id>:<path>`) and each interface string and format
//!   (context `ui:<key>`, `format:<key>`);
//! - [`catalog`] reads and checks catalogs and merges them (`site-gen i18n
//!   update`);
//! - the functions here apply a catalog: interface strings, a procedure's
//!   texts, a page's front matter; the page bodies are translated run by
//!   run when they are rendered ([`blocks::translate`]).

pub mod blocks;
pub mod catalog;
pub mod glossary;
pub mod review;
pub mod status;

use std::collections::BTreeMap;

use madoguchi_rules as rules;
use serde::Serialize;

use crate::config::{I18n, Step, TomlSpans};
use crate::content::{FrontMatter, Page};
use crate::diag::{Sources, line_col};
use catalog::{Catalog, Counts, Lookup, Message};

/// Context of a procedure text.
pub fn procedure_ctxt(id: &str, path: &str) -> String {
    format!("procedure:{id}:{path}")
}

/// Context of a fact's text (an office name, opening hours…).
pub fn fact_ctxt(key: &str) -> String {
    format!("fact:{key}")
}

/// Gives every text fact a text in every language: the one written in the
/// data file, else the catalog's translation, else the default language's.
pub fn translate_facts(
    facts: &mut crate::data::Facts,
    site: &crate::config::SiteConfig,
    catalogs: &BTreeMap<String, std::sync::Arc<Catalog>>,
) {
    for (key, fact) in facts.facts.iter_mut() {
        if let madoguchi_rules::FactValue::Text(t) = &mut fact.fact.value {
            let Some(source) = t.get(&site.default_language).cloned() else {
                continue;
            };
            for lang in site.codes() {
                if t.contains_key(lang) {
                    continue;
                }
                let text = catalogs.get(lang).map_or(source.as_str(), |c| {
                    shown(c, Some(&fact_ctxt(key)), &source)
                });
                t.insert(lang.to_string(), text.to_string());
            }
        }
    }
}

/// The glossary with each explanation in each language: the catalog's
/// translation (current or outdated), else none (the Japanese is shown).
pub fn glossary_for(
    file: Option<&glossary::GlossaryFile>,
    site: &crate::config::SiteConfig,
    catalogs: &BTreeMap<String, std::sync::Arc<Catalog>>,
) -> glossary::Glossary {
    let Some(file) = file else {
        return glossary::Glossary::default();
    };
    let terms = file
        .terms
        .iter()
        .map(|t| {
            let mut explanation = BTreeMap::new();
            explanation.insert(site.default_language.clone(), t.explanation.clone());
            for (lang, c) in catalogs {
                if let Lookup::Translated(e) | Lookup::Outdated(e) =
                    c.lookup(Some(&glossary::ctxt(&t.term)), &t.explanation)
                {
                    explanation.insert(lang.clone(), e.to_string());
                }
            }
            glossary::Term {
                term: t.term.clone(),
                reading: t.reading.clone(),
                explanation,
            }
        })
        .collect();
    glossary::Glossary { terms }
}

/// Context of an interface string.
pub fn string_ctxt(key: &str) -> String {
    format!("ui:{key}")
}

/// Context of a format of the interface (money, dates, month names…).
pub fn format_ctxt(key: &str) -> String {
    format!("format:{key}")
}

/// The translatable formats of an interface, by context key.
fn formats(i18n: &I18n) -> Vec<(String, &str)> {
    let f = &i18n.format;
    let mut out = vec![
        ("money".to_string(), f.money.as_str()),
        ("date".to_string(), f.date.as_str()),
        ("rate_from".to_string(), f.rate_from.as_str()),
        ("unverified".to_string(), f.unverified.as_str()),
        (
            "thousands_separator".to_string(),
            f.thousands_separator.as_str(),
        ),
    ];
    for (i, m) in f.month_names.iter().enumerate() {
        out.push((format!("month_names.{}", i + 1), m.as_str()));
    }
    out
}

/// `path:line` of byte `offset` in `file`, as PO `#:` lines give places.
fn place(sources: &Sources, file: crate::diag::FileId, offset: usize) -> String {
    format!(
        "{}:{}",
        sources.name(file),
        line_col(sources.text(file), offset).0
    )
}

/// Where the key at `path` starts in a TOML file (0 when it is not there).
fn key_offset(spans: &TomlSpans<'_>, path: &[Step<'_>]) -> usize {
    spans.key(path).map_or(0, |r| r.start)
}

/// Every translatable message of the Japanese sources, in a stable order:
/// pages (by file), procedures (by id), interface strings (by key).
pub fn messages(
    sources: &Sources,
    pages: &[&Page],
    facts: &crate::data::Facts,
    default_lang: &str,
    procedures: &BTreeMap<String, crate::procedures::Loaded>,
    source_i18n: Option<(crate::diag::FileId, &I18n)>,
    glossary: Option<&(crate::diag::FileId, glossary::GlossaryFile)>,
) -> Vec<Message> {
    let mut out = Vec::new();
    let mut pages = pages.to_vec();
    pages.sort_by_key(|p| sources.name(p.file).to_string());
    for p in pages {
        let text = sources.text(p.file);
        let front = p.front_spans(text);
        for (field, value) in [
            ("title", &p.front.title),
            ("description", &p.front.description),
        ] {
            out.push(Message {
                ctxt: None,
                id: value.clone(),
                places: vec![place(
                    sources,
                    p.file,
                    key_offset(&front, &[Step::Key(field)]),
                )],
                note: Some(format!("page {field}")),
            });
        }
        for b in blocks::blocks(&text[p.body_offset..]) {
            out.push(Message {
                ctxt: None,
                id: b.text,
                places: vec![place(sources, p.file, p.body_offset + b.range.start)],
                note: None,
            });
        }
    }
    for (key, fact) in &facts.facts {
        if let madoguchi_rules::FactValue::Text(t) = &fact.fact.value
            && let Some(ja) = t.get(default_lang)
        {
            out.push(Message {
                ctxt: Some(fact_ctxt(key)),
                id: ja.clone(),
                places: facts
                    .defined_at(key)
                    .map(|(file, span)| place(sources, file, span.start))
                    .into_iter()
                    .collect(),
                note: None,
            });
        }
    }
    for (id, loaded) in procedures {
        let mut proc = loaded.procedure.clone();
        let default = proc.default_language().to_string();
        rules::texts_mut(&mut proc, |path, t| {
            if let Some(ja) = t.get_ref().get(&default) {
                out.push(Message {
                    ctxt: Some(procedure_ctxt(id, &path)),
                    id: ja.clone(),
                    places: vec![place(sources, loaded.file, t.span().start)],
                    note: None,
                });
            }
        });
    }
    if let Some((file, g)) = glossary {
        let spans = TomlSpans::parse(sources.text(*file), 0);
        for (i, t) in g.terms.iter().enumerate() {
            let at = key_offset(
                &spans,
                &[Step::Key("terms"), Step::Index(i), Step::Key("term")],
            );
            out.push(Message {
                ctxt: Some(glossary::ctxt(&t.term)),
                id: t.explanation.clone(),
                places: vec![place(sources, *file, at)],
                note: Some(format!(
                    "what {}（{}）is, in a few words",
                    t.term, t.reading
                )),
            });
            out.push(Message {
                ctxt: Some(glossary::name_ctxt(&t.term)),
                id: t.term.clone(),
                places: vec![place(sources, *file, at)],
                note: Some(format!(
                    "the name your pages use for {}（{}） in this language; other forms \
                     your pages use (a plural, another case) after `|`",
                    t.term, t.reading
                )),
            });
        }
    }
    if let Some((file, i18n)) = source_i18n {
        let spans = TomlSpans::parse(sources.text(file), 0);
        for (key, value) in formats(i18n) {
            let name = key.split('.').next().unwrap_or(&key);
            let path = [Step::Key("format"), Step::Key(name)];
            out.push(Message {
                ctxt: Some(format_ctxt(&key)),
                id: value.to_string(),
                places: vec![place(sources, file, key_offset(&spans, &path))],
                note: None,
            });
        }
        for (key, value) in &i18n.strings {
            let path = [Step::Key("strings"), Step::Key(key)];
            out.push(Message {
                ctxt: Some(string_ctxt(key)),
                id: value.clone(),
                places: vec![place(sources, file, key_offset(&spans, &path))],
                note: None,
            });
        }
    }
    catalog::dedup(
        out.into_iter()
            .filter(|m| !m.id.trim().is_empty())
            .collect(),
    )
}

/// What a language without a current translation shows: the old one when
/// there is one, else the Japanese.
fn shown<'a>(catalog: &'a Catalog, ctxt: Option<&str>, ja: &'a str) -> &'a str {
    match catalog.lookup(ctxt, ja) {
        Lookup::Translated(t) | Lookup::Outdated(t) => t,
        Lookup::Missing => ja,
    }
}

/// A language's interface strings and formats: the Japanese ones with each
/// translation applied. Missing ones stay Japanese (`site-gen check` warns).
pub fn strings_for(source: &I18n, catalog: &Catalog) -> I18n {
    let mut out = source.clone();
    for (key, value) in out.strings.iter_mut() {
        // Interface strings go into attributes and document titles too:
        // a reading (`{漢字|かんじ}`) is shown as its word alone.
        *value = rules::strip_ruby(shown(catalog, Some(&string_ctxt(key)), value));
    }
    let f = &mut out.format;
    for (key, field) in [
        ("money", &mut f.money),
        ("date", &mut f.date),
        ("rate_from", &mut f.rate_from),
        ("unverified", &mut f.unverified),
        ("thousands_separator", &mut f.thousands_separator),
    ] {
        *field = shown(catalog, Some(&format_ctxt(key)), field).to_string();
    }
    for (i, m) in f.month_names.iter_mut().enumerate() {
        *m = shown(
            catalog,
            Some(&format_ctxt(&format!("month_names.{}", i + 1))),
            m,
        )
        .to_string();
    }
    out
}

/// A procedure for the pages of `catalog`'s language: each text keeps its
/// Japanese (for the form and as the fallback) and gains the translation;
/// no other language travels.
pub fn procedure_for(proc: &rules::Procedure, catalog: &Catalog) -> rules::Procedure {
    let mut out = proc.clone();
    let default = proc.default_language().to_string();
    let id = proc.id.get_ref().clone();
    rules::texts_mut(&mut out, |path, t| {
        let text = t.get_mut();
        let ja = text.get(&default).cloned();
        text.retain(|l, _| *l == default);
        if let Some(ja) = ja
            && let Lookup::Translated(tr) | Lookup::Outdated(tr) =
                catalog.lookup(Some(&procedure_ctxt(&id, &path)), &ja)
        {
            text.insert(catalog.lang.clone(), tr.to_string());
        }
    });
    out
}

/// A translated page's front matter.
pub fn front_for(front: &FrontMatter, catalog: &Catalog) -> FrontMatter {
    let mut out = front.clone();
    out.title = shown(catalog, None, &front.title).to_string();
    out.description = shown(catalog, None, &front.description).to_string();
    out
}

/// A default-language page's Markdown body cut into its runs, each run's
/// message found by its text once for every catalog read together (they
/// number their messages alike, [`Catalog::numbering`]): the translation
/// status and each catalog language's page then look each run up by its
/// number. Cut once per build, for the status and every language's page.
#[derive(Debug, Clone)]
pub struct PageCut {
    numbering: catalog::Numbering,
    /// Byte range in the body, holder, message.
    runs: Vec<(u32, u32, blocks::Holder, Option<catalog::MessageNumber>)>,
}

impl PageCut {
    /// `body` cut into its runs ([`blocks::blocks`]), each looked up in
    /// `numbering`.
    pub fn of(body: &str, numbering: catalog::Numbering) -> PageCut {
        let runs = blocks::blocks(body)
            .into_iter()
            .map(|b| {
                let n = numbering.plain(&b.text);
                // A body is a page's file: under 4 GiB.
                let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
                (at(b.range.start), at(b.range.end), b.holder, n)
            })
            .collect();
        PageCut { numbering, runs }
    }

    /// Each run's byte range in the body and holder.
    pub fn runs(&self) -> impl Iterator<Item = (std::ops::Range<usize>, blocks::Holder)> + '_ {
        self.runs
            .iter()
            .map(|&(start, end, holder, _)| (start as usize..end as usize, holder))
    }

    /// Each run's translation and state in `catalog`, in order; `None`
    /// when `catalog` was not read with the numbering this cut used.
    pub fn lookups<'c>(&self, catalog: &'c Catalog) -> Option<Vec<(Lookup<'c>, catalog::State)>> {
        self.runs
            .iter()
            .map(|&(.., n)| catalog.lookup_number(&self.numbering, n))
            .collect()
    }

    /// Each run's state in `catalog` (no translation read), in order;
    /// `None` as [`PageCut::lookups`].
    pub fn states(&self, catalog: &Catalog) -> Option<Vec<catalog::State>> {
        self.runs
            .iter()
            .map(|&(.., n)| catalog.state_number(&self.numbering, n))
            .collect()
    }
}

/// Translation status of one page in one language.
pub fn page_counts(sources: &Sources, page: &Page, catalog: &Catalog) -> Counts {
    let text = sources.text(page.file);
    body_counts(&page.front, &text[page.body_offset..], catalog)
}

/// The body of a default-language page cut for `catalogs` ([`PageCut`]).
pub fn page_cut(sources: &Sources, page: &Page, catalogs: &[&Catalog]) -> PageCut {
    let text = sources.text(page.file);
    let numbering = catalogs.first().map(|c| c.numbering()).unwrap_or_default();
    PageCut::of(text.get(page.body_offset..).unwrap_or_default(), numbering)
}

/// Translation status of one page in each of `catalogs`, from its `cut`.
pub fn page_counts_in(
    sources: &Sources,
    page: &Page,
    cut: &PageCut,
    catalogs: &[&Catalog],
) -> Vec<Counts> {
    catalogs
        .iter()
        .map(|c| match cut.states(c) {
            Some(states) => found_counts(&page.front, states.into_iter(), c),
            // Read apart from the others (never in a build): by its texts.
            None => page_counts(sources, page, c),
        })
        .collect()
}

/// Translation and review status of a default-language page's messages:
/// its title, its description and each run of its Markdown `body`.
pub fn body_counts(front: &FrontMatter, body: &str, catalog: &Catalog) -> Counts {
    let cut = PageCut::of(body, catalog.numbering());
    let states = cut.states(catalog).unwrap_or_default();
    found_counts(front, states.into_iter(), catalog)
}

/// The counts of a page's messages: its title and description, found in
/// `catalog`, and its runs' states.
pub fn found_counts(
    front: &FrontMatter,
    runs: impl Iterator<Item = catalog::State>,
    catalog: &Catalog,
) -> Counts {
    let mut c = Counts::default();
    c.add_from(catalog, None, &front.title);
    c.add_from(catalog, None, &front.description);
    for state in runs {
        c.add(state);
    }
    c
}

/// Translation status of a procedure's texts.
pub fn procedure_counts(proc: &rules::Procedure, catalog: &Catalog) -> Counts {
    let mut c = Counts::default();
    let mut p = proc.clone();
    let default = proc.default_language().to_string();
    let id = proc.id.get_ref().clone();
    rules::texts_mut(&mut p, |path, t| {
        if let Some(ja) = t.get_ref().get(&default) {
            c.add_from(catalog, Some(&procedure_ctxt(&id, &path)), ja);
        }
    });
    c
}

/// Translation status of the facts' texts.
pub fn facts_counts(facts: &crate::data::Facts, default_lang: &str, catalog: &Catalog) -> Counts {
    let mut c = Counts::default();
    for (key, fact) in &facts.facts {
        if let madoguchi_rules::FactValue::Text(t) = &fact.fact.value
            && let Some(ja) = t.get(default_lang)
        {
            c.add_from(catalog, Some(&fact_ctxt(key)), ja);
        }
    }
    c
}

/// Translation status of the glossary's explanations.
pub fn glossary_counts(g: &glossary::GlossaryFile, catalog: &Catalog) -> Counts {
    let mut c = Counts::default();
    for t in &g.terms {
        c.add_from(catalog, Some(&glossary::ctxt(&t.term)), &t.explanation);
    }
    c
}

/// Translation status of the interface strings and formats.
pub fn strings_counts(source: &I18n, catalog: &Catalog) -> Counts {
    let mut c = Counts::default();
    for (key, value) in formats(source) {
        c.add_from(catalog, Some(&format_ctxt(&key)), value);
    }
    for (key, value) in &source.strings {
        c.add_from(catalog, Some(&string_ctxt(key)), value);
    }
    c
}

/// One language's status for `site-gen i18n status` and the staff page.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageStatus {
    pub lang: String,
    /// Its `lang` attribute (`ja` for Easy Japanese).
    pub html_lang: String,
    pub name: String,
    pub total: Counts,
    pub percent: usize,
    /// Page keys, `procedure:<id>` and `interface`, with their counts.
    pub units: BTreeMap<String, Counts>,
}
