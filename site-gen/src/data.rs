//! Facts kept as data in `content/data/<file>.toml` (fees, dated postage
//! rates, addresses, opening hours) and written into prose by the `fact`
//! shortcode, so that one figure can never read differently in two places.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{Date, I18n, SiteConfig};
use crate::diag::{Diagnostic, FileId, Sources};

/// All facts of a site, keyed by `<file stem>.<table name>`.
#[derive(Debug, Default)]
pub struct Facts {
    pub facts: BTreeMap<String, Fact>,
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub value: FactValue,
    pub unverified: bool,
    /// Where the fact comes from: at least one page, each with a URL.
    pub sources: Vec<SourceLink>,
    /// When a person last checked the fact against its sources.
    pub checked: Date,
    pub note: Option<String>,
    pub file: FileId,
    pub span: std::ops::Range<usize>,
}

/// One source of a fact: an official page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLink {
    /// The page's title as published, e.g. 出入国在留管理庁「外国人登録原票の開示請求について」.
    pub title: String,
    /// An absolute `https://` (or `http://`) URL.
    pub url: String,
    /// The language the title is written in (default: the site's default language).
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Yen(i64),
    Number(i64),
    Date(Date),
    Text(BTreeMap<String, String>),
    Rates(Vec<Rate>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub from: Date,
    pub yen: i64,
    /// This rate (not the whole fact) is not confirmed by the sources.
    #[serde(default)]
    pub unverified: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    yen: Option<i64>,
    number: Option<i64>,
    date: Option<Date>,
    text: Option<BTreeMap<String, String>>,
    rates: Option<Vec<Rate>>,
    #[serde(default)]
    unverified: bool,
    sources: Vec<SourceLink>,
    checked: Date,
    #[serde(default)]
    note: Option<String>,
}

/// The largest amount in yen a fact may hold (ten million yen): anything
/// above is a typo in guidance about fees.
pub const MAX_YEN: i64 = 10_000_000;

const FACT_HELP: &str = "each fact is a table with exactly one of `yen`, `number`, `date`, \
    `text = { <lang> = \"...\" }` or `rates = [{ from = 2024-10-01, yen = 110 }]` (a rate may \
    add `unverified = true`), plus `sources = [{ title = \"...\", url = \"https://...\" }]` and \
    `checked = <date>`; optional `unverified = true`, `note = \"...\"`";

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

