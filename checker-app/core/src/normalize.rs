//! Forgiving input: what a reader types, in whatever width or format their
//! keyboard or habit gives, folded to the one canonical form the rules and
//! the printed form use. Nothing here refuses what can be understood.
//!
//! The width fold is the part of Unicode NFKC that a Japanese input method
//! makes necessary (full-width ASCII, the ideographic space, half-width
//! katakana with its voiced marks), written out here rather than pulled in
//! with full NFKC tables, which would cost the wasm far more than these
//! few ranges (see ARCHITECTURE.md).

use crate::date::{Date, era_start};

/// Half-width katakana U+FF61..=U+FF9F, in order, as full-width characters.
const HALF_KANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";

/// Full-width ASCII (U+FF01..=U+FF5E) to ASCII, the ideographic space to a
/// space, half-width katakana to full-width with `ﾞ`/`ﾟ` joined to the kana
/// before them (`ｶﾞ` → `ガ`, `ﾊﾟ` → `パ`), as NFKC does.
pub fn fold_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = u32::from(c);
        match u {
            0xFF01..=0xFF5E => out.push(char::from_u32(u - 0xFEE0).unwrap_or(c)),
            0x3000 => out.push(' '),
            0xFF9E | 0xFF9F => {
                let semi = u == 0xFF9F;
                match out.chars().next_back().and_then(|prev| voiced(prev, semi)) {
                    Some(v) => {
                        out.pop();
                        out.push(v);
                    }
                    // Not after a kana it can voice: the mark itself.
                    None => out.push(if semi { '゜' } else { '゛' }),
                }
            }
            0xFF61..=0xFF9D => {
                let i = usize::try_from(u - 0xFF61).unwrap_or(0);
                out.push(HALF_KANA.chars().nth(i).unwrap_or(c));
            }
            _ => out.push(c),
        }
    }
    out
}

/// The voiced (`semi`: semi-voiced) form of a katakana, if it has one.
fn voiced(c: char, semi: bool) -> Option<char> {
    let u = u32::from(c);
    let v = match (u, semi) {
        // カ..チ: voiced is the next code point (カガキギ...).
        (0x30AB..=0x30C1, false) if (u - 0x30AB) % 2 == 0 => u + 1,
        // ツ テ ト
        (0x30C4 | 0x30C6 | 0x30C8, false) => u + 1,
        // ハ ヒ フ ヘ ホ: バ/パ are +1/+2.
        (0x30CF | 0x30D2 | 0x30D5 | 0x30D8 | 0x30DB, false) => u + 1,
        (0x30CF | 0x30D2 | 0x30D5 | 0x30D8 | 0x30DB, true) => u + 2,
        // ウ → ヴ
        (0x30A6, false) => 0x30F4,
        _ => return None,
    };
    char::from_u32(v)
}

/// Dash-like characters a keyboard or IME may type for a hyphen.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{2500}' | '\u{FE63}'
    )
}

/// Counters a reader may type after a number: `2部`, `3通`, `1件`.
const COUNTERS: [char; 5] = ['部', '通', '件', '枚', '個'];

/// A whole number as typed (any width, spaces around, a counter after
/// it): `１２` → 12, `2部` → 2.
pub fn parse_number(s: &str) -> Option<i64> {
    let t = fold_width(s);
    let t = t.trim();
    let t = t.strip_suffix(COUNTERS).unwrap_or(t).trim_end();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A date as people write it: `1950-03-04`, `1950/3/4`, `1950.3.4`,
/// `1950年3月4日`, or in the era calendar `昭和25年3月4日`, `令和元年5月1日`,
/// `S25.3.4`, `R8/11/26`; any width, spaces ignored. An era date must fall
/// within its era.
pub fn parse_date(s: &str) -> Option<Date> {
    let t: String = fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (era, rest) = split_era(&t);
    let rest = rest.strip_suffix('日').unwrap_or(rest);
    let mut parts = Vec::with_capacity(3);
    let mut current = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if c == '元' && parts.is_empty() && current.is_empty() && era.is_some() {
            current.push('1');
        } else if matches!(c, '/' | '.' | '年' | '月') || is_dash(c) {
            parts.push(std::mem::take(&mut current));
        } else {
            return None;
        }
    }
    parts.push(current);
    let [y, m, d] = <[String; 3]>::try_from(parts).ok()?;
    if y.is_empty() || m.is_empty() || d.is_empty() || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    match era {
        None if y.len() == 4 => Date::new(y.parse().ok()?, m, d),
        None => None,
        Some(i) => {
            let n: i32 = y.parse().ok().filter(|n| (1..=99).contains(n))?;
            let (start, offset, end) = era_start(i)?;
            let date = Date::new(offset + n, m, d)?;
            (date >= start && end.is_none_or(|e| date < e)).then_some(date)
        }
    }
}

/// Why a year as typed could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearProblem {
    /// Not a year in any of the forms [`parse_year`] reads.
    NotAYear,
    /// An era year that the era does not have (`昭和70年`: Shōwa ended in
    /// its 64th year); `last` is the era's last year (`None`: the current
    /// era, whose years have no end yet, and the year was 0 or too large).
    OutsideEra {
        era: &'static str,
        last: Option<i32>,
    },
}

