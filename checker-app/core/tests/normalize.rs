//! Forgiving input: the normalizers, by example and by property (any
//! full-width variant of a valid input is accepted and read the same).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use madoguchi_rules::{
    Date, DetailErrorKind, Details, check_details, fill_form, fold_width, missing_details,
    normalize_detail, normalize_katakana, normalize_phone, normalize_postcode, parse_date,
    parse_number,
};
use proptest::prelude::*;

/// The full-width form of every ASCII character that has one.
fn to_full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

#[test]
fn width_fold_is_the_nfkc_an_ime_needs() {
    assert_eq!(fold_width("ＫＩＭ　ＭＩＮＳＵ　１２３"), "KIM MINSU 123");
    assert_eq!(fold_width("ｷﾑ ﾐﾝｽ"), "キム ミンス");
    assert_eq!(fold_width("ｶﾞｯｺｳ ﾊﾟﾝ ｳﾞｨ ﾎﾞ"), "ガッコウ パン ヴィ ボ");
    assert_eq!(
        fold_width("ﾞｱﾟ"),
        "゛ア゜",
        "a mark with nothing to voice stays a mark"
    );
    assert_eq!(
        fold_width("東京都新宿区"),
        "東京都新宿区",
        "kanji untouched"
    );
}

#[test]
fn numbers_in_any_width() {
    assert_eq!(parse_number("１２"), Some(12));
    assert_eq!(parse_number(" 1965 "), Some(1965));
    assert_eq!(parse_number("１９６５"), Some(1965));
    for bad in ["", "two", "1.5", "1 2", "--1"] {
        assert_eq!(parse_number(bad), None, "{bad:?}");
    }
}

#[test]
fn dates_as_people_write_them() {
    let d = |s: &str| Date::parse(s).unwrap();
    for (typed, iso) in [
        ("1950-03-04", "1950-03-04"),
        ("1950/03/04", "1950-03-04"),
        ("1950-3-4", "1950-03-04"),
        ("1950/3/4", "1950-03-04"),
        ("1950.3.4", "1950-03-04"),
        ("1950年3月4日", "1950-03-04"),
        ("１９５０／３／４", "1950-03-04"),
        ("令和8年11月26日", "2026-11-26"),
        ("令和８年１１月２６日", "2026-11-26"),
        ("令和元年5月1日", "2019-05-01"),
        ("平成31年4月30日", "2019-04-30"),
        ("昭和25年3月4日", "1950-03-04"),
        ("昭和 25年 3月 4日", "1950-03-04"),
        ("昭和64年1月7日", "1989-01-07"),
        ("平成元年1月8日", "1989-01-08"),
        ("大正15年12月24日", "1926-12-24"),
        ("S25.3.4", "1950-03-04"),
        ("h1/1/8", "1989-01-08"),
        ("R8-11-26", "2026-11-26"),
    ] {
        assert_eq!(parse_date(typed), Some(d(iso)), "{typed}");
    }
    for bad in [
        "2023-02-30",
        "1950-13-01",
        "50-3-4",
        "1950/3",
        "1950/3/4/5",
        "平成31年5月1日",
        "昭和64年1月8日",
        "令和0年1月1日",
        "X25.3.4",
        "yesterday",
        "",
    ] {
        assert_eq!(parse_date(bad), None, "{bad:?}");
    }
}

#[test]
fn postcodes_and_phones_with_or_without_hyphens() {
    for typed in [
        "160-0004",
        "1600004",
        "１６０－０００４",
        "〒160-0004",
        "160ー0004",
        "160 0004",
    ] {
        assert_eq!(
            normalize_postcode(typed).as_deref(),
            Some("160-0004"),
            "{typed}"
        );
    }
    for bad in ["16-00004", "160-000", "ABC-DEFG", "160--0004"] {
        assert_eq!(normalize_postcode(bad), None, "{bad}");
    }
    for (typed, canonical) in [
        ("03-1234-5678", "03-1234-5678"),
        ("03 1234 5678", "03-1234-5678"),
        ("(03) 1234-5678", "03-1234-5678"),
        ("０３（１２３４）５６７８", "03-1234-5678"),
        ("0312345678", "0312345678"),
        ("+81 3 1234 5678", "+81-3-1234-5678"),
    ] {
        assert_eq!(
            normalize_phone(typed).as_deref(),
            Some(canonical),
            "{typed}"
        );
    }
    for bad in ["12", "call me", "03-1234-5678 ext", "1234567890123456"] {
        assert_eq!(normalize_phone(bad), None, "{bad}");
    }
}

#[test]
fn katakana_reading_from_hiragana_or_half_width() {
    assert_eq!(
        normalize_katakana("きむ みんす").as_deref(),
        Some("キム ミンス")
    );
    assert_eq!(
        normalize_katakana("ｷﾑ　ﾐﾝｽ").as_deref(),
        Some("キム ミンス")
    );
    assert_eq!(
        normalize_katakana("キム　ミンス").as_deref(),
        Some("キム ミンス")
    );
    assert_eq!(
        normalize_katakana("がっこう・ゔ").as_deref(),
        Some("ガッコウ・ヴ")
    );
    assert_eq!(normalize_katakana("kim"), None, "romaji is not a reading");
}

