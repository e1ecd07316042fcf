//! Facts kept as data in `content/data/<file>.toml` (fees, dated postage
//! rates, addresses, opening hours) and written into prose by the `fact`
//! shortcode, so that one figure can never read differently in two places.
//!
//! The rules core parses the data files (`madoguchi_rules::parse_data_file`:
//! the one model of a fact and of a date); this module adds the site's
//! checks of URLs and texts, finds facts defined in two files, keeps the
//! file each fact is defined in (for messages), and writes a fact in a
//! reader's language.

use std::collections::BTreeMap;

use madoguchi_rules::{self as rules, DataFact, FactValue};

use crate::config::{I18n, SiteConfig};
use crate::diag::{Diagnostic, FileId, Sources};

pub use madoguchi_rules::{Date, SourceLink};

/// All facts of a site, keyed by `<file stem>.<table name>`.
#[derive(Debug, Default)]
pub struct Facts {
    /// Each fact as the rules core read it from its data file.
    pub facts: BTreeMap<String, DataFact>,
    /// The data file each fact is defined in (the fact's `span` is in it).
    pub files: BTreeMap<String, FileId>,
}

impl Facts {
    /// Where fact `key` is defined: its file and its table's span there.
    pub fn defined_at(&self, key: &str) -> Option<(FileId, std::ops::Range<usize>)> {
        Some((*self.files.get(key)?, self.facts.get(key)?.span.clone()))
    }

    /// The facts as the rules core evaluates procedures with them.
    pub fn core(&self) -> rules::Facts {
        rules::Facts::of(&self.facts)
    }
}

/// Why `url` is not an absolute http(s) URL a reader can open, if it is not.
fn url_problem(url: &str) -> Option<String> {
    match url::Url::parse(url) {
        Err(e) => Some(format!("`{url}` is not a URL ({e})")),
        Ok(u) if u.scheme() != "https" && u.scheme() != "http" => Some(format!(
            "`{url}` is a `{}:` link, not a web page",
            u.scheme()
        )),
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Some(format!("`{url}` names no host")),
        Ok(_) if url.chars().any(char::is_whitespace) => {
            Some(format!("`{url}` contains white space"))
        }
        Ok(_) => None,
    }
}

/// Why a fact's text cannot be shown (as for titles), if it cannot.
fn text_problem(text: &str) -> Option<String> {
    crate::policy::text_problem(text)
        .map(|(_, p)| p)
        .or_else(|| crate::policy::is_invisible(text).then(|| "no visible text".to_string()))
}

fn to_diag(file: FileId, p: rules::Problem) -> Diagnostic {
    Diagnostic::error(p.message)
        .at(file, p.span.unwrap_or(0..0))
        .label(p.label)
        .help(p.help)
}

/// Parses one data file and adds its facts; `stem` is the file name without `.toml`.
pub fn load_file(
    facts: &mut Facts,
    sources: &Sources,
    file: FileId,
    stem: &str,
    site: &SiteConfig,
) -> Vec<Diagnostic> {
    let languages: Vec<&str> = site.codes().collect();
    let checks = rules::DataChecks {
        url: &url_problem,
        text: &text_problem,
    };
    let (parsed, problems) = match rules::parse_data_file(
        sources.text(file),
        stem,
        &languages,
        &site.default_language,
        &checks,
    ) {
        Ok(p) => p,
        Err(p) => return vec![to_diag(file, p).parse_error()],
    };
    let mut errors: Vec<Diagnostic> = problems.into_iter().map(|p| to_diag(file, p)).collect();
    for (key, fact) in parsed {
        if let Some(&other) = facts.files.get(&key) {
            errors.push(
                Diagnostic::error(format!(
                    "fact `{key}` is defined twice: in `{}` and in `{}`",
                    sources.name(other),
                    sources.name(file)
                ))
                .at(file, fact.span.clone())
                .label("second definition")
                .help(
                    "keep one: `data/a/b.toml` and `data/a.b.toml` (or a quoted key \
                     `[\"b.c\"]` in `data/a.toml`) name the same facts",
                ),
            );
            continue;
        }
        facts.files.insert(key.clone(), file);
        facts.facts.insert(key, fact);
    }
    errors
}

/// Formats a fact for a reader of `lang`; `on` picks a dated rate.
pub fn render(
    fact: &rules::Fact,
    lang: &str,
    i18n: &I18n,
    on: Option<Date>,
) -> Result<String, String> {
    let f = &i18n.format;
    let mut rate_unverified = false;
    let mut out = match (&fact.value, on) {
        (FactValue::Yen(y), None) => f.money(*y),
        (FactValue::Number(n), None) => n.to_string(),
        (FactValue::Date(d), None) => f.date(*d),
        (FactValue::Text(t), None) => t.get(lang).cloned().unwrap_or_default(),
        (FactValue::Rates(rates), None) => {
            let Some(last) = rates.last() else {
                return Err("this fact has no rates".into());
            };
            rate_unverified = last.unverified;
            f.rate_from
                .replace("{value}", &f.money(last.yen))
                .replace("{date}", &f.date(last.from))
        }
        (FactValue::Rates(_), Some(day)) => match fact.rate_on(day) {
            Some(rate) => {
                rate_unverified = rate.unverified;
                f.money(rate.yen)
            }
            None => {
                return Err(format!("no rate of this fact is in force on {}", day.iso()));
            }
        },
        (_, Some(_)) => return Err("`on` only applies to facts with `rates`".into()),
    };
    if fact.unverified || rate_unverified {
        out.push_str(&f.unverified);
    }
    Ok(out)
}
