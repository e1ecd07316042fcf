//! A small calendar date (proleptic Gregorian) and the Japanese era calendar.

use std::fmt;

/// A valid calendar date. It can only be built through [`Date::new`] or
/// [`Date::parse`], so a value of this type is always a real day.
/// Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    y: i32,
    m: u32,
    d: u32,
}

/// Whether `y` is a leap year in the Gregorian calendar.
pub fn is_leap_year(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Number of days in month `m` (1–12) of year `y`; 0 for an invalid month.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date, if `y-m-d` exists (years 1–9999).
    pub fn new(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=9999).contains(&y) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date { y, m, d })
    }

    /// Parses `YYYY-MM-DD` (exactly four, two and two ASCII digits).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |part: &str| -> Option<u32> {
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let y = num(s.get(0..4)?)?;
        let m = num(s.get(5..7)?)?;
        let d = num(s.get(8..10)?)?;
        Date::new(i32::try_from(y).ok()?, m, d)
    }

    pub fn year(&self) -> i32 {
        self.y
    }

    pub fn month(&self) -> u32 {
        self.m
    }

    pub fn day(&self) -> u32 {
        self.d
    }

    /// `YYYY-MM-DD`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    /// A TOML local date (`checked = 2026-11-25`); `None` for a date with a
    /// time or an offset, or one that is not a day of the calendar.
    pub fn from_toml(d: &toml::value::Datetime) -> Option<Date> {
        if d.time.is_some() || d.offset.is_some() {
            return None;
        }
        let date = d.date?;
        Date::new(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
    }

    /// The number of the day: 1970-01-01 is 0, the day after 1 (the
    /// proleptic Gregorian count of days from civil dates).
    pub fn day_number(&self) -> i64 {
        let y = i64::from(self.y) - i64::from(self.m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.m);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day numbered `n` (see [`Date::day_number`]), if within years 1–9999.
    pub fn from_day_number(n: i64) -> Option<Date> {
        let z = n.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(
            i32::try_from(y).ok()?,
            u32::try_from(m).ok()?,
            u32::try_from(d).ok()?,
        )
    }

    /// Whole days from `earlier` to this date (negative if `earlier` is later).
    pub fn days_since(&self, earlier: Date) -> i64 {
        self.day_number() - earlier.day_number()
    }
}

/// A date in a TOML file is a local date: `2026-11-25`, without time.
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let dt = toml::value::Datetime::deserialize(de)?;
        Date::from_toml(&dt).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a real date like 2026-11-25 without time, found `{dt}`"
            ))
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// Era start dates (first day of each era) with the offset to the era year.
/// Meiji is given from 1873-01-01, the day Japan adopted the Gregorian
/// calendar (明治6年); earlier Gregorian dates have no meaningful era date.
const ERAS: [(&str, (i32, u32, u32), i32); 5] = [
    ("令和", (2019, 5, 1), 2018),
    ("平成", (1989, 1, 8), 1988),
    ("昭和", (1926, 12, 25), 1925),
    ("大正", (1912, 7, 30), 1911),
    ("明治", (1873, 1, 1), 1867),
];

/// The era names, newest first (the order of [`era_start`]'s index).
pub(crate) fn era_names() -> impl Iterator<Item = &'static str> {
    ERAS.iter().map(|e| e.0)
}

/// Era `i` (newest first): its first day, the offset from its years to
/// Gregorian years, and the first day of the next era (none for the
/// current one).
pub(crate) fn era_start(i: usize) -> Option<(Date, i32, Option<Date>)> {
    let &(_, (y, m, d), offset) = ERAS.get(i)?;
    let next = i
        .checked_sub(1)
        .and_then(|n| ERAS.get(n))
        .map(|&(_, (y, m, d), _)| Date { y, m, d });
    Some((Date { y, m, d }, offset, next))
}

/// The Japanese era of `date` and the year within it, e.g.
/// 2026-11-25 → `("令和", 8)`, 1989-01-07 → `("昭和", 64)`,
/// 1989-01-08 → `("平成", 1)`. `None` before 1873-01-01.
pub fn japanese_era(date: Date) -> Option<(&'static str, i32)> {
    ERAS.iter().find_map(|&(name, (y, m, d), offset)| {
        let start = Date { y, m, d };
        (date >= start).then_some((name, date.y - offset))
    })
}

/// The date in the era calendar as written on a Japanese form:
/// `令和8年11月25日`; the first year of an era is written `元年`
/// (`令和元年5月1日`). `None` before 1873-01-01.
pub fn format_wareki(date: Date) -> Option<String> {
    format_wareki_with(date, true)
}

/// Like [`format_wareki`]; with `gannen = false` the first year is written
/// `1年` (`令和1年5月1日`).
pub fn format_wareki_with(date: Date, gannen: bool) -> Option<String> {
    let (era, year) = japanese_era(date)?;
    let year = if year == 1 && gannen {
        "元".to_string()
    } else {
        year.to_string()
    };
    Some(format!("{era}{year}年{}月{}日", date.m, date.d))
}