/// Parses one data file and adds its facts; `stem` is the file name without `.toml`.
pub fn load_file(
    facts: &mut Facts,
    sources: &Sources,
    file: FileId,
    stem: &str,
    site: &SiteConfig,
) -> Vec<Diagnostic> {
    let text = sources.text(file);
    let raw: BTreeMap<String, toml::Spanned<RawFact>> =
        match crate::config::parse_toml(sources, file, text, 0, FACT_HELP) {
            Ok(r) => r,
            Err(d) => return vec![d],
        };
    let mut errors = Vec::new();
    for (name, spanned) in raw {
        let span = spanned.span();
        let raw = spanned.into_inner();
        let mut values = Vec::new();
        if let Some(y) = raw.yen {
            values.push(FactValue::Yen(y));
        }
        if let Some(n) = raw.number {
            values.push(FactValue::Number(n));
        }
        if let Some(d) = raw.date {
            values.push(FactValue::Date(d));
        }
        if let Some(t) = raw.text {
            // Other languages come from the catalogs (`fact:<key>`) when
            // not written here; the default language is the source.
            for code in [site.default_language.as_str()] {
                if !t.contains_key(code) {
                    errors.push(
                        Diagnostic::error(format!("fact `{stem}.{name}` has no `{code}` text"))
                            .at(file, span.clone())
                            .label("this fact")
                            .help(format!("add `{code} = \"...\"` to its `text` table")),
                    );
                }
            }
            for code in t.keys() {
                if site.language(code).is_none() {
                    errors.push(
                        Diagnostic::error(format!(
                            "fact `{stem}.{name}` has text for unknown language `{code}`"
                        ))
                        .at(file, span.clone())
                        .label("this fact")
                        .help("use the codes listed in content/site.toml"),
                    );
                }
            }
            values.push(FactValue::Text(t));
        }
        if let Some(mut rates) = raw.rates {
            rates.sort_by_key(|r| r.from);
            if rates.is_empty() || rates.windows(2).any(|w| w[0].from == w[1].from) {
                errors.push(
                    Diagnostic::error(format!(
                        "fact `{stem}.{name}` needs at least one rate and distinct `from` dates"
                    ))
                    .at(file, span.clone())
                    .label("these rates")
                    .help("each rate is in force from its `from` date until the next one"),
                );
            }
            values.push(FactValue::Rates(rates));
        }
        if raw.sources.is_empty() {
            errors.push(
                Diagnostic::error(format!("fact `{stem}.{name}` names no source"))
                    .at(file, span.clone())
                    .label("this fact")
                    .help(
                        "add `sources = [{ title = \"<page title>\", url = \"https://...\" }]`: \
                         the official page(s) the fact was checked against",
                    ),
            );
        }
        for s in &raw.sources {
            if let Some(problem) = url_problem(&s.url) {
                errors.push(
                    Diagnostic::error(format!("fact `{stem}.{name}`: source {problem}"))
                        .at(file, span.clone())
                        .label("this fact")
                        .help("give the full address of the official page, starting with https://"),
                );
            }
            if s.title.trim().is_empty() {
                errors.push(
                    Diagnostic::error(format!("fact `{stem}.{name}`: a source has no title"))
                        .at(file, span.clone())
                        .label("this fact")
                        .help("give the page's title as published"),
                );
            }
            if let Some(lang) = &s.lang
                && site.language(lang).is_none()
            {
                errors.push(
                    Diagnostic::error(format!(
                        "fact `{stem}.{name}`: source title in unknown language `{lang}`"
                    ))
                    .at(file, span.clone())
                    .label("this fact")
                    .help("use the codes listed in content/site.toml"),
                );
            }
        }
        if values.len() != 1 {
            errors.push(
                Diagnostic::error(format!(
                    "fact `{stem}.{name}` has {} values, expected exactly one",
                    values.len()
                ))
                .at(file, span.clone())
                .label("this fact")
                .help(FACT_HELP),
            );
            continue;
        }
        let Some(value) = values.pop() else { continue };
        let yens: Vec<i64> = match &value {
            FactValue::Yen(y) => vec![*y],
            FactValue::Rates(rates) => rates.iter().map(|r| r.yen).collect(),
            _ => Vec::new(),
        };
        if let Some(bad) = yens.into_iter().find(|y| !(0..=MAX_YEN).contains(y)) {
            let literal = bad.to_string();
            let at =
                text[span.start..]
                    .find(&format!("yen = {literal}"))
                    .map_or(span.clone(), |i| {
                        let start = span.start + i + "yen = ".len();
                        start..start + literal.len()
                    });
            errors.push(
                Diagnostic::error(format!(
                    "fact `{stem}.{name}`: {bad} yen is not a plausible amount"
                ))
                .at(file, at)
                .label("this amount")
                .help(format!(
                    "amounts in yen are between 0 and {MAX_YEN}; check the figure at its source"
                )),
            );
            continue;
        }
        if let FactValue::Text(t) = &value
            && let Some((lang, problem)) = t.iter().find_map(|(lang, v)| {
                crate::markdown::text_problem(v)
                    .map(|(_, p)| p)
                    .or_else(|| {
                        crate::markdown::is_invisible(v).then(|| "no visible text".to_string())
                    })
                    .map(|p| (lang, p))
            })
        {
            errors.push(
                Diagnostic::error(format!(
                    "fact `{stem}.{name}`: its `{lang}` text has {problem}"
                ))
                .at(file, span.clone())
                .label("this fact")
                .help(
                    "write visible text, without control characters or bidirectional \
                         overrides (retype it if it was pasted)",
                ),
            );
            continue;
        }
        let key = format!("{stem}.{name}");
        if let Some(other) = facts.facts.get(&key) {
            errors.push(
                Diagnostic::error(format!(
                    "fact `{key}` is defined twice: in `{}` and in `{}`",
                    sources.name(other.file),
                    sources.name(file)
                ))
                .at(file, span.clone())
                .label("second definition")
                .help(
                    "keep one: `data/a/b.toml` and `data/a.b.toml` (or a quoted key \
                     `[\"b.c\"]` in `data/a.toml`) name the same facts",
                ),
            );
            continue;
        }
        facts.facts.insert(
            key,
            Fact {
                value,
                unverified: raw.unverified,
                sources: raw.sources,
                checked: raw.checked,
                note: raw.note,
                file,
                span,
            },
        );
    }
    errors
}

impl FactValue {
    /// `yen`, `number`, `date`, `text` or `rates`, as in the data files.
    pub fn kind_name(&self) -> &'static str {
        match self {
            FactValue::Yen(_) => "yen",
            FactValue::Number(_) => "number",
            FactValue::Date(_) => "date",
            FactValue::Text(_) => "text",
            FactValue::Rates(_) => "rates",
        }
    }
}

impl Fact {
    /// The rate in force on `day`, if any.
    pub fn rate_on(&self, day: Date) -> Option<Rate> {
        match &self.value {
            FactValue::Rates(rates) => rates.iter().rev().find(|r| r.from <= day).copied(),
            _ => None,
        }
    }

    /// Formats the fact for a reader of `lang`; `on` picks a dated rate.
    pub fn render(&self, lang: &str, i18n: &I18n, on: Option<Date>) -> Result<String, String> {
        let f = &i18n.format;
        let mut rate_unverified = false;
        let mut out = match (&self.value, on) {
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
            (FactValue::Rates(_), Some(day)) => match self.rate_on(day) {
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
        if self.unverified || rate_unverified {
            out.push_str(&f.unverified);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).expect("valid date")
    }

    #[test]
    fn rate_in_force_is_the_latest_not_after_the_day() {
        let fact = Fact {
            value: FactValue::Rates(vec![
                Rate {
                    from: date("2019-10-01"),
                    yen: 94,
                    unverified: false,
                },
                Rate {
                    from: date("2024-10-01"),
                    yen: 110,
                    unverified: false,
                },
            ]),
            unverified: false,
            sources: Vec::new(),
            checked: date("2026-11-25"),
            note: None,
            file: 0,
            span: 0..0,
        };
        assert_eq!(fact.rate_on(date("2024-09-30")).map(|r| r.yen), Some(94));
        assert_eq!(fact.rate_on(date("2024-10-01")).map(|r| r.yen), Some(110));
        assert_eq!(fact.rate_on(date("2019-09-30")), None);
    }
}
