//! `site-gen i18n update` (extract the Japanese messages and merge them
//! into every language's catalog) and `site-gen i18n status` (how much of
//! each page is translated, outdated or missing in each language).

use crate::diag::{Diagnostic, Sources};
use crate::load::{Loaded, load};
use crate::output;
use crate::site::{Failed, Options};
use crate::translate::catalog::{self, Counts, Merged};
pub use crate::translate::status::{status_of, status_warnings};
use crate::translate::{self, LanguageStatus};

/// What `update` did to one language's catalog.
#[derive(Debug, Clone)]
pub struct Updated {
    pub lang: String,
    pub path: String,
    pub created: bool,
    pub changed: bool,
    pub merged: Merged,
}

fn fail(sources: Sources, diags: Vec<Diagnostic>) -> Failed {
    crate::site::finish_failed(sources, diags)
}

pub(crate) fn load_sources(opts: &Options) -> Result<(Sources, Loaded, Vec<Diagnostic>), Failed> {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    match load(
        opts,
        &mut crate::cache::Cache::none(),
        &mut sources,
        &mut diags,
    ) {
        Some(l) => Ok((sources, l, diags)),
        None => Err(fail(sources, diags)),
    }
}

fn catalog_name(lang: &str) -> String {
    format!("content/i18n/{lang}.po")
}

/// Merges the current Japanese messages into `content/i18n/<lang>.po` for
/// every language of the site but the default one (creating missing
/// catalogs). Refuses to run while a Japanese source has an error, or while
/// a catalog cannot be read at all (nothing is written then); translations
/// that break a rule are kept as they are, for the translator to fix.
pub fn update(opts: &Options) -> Result<(Sources, Vec<Updated>, Vec<Diagnostic>), Failed> {
    let (mut sources, loaded, diags) = load_sources(opts)?;
    let catalog_names: Vec<String> = loaded.site.codes().map(catalog_name).collect();
    // A translation that breaks a rule is kept for its translator to fix;
    // any other error (or an unreadable catalog) stops the update.
    // A catalog that cannot be read without loss (`parse`: its encoding,
    // its syntax, two entries for one message, plural forms) is never
    // rewritten: the update stops before anything is written.
    let in_catalog = |d: &Diagnostic| {
        d.file
            .is_some_and(|f| catalog_names.iter().any(|n| n == sources.name(f)))
    };
    let (blocking, warnings): (Vec<_>, Vec<_>) = diags
        .into_iter()
        .partition(|d| if in_catalog(d) { d.parse } else { d.is_error() });
    let blocking: Vec<Diagnostic> = blocking
        .into_iter()
        .map(|mut d| {
            d.severity = crate::diag::Severity::Error;
            d
        })
        .collect();
    if !blocking.is_empty() {
        return Err(fail(sources, blocking));
    }
    let source_i18n = loaded.source_i18n.and_then(|f| {
        loaded
            .i18n
            .get(&loaded.site.default_language)
            .map(|i| (f, i))
    });
    let originals: Vec<_> = loaded
        .pages
        .iter()
        .filter(|p| p.lang == loaded.site.default_language && !p.from_catalog)
        .collect();
    let messages = translate::messages(
        &sources,
        &originals,
        &loaded.facts,
        &loaded.site.default_language,
        &loaded.procedures,
        source_i18n,
        loaded.glossary_file.as_ref(),
    );
    let mut out = Vec::new();
    for lang in &loaded.site.languages {
        // Languages with hand-written pages and strings have no catalog.
        if !loaded.catalogs.contains_key(&lang.code) {
            continue;
        }
        let name = catalog_name(&lang.code);
        // Loading let the catalog's text go: read again (and unchanged).
        if let Some(id) = sources.find(&name)
            && sources.released(id).is_some()
        {
            match crate::load::read_again(&sources, id) {
                Ok(text) => sources.restore(id, text),
                Err(d) => return Err(fail(sources, vec![d])),
            }
        }
        let old = sources.find(&name).map(|id| sources.text(id));
        let (text, merged) = match catalog::update(old, &messages, &lang.code, &lang.name) {
            Ok(r) => r,
            Err(errors) => {
                // Nothing is written: the file stays as it is.
                let file = sources.find(&name);
                let diags = errors
                    .iter()
                    .map(|e| match file {
                        Some(f) => {
                            let mut d = e.diagnostic(f, sources.text(f));
                            d.severity = crate::diag::Severity::Error;
                            d
                        }
                        None => Diagnostic::error(format!("{name}:{}: {}", e.line, e.message))
                            .help(e.help.clone()),
                    })
                    .collect();
                return Err(fail(sources, diags));
            }
        };
        let changed = old != Some(text.as_str());
        if changed {
            let path = opts.root.join(&name);
            output::replace_file(&path, text.as_bytes()).map_err(|e| {
                fail(
                    Sources::default(),
                    vec![
                        Diagnostic::error(format!("cannot write `{name}`: {e}"))
                            .help("check the folder's permissions and free disk space"),
                    ],
                )
            })?;
        }
        out.push(Updated {
            lang: lang.code.clone(),
            path: name,
            created: old.is_none(),
            changed,
            merged,
        });
    }
    Ok((sources, out, warnings))
}

/// `site-gen i18n status`.
pub fn status(opts: &Options) -> Result<(Sources, Vec<LanguageStatus>, Vec<Diagnostic>), Failed> {
    let (sources, loaded, diags) = load_sources(opts)?;
    let (status, _) = status_of(
        &loaded.site,
        &loaded.pages,
        &loaded.procedures,
        loaded.i18n.get(&loaded.site.default_language),
        (&loaded.facts, loaded.glossary_file.as_ref().map(|(_, g)| g)),
        &loaded.catalogs,
        &sources,
    );
    Ok((sources, status, diags))
}

fn last_reviewed(c: &Counts) -> String {
    c.last_reviewed
        .map(|d| format!(" (last {})", d.iso()))
        .unwrap_or_default()
}

/// The status as a table for people: one line per language and unit.
pub fn status_text(status: &[LanguageStatus]) -> String {
    let mut out = String::new();
    for l in status {
        out.push_str(&format!(
            "{} ({}): {}% translated, {} reviewed{}, {} outdated, {} missing of {}\n",
            l.lang,
            l.name,
            l.percent,
            l.total.reviewed,
            last_reviewed(&l.total),
            l.total.outdated,
            l.total.missing,
            l.total.total()
        ));
        for (unit, c) in &l.units {
            out.push_str(&format!(
                "  {unit:<44} {:>3}%  reviewed {:>3}  translated {:>3}  outdated {:>3}  missing {:>3}{}\n",
                c.percent(),
                c.reviewed,
                c.translated,
                c.outdated,
                c.missing,
                last_reviewed(c)
            ));
        }
    }
    out
}
