//! Facts (fees, dated rates, dates, texts): the one model of them, and the
//! format of the data files they are kept in (`content/data/<file>.toml`),
//! parsed here ([`parse_data_file`]) from text the caller read. A [`Facts`]
//! table, keyed `<file stem>.<table>` (e.g. `disclosure.handling_fee` or
//! `postage.reply_standard`), is what procedures are evaluated with; each
//! [`DataFact`] adds where the fact comes from and when it was checked.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::model::Problem;

/// A text per language code, e.g. `{ ja = "...", en = "..." }`.
pub type Text = BTreeMap<String, String>;

/// One rate, in force from `from` until the next rate's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub from: Date,
    pub yen: i64,
    /// This rate is not confirmed by the sources (e.g. a figure derived
    /// from a rate table rather than read on the agency's page).
    pub unverified: bool,
}

impl Rate {
    /// A confirmed rate.
    pub fn new(from: Date, yen: i64) -> Rate {
        Rate {
            from,
            yen,
            unverified: false,
        }
    }
}

/// The value of a fact.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Yen(i64),
    Number(i64),
    Date(Date),
    Text(Text),
    /// Dated rates, sorted by `from` with distinct dates (see [`crate::validate`]).
    Rates(Vec<Rate>),
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

/// A fact and whether its source marked it unverified.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub value: FactValue,
    pub unverified: bool,
}

impl Fact {
    /// The rate of a `rates` fact in force on `day`.
    pub fn rate_on(&self, day: Date) -> Option<Rate> {
        match &self.value {
            FactValue::Rates(rates) => rate_on(rates, day),
            _ => None,
        }
    }
}

/// All facts, keyed `<file stem>.<table name>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub facts: BTreeMap<String, Fact>,
    /// How each language writes a date (`content/i18n/<lang>.toml`
    /// `[format]`): (language, pattern, month names). A list, not a map:
    /// a language or two, and no second kind of map in the wasm.
    pub date_formats: Vec<(String, String, Vec<String>)>,
    /// What each language appends to an unconfirmed fact or item, e.g.
    /// ` (unconfirmed)` / `（未確認）` (`[format] unverified`).
    pub unverified_marks: BTreeMap<String, String>,
}

impl Facts {
    pub fn new() -> Facts {
        Facts::default()
    }

    /// Sets how `lang` writes dates (see [`crate::format_date`]).
    pub fn set_date_format(
        &mut self,
        lang: impl Into<String>,
        pattern: impl Into<String>,
        month_names: Vec<String>,
    ) -> &mut Facts {
        let lang = lang.into();
        self.date_formats.retain(|(l, _, _)| *l != lang);
        self.date_formats.push((lang, pattern.into(), month_names));
        self
    }

    /// Sets what `lang` appends to an unconfirmed fact or item.
    pub fn set_unverified_mark(
        &mut self,
        lang: impl Into<String>,
        mark: impl Into<String>,
    ) -> &mut Facts {
        self.unverified_marks.insert(lang.into(), mark.into());
        self
    }

    /// What `lang` appends to an unconfirmed fact or item; without one set
    /// for `lang`, （未確認） in Japanese and ` (unconfirmed)` otherwise.
    pub fn unverified_mark(&self, lang: &str) -> &str {
        match self.unverified_marks.get(lang) {
            Some(m) => m,
            None if lang == "ja" => "（未確認）",
            None => " (unconfirmed)",
        }
    }

    /// `d` as `lang` writes dates; without a format for `lang`,
    /// 2012年7月9日 in Japanese and 2012-07-09 otherwise.
    pub fn date_in(&self, d: Date, lang: &str) -> String {
        match self.date_formats.iter().find(|(l, _, _)| l == lang) {
            Some((_, pattern, months)) => crate::date::format_date(d, pattern, months),
            None if lang == "ja" => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            None => d.iso(),
        }
    }

    /// Adds (or replaces) a verified fact.
    pub fn insert(&mut self, key: impl Into<String>, value: FactValue) -> &mut Facts {
        self.facts.insert(
            key.into(),
            Fact {
                value,
                unverified: false,
            },
        );
        self
    }

    /// Adds (or replaces) a fact marked `unverified = true`.
    pub fn insert_unverified(&mut self, key: impl Into<String>, value: FactValue) -> &mut Facts {
        self.facts.insert(
            key.into(),
            Fact {
                value,
                unverified: true,
            },
        );
        self
    }

    pub fn get(&self, key: &str) -> Option<&Fact> {
        self.facts.get(key)
    }

    /// The date of a `date` fact.
    pub fn date(&self, key: &str) -> Option<Date> {
        match self.get(key)?.value {
            FactValue::Date(d) => Some(d),
            _ => None,
        }
    }

    /// The rate of a `rates` fact in force on `day`: the last rate whose
    /// `from` is on or before `day`.
    pub fn rate_on(&self, key: &str, day: Date) -> Option<Rate> {
        match &self.get(key)?.value {
            FactValue::Rates(rates) => rate_on(rates, day),
            _ => None,
        }
    }
}

