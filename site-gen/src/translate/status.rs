//! How much of the site each catalog language translates: the units of
//! `site-gen i18n status`, the translations' staff page and `check`'s
//! warnings.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::LanguageStatus;
use super::catalog::{Catalog, Counts};
use crate::config::{I18n, SiteConfig};
use crate::content::Page;
use crate::diag::{Diagnostic, Sources};

/// Translation status of every catalog language: each default-language
/// page (by key), each procedure (`procedure:<id>`) and the interface.
pub fn status_of(
    site: &SiteConfig,
    pages: &[Page],
    procedures: &BTreeMap<String, crate::procedures::Loaded>,
    source_i18n: Option<&I18n>,
    extra: (&crate::data::Facts, Option<&super::glossary::GlossaryFile>),
    catalogs: &BTreeMap<String, Arc<Catalog>>,
    sources: &Sources,
) -> Vec<LanguageStatus> {
    let (facts, glossary) = extra;
    // Each page is cut into its runs once for every catalog, pages in parallel.
    let with_catalog: Vec<&Catalog> = site
        .languages
        .iter()
        .filter_map(|l| catalogs.get(&l.code).map(|c| &**c))
        .collect();
    let originals: Vec<&Page> = pages
        .iter()
        .filter(|p| p.lang == site.default_language && !p.from_catalog)
        .collect();
    let page_counts: Vec<Vec<Counts>> = if with_catalog.is_empty() {
        Vec::new()
    } else {
        originals
            .par_iter()
            .map(|p| super::page_counts_in(sources, p, &with_catalog))
            .collect()
    };
    let mut out = Vec::new();
    for lang in &site.languages {
        let Some(catalog) = catalogs.get(&lang.code) else {
            continue;
        };
        let k = out.len();
        let mut units = BTreeMap::new();
        for (p, counts) in originals.iter().zip(&page_counts) {
            units.insert(p.key.clone(), counts[k]);
        }
        for (id, l) in procedures {
            units.insert(
                format!("procedure:{id}"),
                super::procedure_counts(&l.procedure, catalog),
            );
        }
        if let Some(s) = source_i18n {
            units.insert("interface".to_string(), super::strings_counts(s, catalog));
        }
        units.insert(
            "facts".to_string(),
            super::facts_counts(facts, &site.default_language, catalog),
        );
        if let Some(g) = glossary {
            units.insert("glossary".to_string(), super::glossary_counts(g, catalog));
        }
        let mut total = Counts::default();
        for c in units.values() {
            total.merge(*c);
        }
        out.push(LanguageStatus {
            lang: lang.code.clone(),
            html_lang: lang.html_lang().to_string(),
            name: lang.name.clone(),
            percent: total.percent(),
            total,
            units,
        });
    }
    out
}

/// `site-gen check`'s warnings: one per language with outdated or missing
/// messages, naming the units.
pub fn status_warnings(status: &[LanguageStatus]) -> Vec<Diagnostic> {
    status
        .iter()
        .filter(|l| l.total.outdated + l.total.missing > 0)
        .map(|l| {
            let units: Vec<String> = l
                .units
                .iter()
                .filter(|(_, c)| c.outdated + c.missing > 0)
                .map(|(u, c)| format!("{u} ({} outdated, {} missing)", c.outdated, c.missing))
                .collect();
            Diagnostic::warning(format!(
                "`{}`: {} outdated and {} missing of {} messages: {}",
                l.lang,
                l.total.outdated,
                l.total.missing,
                l.total.total(),
                units.join(", ")
            ))
            .help(format!(
                "translate them in content/i18n/{}.po (readers see the Japanese, marked, until then); \
                 `site-gen i18n status` lists them",
                l.lang
            ))
        })
        .collect()
}
