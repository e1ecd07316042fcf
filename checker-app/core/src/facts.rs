//! Facts (fees, dated rates, dates, texts) handed to the core by the caller.
//! The core never reads `content/data/*.toml` itself: the site generator
//! loads those files and fills a [`Facts`] table keyed `<file stem>.<table>`,
//! e.g. `disclosure.handling_fee` or `postage.reply_standard`.

use std::collections::BTreeMap;

use crate::date::Date;

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
    pattern.replace("{amount}", &grouped)
}