/// The rate in force on `day` among `rates` (in any order): the one with
/// the latest `from` not after `day`.
pub fn rate_on(rates: &[Rate], day: Date) -> Option<Rate> {
    rates
        .iter()
        .filter(|r| r.from <= day)
        .max_by_key(|r| r.from)
        .copied()
}

/// A yen amount in a language's pattern (`{amount}円`, `¥{amount}`), the
/// digits grouped in threes with `separator`: `format_money(1200, "¥{amount}", ",")`
/// is `¥1,200`.
pub fn format_money(yen: i64, pattern: &str, separator: &str) -> String {
    let digits = yen.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(separator);
        }
        grouped.push(c);
    }
    if yen < 0 {
        grouped.insert(0, '-');
    }
    crate::fill(pattern, &[("amount", &grouped)])
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

/// A fact as its data file defines it: the fact, the official pages it was
/// checked against, the day a person last checked it, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFact {
    pub fact: Fact,
    /// At least one, each with a title and a URL.
    pub sources: Vec<SourceLink>,
    /// When a person last checked the fact against its sources.
    pub checked: Date,
    pub note: Option<String>,
    /// The byte range of its table in the data file.
    pub span: Range<usize>,
}

/// The largest amount in yen a fact may hold (ten million yen): anything
/// above is a typo in guidance about fees.
pub const MAX_YEN: i64 = 10_000_000;

/// How a data file is written, for error messages.
pub const DATA_FILE_HELP: &str = "each fact is a table with exactly one of `yen`, `number`, \
    `date`, `text = { <lang> = \"...\" }` or `rates = [{ from = 2024-10-01, yen = 110 }]` (a rate \
    may add `unverified = true`), plus `sources = [{ title = \"...\", url = \"https://...\" }]` \
    and `checked = <date>`; optional `unverified = true`, `note = \"...\"`";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    yen: Option<i64>,
    number: Option<i64>,
    date: Option<Date>,
    text: Option<Text>,
    rates: Option<Vec<RawRate>>,
    #[serde(default)]
    unverified: bool,
    sources: Vec<SourceLink>,
    checked: Date,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRate {
    from: Date,
    yen: i64,
    #[serde(default)]
    unverified: bool,
}

/// What the caller checks in a data file's strings by its own rules.
pub struct DataChecks<'a> {
    /// Why a source's URL is not a page a reader can open, if it is not:
    /// e.g. "`/x.html` is not a URL (relative URL without a base)".
    pub url: &'a dyn Fn(&str) -> Option<String>,
    /// Why a fact's text cannot be shown, if it cannot: e.g. "no visible text".
    pub text: &'a dyn Fn(&str) -> Option<String>,
}