/// A year as people type it, in the Western or the era calendar:
/// `1975`, `１９７５年`, `昭和50年`, `昭和50`, `S50`, `s50`, `平成元年`,
/// `H1`, with spaces anywhere and `頃`/`ごろ` after it (an approximate year
/// is what the question asks for). A Western year has four digits; an
/// era year must be one its era had (`昭和` 1 to 64, `平成` 1 to 31).
pub fn parse_year(s: &str) -> Result<i32, YearProblem> {
    let t: String = fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = t
        .strip_suffix("ごろ")
        .or_else(|| t.strip_suffix('頃'))
        .unwrap_or(&t);
    let t = t.strip_suffix('年').unwrap_or(t);
    let (era, rest) = split_era(t);
    let all_digits = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
    let Some(i) = era else {
        return match rest.parse() {
            Ok(y) if all_digits && rest.len() == 4 => Ok(y),
            _ => Err(YearProblem::NotAYear),
        };
    };
    let n: i32 = match rest {
        "元" => 1,
        _ if all_digits && rest.len() <= 3 => rest.parse().map_err(|_| YearProblem::NotAYear)?,
        _ => return Err(YearProblem::NotAYear),
    };
    let (start, offset, next) = era_start(i).ok_or(YearProblem::NotAYear)?;
    let last = next.map(|n| n.year() - offset);
    let name = crate::date::era_names().nth(i).unwrap_or_default();
    let first_ok = n >= 1 && offset + n >= start.year();
    if first_ok && last.is_none_or(|l| n <= l) && n <= 99 {
        Ok(offset + n)
    } else {
        Err(YearProblem::OutsideEra { era: name, last })
    }
}

/// The era named at the start of `t` (its index in the era table, newest
/// first) and the rest: `昭和25年…` or an initial `S25.…` (M T S H R).
fn split_era(t: &str) -> (Option<usize>, &str) {
    for (i, name) in crate::date::era_names().enumerate() {
        if let Some(rest) = t.strip_prefix(name) {
            return (Some(i), rest);
        }
    }
    let mut chars = t.chars();
    let initial = chars.next().map(|c| c.to_ascii_uppercase());
    let era = match initial {
        Some('R') => 0,
        Some('H') => 1,
        Some('S') => 2,
        Some('T') => 3,
        Some('M') => 4,
        _ => return (None, t),
    };
    (Some(era), chars.as_str())
}

/// A Japanese postcode as `NNN-NNNN`: seven digits in any width, with or
/// without a hyphen (or a dash an IME types) after the third, a leading 〒.
pub fn normalize_postcode(s: &str) -> Option<String> {
    let t: String = fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = t.strip_prefix('〒').unwrap_or(&t);
    let chars: Vec<char> = t.chars().collect();
    let digits: String = match chars.as_slice() {
        [a, b, c, dash, rest @ ..] if is_dash(*dash) && rest.len() == 4 => {
            [*a, *b, *c].iter().chain(rest).collect()
        }
        all if all.len() == 7 => all.iter().collect(),
        _ => return None,
    };
    // `get`-style splitting: the wasm carries no slicing panic (and its
    // Unicode tables) for this.
    let (head, tail) = digits.split_at_checked(3)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| format!("{head}-{tail}"))
}

/// A telephone number with its digit groups joined by hyphens: digits in
/// any width, grouped by hyphens, spaces or parentheses, a leading `+`
/// kept: `(03) 1234 5678` → `03-1234-5678`. Between 3 and 15 digits.
pub fn normalize_phone(s: &str) -> Option<String> {
    let t = fold_width(s);
    let t = t.trim();
    let (plus, body) = match t.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", t),
    };
    let mut groups: Vec<String> = vec![String::new()];
    for c in body.chars() {
        if c.is_ascii_digit() {
            if let Some(g) = groups.last_mut() {
                g.push(c);
            }
        } else if c.is_whitespace() || is_dash(c) || matches!(c, '(' | ')') {
            if groups.last().is_some_and(|g| !g.is_empty()) {
                groups.push(String::new());
            }
        } else {
            return None;
        }
    }
    groups.retain(|g| !g.is_empty());
    let count: usize = groups.iter().map(String::len).sum();
    (3..=15)
        .contains(&count)
        .then(|| format!("{plus}{}", groups.join("-")))
}

/// A reading in katakana: hiragana converted, half-width katakana made
/// full-width, spaces kept as single spaces. `None` if anything else
/// (e.g. Latin letters) is left.
pub fn normalize_katakana(s: &str) -> Option<String> {
    let folded = fold_width(s);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            let u = u32::from(c);
            let k = match u {
                // ぁ..ゖ and ゝゞ: the katakana is 0x60 further.
                0x3041..=0x3096 | 0x309D | 0x309E => char::from_u32(u + 0x60)?,
                0x30A0..=0x30FF | 0x309B | 0x309C => c,
                _ => return None,
            };
            out.push(k);
        }
    }
    Some(out)
}

/// Any text: full-width letters and digits folded, spaces trimmed.
pub fn normalize_text(s: &str) -> String {
    fold_width(s).trim().to_string()
}
