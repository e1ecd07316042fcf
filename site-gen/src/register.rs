//! The facts register: every fact of `content/data/` with its value in force
//! today (and dated values still to come), whether it is confirmed, its
//! sources, when it was last checked, and where it is used. Staff read it
//! with `site-gen facts` (text or JSON) and on the staff page
//! `staff/facts/` of a build; `site-gen check` warns about facts checked
//! too long ago and facts used nowhere.
//!
//! Pure: the site generator hands it the loaded facts and the places each
//! fact is used; it reads nothing and knows no clock.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use madoguchi_rules::{Date, FactValue, SourceLink};

use crate::config::I18n;
use crate::data::Facts;
use crate::diag::{Diagnostic, FileId, Sources};

/// One place a fact is used: a page's `{{ fact(…) }}` or a procedure's
/// reference, as a span in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub file: FileId,
    pub span: Range<usize>,
    /// The 1-based line of the span's start.
    pub line: usize,
}

/// The register, in the shape templates and `--format json` see it.
#[derive(Debug, Serialize)]
pub struct Register {
    /// The day the values and ages are computed for (`YYYY-MM-DD`).
    pub today: String,
    /// `recheck_after_days` of `content/site.toml`, if set.
    pub recheck_after_days: Option<u32>,
    pub facts: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    /// `<data file>.<table>`, e.g. `disclosure.handling_fee`.
    pub key: String,
    /// `yen`, `number`, `date`, `text` or `rates`.
    pub kind: &'static str,
    /// The value in force today, in the default language; empty for rates
    /// that only start in the future.
    pub value: String,
    /// Dated values that take effect after today, earliest first.
    pub upcoming: Vec<Upcoming>,
    pub unverified: bool,
    pub sources: Vec<SourceLink>,
    /// `YYYY-MM-DD`.
    pub checked: String,
    /// Days since `checked`.
    pub checked_days_ago: i64,
    /// Checked longer ago than `recheck_after_days`.
    pub stale: bool,
    pub note: Option<String>,
    /// `content/data/<file>.toml:<line>`.
    pub defined_at: String,
    /// `content/…:<line>` of every use, in file order.
    pub used_in: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Upcoming {
    /// `YYYY-MM-DD`.
    pub from: String,
    pub value: String,
    pub unverified: bool,
}

/// Today's date (UTC) from the system clock: the one place the generator
/// reads the clock (see `Options::today`).
pub fn today_utc() -> Date {
    let d = time::OffsetDateTime::now_utc().date();
    Date::new(d.year(), u32::from(u8::from(d.month())), u32::from(d.day())).unwrap_or_default()
}

fn place(sources: &Sources, file: FileId, line: usize) -> String {
    format!("{}:{line}", sources.name(file))
}

/// Builds the register and its warnings (stale checks, unused facts).
/// `default` formats the values (the site's default language).
pub fn build(
    facts: &Facts,
    uses: &BTreeMap<String, Vec<Use>>,
    sources: &Sources,
    default: (&str, &I18n),
    today: Date,
    recheck_after_days: Option<u32>,
) -> (Register, Vec<Diagnostic>) {
    let (lang, i18n) = default;
    let mut warnings = Vec::new();
    let mut entries = Vec::new();
    for (key, data) in &facts.facts {
        let fact = &data.fact;
        let (file, span) = facts.defined_at(key).unwrap_or((0, data.span.clone()));
        let age = today.days_since(data.checked);
        let stale = recheck_after_days.is_some_and(|limit| age > i64::from(limit));
        if stale {
            warnings.push(
                Diagnostic::warning(format!(
                    "fact `{key}` was last checked on {}, {age} days ago \
                     (`recheck_after_days` is {})",
                    data.checked.iso(),
                    recheck_after_days.unwrap_or_default()
                ))
                .at(file, span.clone())
                .label("checked too long ago")
                .help(
                    "check it against its sources; then set `checked` to the day you \
                     checked (and correct the value if it changed)",
                ),
            );
        }
        let mut used: Vec<&Use> = uses
            .get(key)
            .map(|u| u.iter().collect())
            .unwrap_or_default();
        used.sort_by(|a, b| {
            (sources.name(a.file), a.span.start).cmp(&(sources.name(b.file), b.span.start))
        });
        let used_in: Vec<String> = used
            .iter()
            .map(|u| place(sources, u.file, u.line))
            .collect();
        if used_in.is_empty() {
            warnings.push(
                Diagnostic::warning(format!("fact `{key}` is defined but used nowhere"))
                    .at(file, span.clone())
                    .label("unused fact")
                    .help(format!(
                        "write {{{{ fact(key=\"{key}\") }}}} in a page or {{fact:{key}}} in a \
                         procedure, or delete it"
                    )),
            );
        }
        let (value, upcoming) = match &fact.value {
            FactValue::Rates(rates) => {
                let now = fact.rate_on(today).map(|r| i18n.format.money(r.yen));
                let upcoming = rates
                    .iter()
                    .filter(|r| r.from > today)
                    .map(|r| Upcoming {
                        from: r.from.iso(),
                        value: i18n.format.money(r.yen),
                        unverified: fact.unverified || r.unverified,
                    })
                    .collect();
                (now.unwrap_or_default(), upcoming)
            }
            _ => {
                let mut plain = fact.clone();
                plain.unverified = false;
                (
                    crate::data::render(&plain, lang, i18n, None).unwrap_or_default(),
                    Vec::new(),
                )
            }
        };
        let unverified = fact.unverified || fact.rate_on(today).is_some_and(|r| r.unverified);
        entries.push(Entry {
            key: key.clone(),
            kind: fact.value.kind_name(),
            value,
            upcoming,
            unverified,
            sources: data.sources.clone(),
            checked: data.checked.iso(),
            checked_days_ago: age,
            stale,
            note: data.note.clone(),
            defined_at: place(sources, file, sources.line_col(file, span.start).0),
            used_in,
        });
    }
    (
        Register {
            today: today.iso(),
            recheck_after_days,
            facts: entries,
        },
        warnings,
    )
}

impl Register {
    /// The register as plain text for a terminal, one block per fact.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} facts, values in force on {}{}\n",
            self.facts.len(),
            self.today,
            match self.recheck_after_days {
                Some(d) => format!(", recheck after {d} days"),
                None => String::new(),
            }
        );
        for e in &self.facts {
            out.push('\n');
            out.push_str(&format!("{} ({})\n", e.key, e.kind));
            let mut value = e.value.clone();
            if e.unverified {
                value.push_str("  [UNCONFIRMED]");
            }
            out.push_str(&format!("  value:   {value}\n"));
            for u in &e.upcoming {
                out.push_str(&format!(
                    "  from {}: {}{}\n",
                    u.from,
                    u.value,
                    if u.unverified { "  [UNCONFIRMED]" } else { "" }
                ));
            }
            out.push_str(&format!(
                "  checked: {} ({} days ago){}\n",
                e.checked,
                e.checked_days_ago,
                if e.stale { "  [RECHECK]" } else { "" }
            ));
            for s in &e.sources {
                out.push_str(&format!("  source:  {} <{}>\n", s.title, s.url));
            }
            out.push_str(&format!("  defined: {}\n", e.defined_at));
            if e.used_in.is_empty() {
                out.push_str("  used in: nowhere\n");
            }
            for u in &e.used_in {
                out.push_str(&format!("  used in: {u}\n"));
            }
        }
        out
    }
}
