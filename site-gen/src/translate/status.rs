//! How much of the site each catalog language translates: the units of
//! `site-gen i18n status`, the translations' staff page and `check`'s
//! warnings.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::catalog::{Catalog, Counts};
use super::{LanguageStatus, PageCut};
use crate::config::{I18n, SiteConfig};
use crate::content::Page;
use crate::diag::{Diagnostic, Sources};

/// Each default-language page's body cut for the catalogs ([`PageCut`]),
/// by page number (`None` for the others, and for every page of a site
/// without a catalog), pages in parallel.
fn page_cuts(
    site: &SiteConfig,
    pages: &[Page],
    catalogs: &BTreeMap<String, Arc<Catalog>>,
    sources: &Sources,
) -> Vec<Option<PageCut>> {
    let with_catalog = with_catalog(site, catalogs);
    if with_catalog.is_empty() {
        return Vec::new();
    }
    pages
        .par_iter()
        .map(|p| {
            (p.lang == site.default_language && !p.from_catalog)
                .then(|| super::page_cut(sources, p, &with_catalog))
        })
        .collect()
}

/// The catalogs, in the site's order of languages.
fn with_catalog<'c>(
    site: &SiteConfig,
    catalogs: &'c BTreeMap<String, Arc<Catalog>>,
) -> Vec<&'c Catalog> {
    site.languages
        .iter()
        .filter_map(|l| catalogs.get(&l.code).map(|c| &**c))
        .collect()
}

/// Translation status of every catalog language: each default-language
/// page (by key), each procedure (`procedure:<id>`) and the interface;
/// with each default-language page's body cut for the catalogs on the way
/// ([`page_cuts`]: the build renders every language's pages from them).
pub fn status_of(
    site: &SiteConfig,
    pages: &[Page],
    procedures: &BTreeMap<String, crate::procedures::Loaded>,
    source_i18n: Option<&I18n>,
    extra: (&crate::data::Facts, Option<&super::glossary::GlossaryFile>),
    catalogs: &BTreeMap<String, Arc<Catalog>>,
    sources: &Sources,
) -> (Vec<LanguageStatus>, Vec<Option<PageCut>>) {
    let cuts = page_cuts(site, pages, catalogs, sources);
    let (facts, glossary) = extra;
    let with_catalog = with_catalog(site, catalogs);
    let originals: Vec<(&Page, &PageCut)> = pages
        .iter()
        .zip(&cuts)
        .filter_map(|(p, cut)| Some((p, cut.as_ref()?)))
        .collect();
    let page_counts: Vec<Vec<Counts>> = originals
        .par_iter()
        .map(|(p, cut)| super::page_counts_in(sources, p, cut, &with_catalog))
        .collect();
    let mut out = Vec::new();
    for lang in &site.languages {
        let Some(catalog) = catalogs.get(&lang.code) else {
            continue;
        };
        let k = out.len();
        let mut units = BTreeMap::new();
        for ((p, _), counts) in originals.iter().zip(&page_counts) {
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
    (out, cuts)
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