/// A date in a language's pattern, e.g. `{year}年{month}月{day}日` or
/// `{day} {month_name} {year}`; `month_names` has January first (a missing
/// name is written as the number). The one date formatter of prose and
/// checker alike.
pub fn format_date(date: Date, pattern: &str, month_names: &[String]) -> String {
    let month_name = month_names
        .get(usize::try_from(date.m).unwrap_or(0).saturating_sub(1))
        .cloned()
        .unwrap_or_else(|| date.m.to_string());
    crate::fill(
        pattern,
        &[
            ("year", &date.y.to_string()),
            ("month_name", &month_name),
            ("month", &date.m.to_string()),
            ("day", &date.d.to_string()),
        ],
    )
}

/// The date as a Japanese form wants it, era and Gregorian:
/// `令和8年11月25日（2026年11月25日）`; before 1873 the Gregorian date alone.
pub fn format_wareki_gregorian(date: Date) -> String {
    let g = format!("{}年{}月{}日", date.y, date.m, date.d);
    match format_wareki(date) {
        Some(w) => format!("{w}（{g}）"),
        None => g,
    }
}

/// 2000-01-01: a valid placeholder where a date is needed but none is known.
impl Default for Date {
    fn default() -> Self {
        Date {
            y: 2000,
            m: 1,
            d: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|| panic!("bad test date {s}"))
    }

    #[test]
    fn validity_and_leap_years() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2023, 2, 30).is_none());
        assert!(Date::new(2023, 4, 31).is_none());
        assert!(Date::new(2023, 13, 1).is_none());
        assert!(Date::new(2023, 0, 1).is_none());
        assert!(Date::new(0, 1, 1).is_none());
    }

    #[test]
    fn parsing() {
        assert_eq!(Date::parse("2024-10-01"), Date::new(2024, 10, 1));
        for bad in [
            "2023-02-30",
            "2024-1-01",
            "2024/10/01",
            "+024-10-01",
            "2024-10-0１",
            "",
            "2024-10-011",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(d("0999-12-31").iso(), "0999-12-31");
    }

    #[test]
    fn day_numbers_count_days_across_months_years_and_leap_days() {
        assert_eq!(d("1970-01-01").day_number(), 0);
        assert_eq!(d("2000-03-01").days_since(d("2000-02-28")), 2);
        assert_eq!(d("1900-03-01").days_since(d("1900-02-28")), 1);
        assert_eq!(d("2026-11-26").days_since(d("2026-05-30")), 180);
        assert_eq!(d("2025-01-01").days_since(d("2024-01-01")), 366);
        assert_eq!(d("2024-01-01").days_since(d("2025-01-01")), -366);
        for s in ["0001-01-01", "1969-12-31", "2024-02-29", "9999-12-31"] {
            assert_eq!(Date::from_day_number(d(s).day_number()), Some(d(s)), "{s}");
        }
        assert_eq!(
            Date::from_day_number(d("9999-12-31").day_number() + 1),
            None
        );
        assert_eq!(Date::from_day_number(i64::MAX), None);
    }

    #[test]
    fn toml_dates_are_local_dates_of_the_calendar() {
        #[derive(serde::Deserialize)]
        struct T {
            d: Date,
        }
        let parsed: T = toml::from_str("d = 2024-02-29").expect("a date");
        assert_eq!(parsed.d, d("2024-02-29"));
        for bad in [
            "d = 0000-06-01",
            "d = 2026-01-01T10:00:00",
            "d = 2026-01-01T10:00:00Z",
            "d = 10:00:00",
        ] {
            let err = toml::from_str::<T>(bad)
                .err()
                .map(|e| e.message().to_string());
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.starts_with("expected a real date like 2026-11-25")),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn ordering() {
        assert!(d("2024-09-30") < d("2024-10-01"));
        assert!(d("2023-12-31") < d("2024-01-01"));
    }

    #[test]
    fn era_boundaries() {
        let cases = [
            ("1873-01-01", Some(("明治", 6))),
            ("1872-12-31", None),
            ("1912-07-29", Some(("明治", 45))),
            ("1912-07-30", Some(("大正", 1))),
            ("1926-12-24", Some(("大正", 15))),
            ("1926-12-25", Some(("昭和", 1))),
            ("1989-01-07", Some(("昭和", 64))),
            ("1989-01-08", Some(("平成", 1))),
            ("2019-04-30", Some(("平成", 31))),
            ("2019-05-01", Some(("令和", 1))),
            ("2026-11-25", Some(("令和", 8))),
        ];
        for (s, want) in cases {
            assert_eq!(japanese_era(d(s)), want, "{s}");
        }
    }

    #[test]
    fn wareki() {
        assert_eq!(
            format_wareki(d("2026-11-25")).as_deref(),
            Some("令和8年11月25日")
        );
        assert_eq!(
            format_wareki(d("2019-05-01")).as_deref(),
            Some("令和元年5月1日")
        );
        assert_eq!(
            format_wareki_with(d("2019-05-01"), false).as_deref(),
            Some("令和1年5月1日")
        );
        assert_eq!(
            format_wareki(d("1989-01-07")).as_deref(),
            Some("昭和64年1月7日")
        );
        assert_eq!(format_wareki(d("1800-01-01")), None);
    }
}