/// The real disclosure procedure: the result needs no detail, and
/// whatever is typed is read forgivingly onto the form.
#[test]
fn details_are_optional_and_read_forgivingly() {
    let p = disclosure();
    let f = facts();
    let a = answers(&[
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "１"),
        ("id_document", "residence_card"),
        ("from_year", "１９７５"),
        ("name_changed", "no"),
    ]);
    let today = d("2026-11-25");
    assert!(
        matches!(
            madoguchi_rules::evaluate(&p, &f, &a, today, "en").unwrap(),
            madoguchi_rules::Evaluation::Finished {
                outcome: madoguchi_rules::Outcome::Eligible(_),
                ..
            }
        ),
        "a whole path, typed in full-width digits"
    );
    let none = Details::new();
    assert_eq!(check_details(&p, &f, &a, &none, today).unwrap(), []);
    let missing: Vec<&str> = missing_details(&p, &f, &a, &none, today)
        .unwrap()
        .iter()
        .map(|d| d.id.get_ref().as_str())
        .collect();
    assert!(
        missing.contains(&"name_latin") && !missing.contains(&"name_kanji"),
        "{missing:?}"
    );
    let blank = fill_form(&p, &f, &a, &none, today, "en").unwrap().unwrap();
    let text = blank
        .sections
        .iter()
        .flat_map(|s| &s.boxes)
        .flat_map(|b| b.lines.clone())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("生年月日：　　　　年　　月　　日"),
        "an empty date prints as blanks:\n{text}"
    );

    let typed: Details = [
        ("name_latin", "ＫＩＭ ＭＩＮＳＵ"),
        ("name_kana", "きむ みんす"),
        ("birth_date", "昭和２５年３月４日"),
        ("postcode", "１６００００４"),
        ("phone", "(03) 1234 5678"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(check_details(&p, &f, &a, &typed, today).unwrap(), []);
    let form = fill_form(&p, &f, &a, &typed, today, "en").unwrap().unwrap();
    assert_eq!(form.lines("氏名"), ["KIM MINSU"]);
    assert_eq!(form.lines("フリガナ"), ["キム ミンス"]);
    assert_eq!(form.lines("電話番号"), ["03-1234-5678"]);
    assert!(form.lines("住所又は居所")[0].starts_with("〒160-0004"));
    let record = form.lines("1 開示を請求する保有個人情報").join("\n");
    assert!(
        record.contains("生年月日：昭和25年3月4日（1950年3月4日）"),
        "{record}"
    );

    let bad: Details = [("name_kana", "kim"), ("birth_date", "1950-02-30")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let kinds: Vec<DetailErrorKind> = check_details(&p, &f, &a, &bad, today)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [DetailErrorKind::NotKatakana, DetailErrorKind::NotADate]
    );
}

/// A choice detail (sex) and a suggested text detail (nationality) print
/// their Japanese form whatever language they were chosen in; any other
/// nationality is printed as typed.
#[test]
fn choices_and_suggestions_print_in_japanese() {
    // An English page's procedure carries the English labels too (site-gen
    // adds them from the en catalog): what the reader types may be either.
    let p = disclosure();
    let sex = p.detail("sex").unwrap();
    let nationality = p.detail("nationality").unwrap();
    assert_eq!(normalize_detail(sex, "male").as_deref(), Ok("male"));
    assert_eq!(normalize_detail(sex, "Ｍａｌｅ").as_deref(), Ok("male"));
    assert_eq!(normalize_detail(sex, "男"), Ok("male".to_string()));
    assert_eq!(
        normalize_detail(sex, "yes"),
        Err(DetailErrorKind::NotAnOption)
    );
    assert_eq!(
        normalize_detail(nationality, "South Korea").as_deref(),
        Ok("kr")
    );
    assert_eq!(normalize_detail(nationality, "韓国").as_deref(), Ok("kr"));
    assert_eq!(
        normalize_detail(nationality, "Atlantis").as_deref(),
        Ok("Atlantis")
    );
    let a = answers(&[
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "residence_card"),
        ("from_year", "1975"),
        ("name_changed", "no"),
    ]);
    let typed: Details = [("sex", "Male"), ("nationality", "south korea")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let form = fill_form(&p, &facts(), &a, &typed, d("2026-11-25"), "en")
        .unwrap()
        .unwrap();
    let record = form.lines("1 開示を請求する保有個人情報").join("\n");
    assert!(
        record.contains("国籍：韓国") && record.contains("性別：男"),
        "{record}"
    );
}

fn valid_date() -> impl Strategy<Value = Date> {
    (1873i32..=2099, 1u32..=12, 1u32..=31)
        .prop_filter_map("real day", |(y, m, d)| Date::new(y, m, d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any full-width variant of a valid date, in any of the accepted
    /// Gregorian layouts, is read as that date.
    #[test]
    fn full_width_dates_read_the_same(date in valid_date(), layout in 0usize..4, widths in proptest::collection::vec(any::<bool>(), 12)) {
        let (y, m, d) = (date.year(), date.month(), date.day());
        let typed = match layout {
            0 => date.iso(),
            1 => format!("{y}/{m}/{d}"),
            2 => format!("{y}-{m}-{d}"),
            _ => format!("{y}年{m}月{d}日"),
        };
        let mixed: String = typed.chars().zip(widths.iter().cycle()).map(|(c, &w)| if w { to_full_width(&c.to_string()) } else { c.to_string() }).collect();
        prop_assert_eq!(parse_date(&mixed), Some(date));
        // The era form of the same day reads back too.
        if let Some(wareki) = madoguchi_rules::format_wareki(date) {
            prop_assert_eq!(parse_date(&to_full_width(&wareki)), Some(date));
            prop_assert_eq!(parse_date(&wareki), Some(date));
        }
    }

    /// Any full-width variant of a postcode or phone number is accepted and
    /// printed in the canonical form of its ASCII original.
    #[test]
    fn full_width_postcodes_and_phones(a in 0u32..1000, b in 0u32..10000, hyphen in any::<bool>(), area in 1u32..100, local in 1000u32..10000, line in 1000u32..10000) {
        let post = if hyphen { format!("{a:03}-{b:04}") } else { format!("{a:03}{b:04}") };
        let canonical = format!("{a:03}-{b:04}");
        prop_assert_eq!(normalize_postcode(&post), Some(canonical.clone()));
        prop_assert_eq!(normalize_postcode(&to_full_width(&post)), Some(canonical));
        let phone = format!("0{area}-{local}-{line}");
        prop_assert_eq!(normalize_phone(&to_full_width(&phone)), Some(phone.clone()));
        let spaced = format!("(0{area}) {local} {line}");
        prop_assert_eq!(normalize_phone(&to_full_width(&spaced)), Some(phone));
    }

    /// Any full-width variant of a number is read as that number.
    #[test]
    fn full_width_numbers(n in 0i64..100_000) {
        prop_assert_eq!(parse_number(&to_full_width(&n.to_string())), Some(n));
    }

    /// Hiragana reads as the katakana 0x60 above it; half-width katakana as
    /// its full-width form.
    #[test]
    fn hiragana_reads_as_katakana(s in "[ぁ-ゖ]{1,12}") {
        let expected: String = s.chars().map(|c| char::from_u32(u32::from(c) + 0x60).unwrap()).collect();
        prop_assert_eq!(normalize_katakana(&s), Some(expected));
    }

    /// No input makes a normalizer panic.
    #[test]
    fn normalizers_never_panic(s in "\\PC{0,24}") {
        let _ = fold_width(&s);
        let _ = parse_date(&s);
        let _ = parse_number(&s);
        let _ = normalize_postcode(&s);
        let _ = normalize_phone(&s);
        let _ = normalize_katakana(&s);
    }
}

/// A year as people type it (issue: a Japanese phone keyboard turns
/// 1975ねん into １９７５年, which was refused as "not a number").
#[test]
fn a_year_is_read_in_every_form_people_type() {
    use madoguchi_rules::{YearProblem, parse_year};
    for (typed, year) in [
        ("1975", 1975),
        ("１９７５", 1975),
        ("１９７５年", 1975),
        ("1975年", 1975),
        (" 1975 年 ", 1975),
        ("1975年頃", 1975),
        ("1975ごろ", 1975),
        ("昭和50年", 1975),
        ("昭和50", 1975),
        ("昭和５０年", 1975),
        ("S50", 1975),
        ("s50", 1975),
        ("Ｓ５０", 1975),
        ("平成元年", 1989),
        ("平成1年", 1989),
        ("H1", 1989),
        ("昭和64年", 1989),
        ("令和8年", 2026),
        ("R8", 2026),
        ("大正15年", 1926),
    ] {
        assert_eq!(parse_year(typed), Ok(year), "{typed}");
    }
    for typed in [
        "",
        "年",
        "75",
        "19750",
        "abc",
        "1975.5",
        "昭和",
        "昭和五十年",
        "Showa 50",
    ] {
        assert_eq!(parse_year(typed), Err(YearProblem::NotAYear), "{typed}");
    }
    // An era year its era did not have says which years it had.
    assert_eq!(
        parse_year("昭和70年"),
        Err(YearProblem::OutsideEra {
            era: "昭和",
            last: Some(64)
        })
    );
    assert_eq!(
        parse_year("H32"),
        Err(YearProblem::OutsideEra {
            era: "平成",
            last: Some(31)
        })
    );
    assert_eq!(
        parse_year("令和0年"),
        Err(YearProblem::OutsideEra {
            era: "令和",
            last: None
        })
    );
}

/// A number with the counter people type after it.
#[test]
fn a_number_may_carry_its_counter() {
    assert_eq!(parse_number("2部"), Some(2));
    assert_eq!(parse_number("２部"), Some(2));
    assert_eq!(parse_number("3 通"), Some(3));
    assert_eq!(parse_number("部"), None);
    assert_eq!(parse_number("2部部"), None);
}