/// Parses one data file, `content/data/<stem>.toml` (`stem` may hold dots,
/// `a.b` for `data/a/b.toml`): every fact, keyed `<stem>.<table>`, in
/// table-name order, with the problems found. A fact with a problem that
/// leaves it without one plausible value (or with text that cannot be
/// shown) is left out; others are kept with their problems reported.
/// `languages` are the site's: a `text` has the `default` language's and
/// may have others of them (the rest come from the translation catalogs).
/// `Err` is a file that is not TOML or not of this shape (its span, if known).
#[allow(clippy::type_complexity)]
pub fn parse_data_file(
    text: &str,
    stem: &str,
    languages: &[&str],
    default: &str,
    checks: &DataChecks<'_>,
) -> Result<(Vec<(String, DataFact)>, Vec<Problem>), Problem> {
    let raw: BTreeMap<String, toml::Spanned<RawFact>> = toml::from_str(text).map_err(|e| {
        Problem::new(
            format!("invalid TOML: {}", e.message().trim_end()),
            DATA_FILE_HELP,
            e.span(),
        )
    })?;
    let mut facts = Vec::new();
    let mut problems = Vec::new();
    for (name, spanned) in raw {
        let span = spanned.span();
        let raw = spanned.into_inner();
        let at = Some(span.clone());
        let problem = |message: String, help: &str| {
            Problem::new(message, help, at.clone()).label("this fact")
        };
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
            for code in [default] {
                if !t.contains_key(code) {
                    problems.push(problem(
                        format!("fact `{stem}.{name}` has no `{code}` text"),
                        &format!("add `{code} = \"...\"` to its `text` table"),
                    ));
                }
            }
            for code in t.keys() {
                if !languages.contains(&code.as_str()) {
                    problems.push(problem(
                        format!("fact `{stem}.{name}` has text for unknown language `{code}`"),
                        "use the codes listed in content/site.toml",
                    ));
                }
            }
            values.push(FactValue::Text(t));
        }
        if let Some(raw_rates) = raw.rates {
            let mut rates: Vec<Rate> = raw_rates
                .into_iter()
                .map(|r| Rate {
                    from: r.from,
                    yen: r.yen,
                    unverified: r.unverified,
                })
                .collect();
            rates.sort_by_key(|r| r.from);
            if rates.is_empty() || rates.windows(2).any(|w| w[0].from == w[1].from) {
                problems.push(
                    Problem::new(
                        format!(
                            "fact `{stem}.{name}` needs at least one rate and distinct `from` dates"
                        ),
                        "each rate is in force from its `from` date until the next one",
                        at.clone(),
                    )
                    .label("these rates"),
                );
            }
            values.push(FactValue::Rates(rates));
        }
        if raw.sources.is_empty() {
            problems.push(problem(
                format!("fact `{stem}.{name}` names no source"),
                "add `sources = [{ title = \"<page title>\", url = \"https://...\" }]`: \
                 the official page(s) the fact was checked against",
            ));
        }
        for s in &raw.sources {
            if let Some(why) = (checks.url)(&s.url) {
                problems.push(problem(
                    format!("fact `{stem}.{name}`: source {why}"),
                    "give the full address of the official page, starting with https://",
                ));
            }
            if s.title.trim().is_empty() {
                problems.push(problem(
                    format!("fact `{stem}.{name}`: a source has no title"),
                    "give the page's title as published",
                ));
            } else if let Some(why) = (checks.text)(&s.title) {
                // Shown to readers as a link, like a page title.
                problems.push(problem(
                    format!("fact `{stem}.{name}`: a source title has {why}"),
                    "give the page's title as published, in visible text without control \
                     characters or bidirectional overrides (retype it if it was pasted)",
                ));
            }
            if let Some(lang) = &s.lang
                && !languages.contains(&lang.as_str())
            {
                problems.push(problem(
                    format!("fact `{stem}.{name}`: source title in unknown language `{lang}`"),
                    "use the codes listed in content/site.toml",
                ));
            }
        }
        if values.len() != 1 {
            problems.push(problem(
                format!(
                    "fact `{stem}.{name}` has {} values, expected exactly one",
                    values.len()
                ),
                DATA_FILE_HELP,
            ));
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
            let amount = text
                .get(span.start..)
                .and_then(|rest| rest.find(&format!("yen = {literal}")))
                .map_or(span.clone(), |i| {
                    let start = span.start + i + "yen = ".len();
                    start..start + literal.len()
                });
            problems.push(
                Problem::new(
                    format!("fact `{stem}.{name}`: {bad} yen is not a plausible amount"),
                    format!(
                        "amounts in yen are between 0 and {MAX_YEN}; check the figure at its source"
                    ),
                    Some(amount),
                )
                .label("this amount"),
            );
            continue;
        }
        if let FactValue::Text(t) = &value
            && let Some((lang, why)) = t
                .iter()
                .find_map(|(lang, v)| (checks.text)(v).map(|why| (lang, why)))
        {
            problems.push(problem(
                format!("fact `{stem}.{name}`: its `{lang}` text has {why}"),
                "write visible text, without control characters or bidirectional \
                 overrides (retype it if it was pasted)",
            ));
            continue;
        }
        facts.push((
            format!("{stem}.{name}"),
            DataFact {
                fact: Fact {
                    value,
                    unverified: raw.unverified,
                },
                sources: raw.sources,
                checked: raw.checked,
                note: raw.note,
                span,
            },
        ));
    }
    Ok((facts, problems))
}

impl Facts {
    /// What a checker page in `lang` carries of these facts for `proc`:
    /// only the facts `proc` refers to ([`crate::fact_references`]), each
    /// text only in `lang`, in Japanese (the printed form's language) and
    /// in the procedure's default language (the fallback), or, lacking all
    /// three, in the one language evaluation would fall back to; and the
    /// date formats and unverified marks of those languages only (a text
    /// shown in the fallback language shows its dates and marks). Evaluating `proc` for a
    /// reader of `lang` (and its Japanese form) with the result gives what
    /// it gives with `self`.
    pub fn for_page(&self, proc: &crate::model::Procedure, lang: &str) -> Facts {
        let default = proc.default_language();
        let kept = |l: &str| l == lang || l == "ja" || l == default;
        let mut out = Facts::new();
        for (key, _) in crate::validate::fact_references(proc) {
            let Some(fact) = self.facts.get(&key) else {
                continue;
            };
            let mut fact = fact.clone();
            if let FactValue::Text(t) = &mut fact.value {
                if t.keys().any(|l| kept(l)) {
                    t.retain(|l, _| kept(l));
                } else {
                    // What `pick` falls back to: the first language.
                    let first = t.pop_first();
                    t.clear();
                    t.extend(first);
                }
            }
            out.facts.insert(key, fact);
        }
        out.date_formats = self
            .date_formats
            .iter()
            .filter(|(l, _, _)| kept(l))
            .cloned()
            .collect();
        out.unverified_marks = self
            .unverified_marks
            .iter()
            .filter(|(l, _)| kept(l))
            .map(|(l, m)| (l.clone(), m.clone()))
            .collect();
        out
    }

    /// The table of `facts` (e.g. every [`parse_data_file`] result of a site).
    pub fn of<'a>(facts: impl IntoIterator<Item = (&'a String, &'a DataFact)>) -> Facts {
        let mut out = Facts::new();
        for (key, f) in facts {
            out.facts.insert(key.clone(), f.fact.clone());
        }
        out
    }
}
