//! Property tests: fee arithmetic, dated postage, and no panics on any input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use madoguchi_rules::{
    AnswerErrorKind, Date, EvalError, Evaluation, FactValue, Outcome, StampPostage, Stamps,
    evaluate, format_wareki, japanese_era, next_step, parse_procedure, parse_year, validate,
};
use proptest::prelude::*;

const THIRD: &str = include_str!("fixtures/third_procedure.toml");

fn post_answers(copies: &str, year: &str) -> Vec<(&'static str, String)> {
    vec![
        ("whose", "own".into()),
        ("requester", "self".into()),
        ("living", "japan".into()),
        ("method", "post".into()),
        ("copies", copies.into()),
        ("id_document", "passport".into()),
        ("second_id", "residence_card".into()),
        ("from_year", year.into()),
        ("name_changed", "no".into()),
    ]
}

fn run(a: &[(&'static str, String)], facts: &madoguchi_rules::Facts, today: Date) -> Outcome {
    let a: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
    match evaluate(&disclosure(), facts, &answers(&a), today, "en").unwrap() {
        Evaluation::Finished { outcome, .. } => outcome,
        other => panic!("{other:?}"),
    }
}

/// Any valid date in 2019-10-01 ..= 2030-12-31.
fn date_around_2024() -> impl Strategy<Value = Date> {
    (2019i32..=2030, 1u32..=12, 1u32..=31)
        .prop_filter_map("valid date", |(y, m, d)| Date::new(y, m, d))
        .prop_filter("in force", |d| *d >= Date::new(2019, 10, 1).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Stamp total = fee per copy × copies, over the whole allowed range and
    /// for any fee figure; the multi-copy note appears from two copies.
    #[test]
    fn stamp_total_is_fee_times_copies(copies in 1i64..=100, fee in 0i64..=1_000_000) {
        let mut f = facts();
        f.insert("disclosure.handling_fee", FactValue::Yen(fee));
        let o = run(&post_answers(&copies.to_string(), "1970"), &f, d("2026-11-25"));
        let Outcome::Eligible(e) = o else { panic!() };
        let Some(Stamps::Computed { per_copy, copies: c, total, note, .. }) = e.stamps else { panic!() };
        prop_assert_eq!(per_copy, fee);
        prop_assert_eq!(c, copies);
        prop_assert_eq!(total, fee * copies);
        prop_assert_eq!(note.is_some(), copies >= 2);
        if let Some(note) = note {
            let expected = format!("「{copies}部請求」");
            prop_assert!(note.contains(&expected));
        }
    }

    /// Copies outside the range are refused with the range in the error.
    #[test]
    fn copies_outside_the_range_are_refused(copies in prop_oneof![i64::MIN..1i64, 101i64..=i64::MAX]) {
        let a: Vec<(&str, String)> = post_answers(&copies.to_string(), "1970");
        let a: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = evaluate(&disclosure(), &facts(), &answers(&a), d("2026-11-25"), "en").unwrap_err();
        let EvalError::Answer(err) = err else { panic!() };
        prop_assert_eq!(err.step, "copies");
        prop_assert_eq!(err.kind, AnswerErrorKind::OutOfRange { given: copies, min: 1, max: 100 });
    }

    /// The reply postage is the rate in force on the day, for any day
    /// around the 2024-10-01 change, for every band of the records' year.
    #[test]
    fn postage_uses_the_rate_in_force(today in date_around_2024(), year in 1947i32..=2012) {
        let o = run(&post_answers("1", &year.to_string()), &facts(), today);
        let Outcome::Eligible(e) = o else { panic!() };
        let p = e.postage.unwrap();
        let after = today >= d("2024-10-01");
        let packs: Vec<i64> = p.letter_packs.iter().map(|l| l.yen).collect();
        prop_assert_eq!(packs, if after { vec![600, 430] } else { vec![520, 370] });
        let band = p.band.unwrap();
        if year >= 1960 {
            prop_assert_eq!(band.id, "standard");
            let StampPostage::InForce(rates) = p.stamps else { panic!() };
            let yen: Vec<i64> = rates.iter().map(|r| r.yen).collect();
            prop_assert_eq!(yen, vec![if after { 110 } else { 94 }]);
        } else {
            prop_assert_eq!(band.id, "older");
            // Dated rates: 140/210 until 2024-09-30, 180/270 (unverified) from 2024-10-01.
            let StampPostage::InForce(rates) = p.stamps else { panic!() };
            let yen: Vec<i64> = rates.iter().map(|r| r.yen).collect();
            prop_assert_eq!(yen, if after { vec![180, 270] } else { vec![140, 210] });
        }
    }

    /// Any year from the Meiji era on reads the same in every form people
    /// type: Western digits of either width, with or without 年, and the
    /// era year (name or initial, 元年 for the first).
    #[test]
    fn a_year_reads_the_same_in_every_form(y in 1873i32..=2100) {
        let full: String = y.to_string().chars().map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap()).collect();
        for typed in [y.to_string(), format!("{y}年"), format!("{full}年"), format!(" {y} ")] {
            prop_assert_eq!(parse_year(&typed), Ok(y), "{}", typed);
        }
        // The era of the year's last day names the year unambiguously.
        let (era, n) = japanese_era(Date::new(y, 12, 31).unwrap()).unwrap();
        let initial = match era { "令和" => "R", "平成" => "H", "昭和" => "S", "大正" => "T", _ => "M" };
        let year_word = if n == 1 { "元".to_string() } else { n.to_string() };
        for typed in [format!("{era}{year_word}年"), format!("{era}{n}"), format!("{initial}{n}"), format!("{}{n}年", initial.to_lowercase())] {
            prop_assert_eq!(parse_year(&typed), Ok(y), "{}", typed);
        }
    }

    /// The voluntary-agent rule switches exactly on 2022-04-01.
    #[test]
    fn voluntary_agent_dated_rule(
        today in (2015i32..=2030, 1u32..=12, 1u32..=31).prop_filter_map("date", |(y, m, d)| Date::new(y, m, d))
    ) {
        let o = run(&[("whose", "own".into()), ("requester", "agent".into()),
            ("living", "japan".into()), ("method", "office".into()), ("office_kind", "view".into()),
            ("id_document", "passport".into()), ("second_id", "drivers_licence".into()),
            ("from_year", "1990".into()),
            ("name_changed", "no".into())], &facts(), today);
        let accepted = matches!(o, Outcome::Eligible(_));
        prop_assert_eq!(accepted, today >= d("2022-04-01"));
    }

    /// Arbitrary answers (random strings and numbers for random steps,
    /// known or not) never make evaluation panic.
    #[test]
    fn evaluate_never_panics(
        which in 0usize..3,
        entries in proptest::collection::vec((0usize..16, any_answer()), 0..14),
        extra in proptest::collection::btree_map(".{0,8}", ".{0,12}", 0..3),
        y in 1i32..=9999, m in 1u32..=12, day in 1u32..=28,
        lang in prop_oneof![Just("ja".to_string()), Just("en".to_string()), Just("ko".to_string()), ".{0,3}"],
    ) {
        let p = match which {
            0 => disclosure(),
            1 => deceased(),
            _ => parse_procedure(THIRD).unwrap(),
        };
        let ids: Vec<String> = p.steps.iter().map(|s| s.get_ref().id.get_ref().clone()).collect();
        let mut a = extra;
        for (i, v) in entries {
            let key = ids.get(i % (ids.len() + 2)).cloned().unwrap_or_else(|| "nonexistent".into());
            a.insert(key, v);
        }
        let today = Date::new(y, m, day).unwrap();
        let _ = evaluate(&p, &facts(), &a, today, &lang);
        let _ = next_step(&p, &facts(), &a, today);
        // Details: any text in any detail, known or not.
        let detail_ids: Vec<String> = p.details.iter().map(|d| d.get_ref().id.get_ref().clone()).collect();
        let details: madoguchi_rules::Details = a
            .values()
            .enumerate()
            .map(|(i, v)| {
                let key = detail_ids.get(i % (detail_ids.len() + 1)).cloned().unwrap_or_else(|| "nonexistent".into());
                (key, v.clone())
            })
            .collect();
        let _ = madoguchi_rules::check_details(&p, &facts(), &a, &details, today);
        let _ = madoguchi_rules::fill_form(&p, &facts(), &a, &details, today, &lang);
        let _ = madoguchi_rules::blank_form(&p, &facts(), &lang);
    }

    /// Valid answers for every step of every procedure always reach an
    /// outcome or ask a next question, never an error.
    #[test]
    fn option_answers_never_error(picks in proptest::collection::vec(0usize..8, 12), today in date_around_2024()) {
        for p in [disclosure(), deceased()] {
            let mut a = answers(&[]);
            for pick in &picks {
                let Some(step) = next_step(&p, &facts(), &a, today).unwrap() else { break };
                let s = p.step(&step).unwrap();
                let value = if s.options.is_empty() {
                    let min = s.min.as_ref().map_or(1, |m| *m.get_ref());
                    let max = s.max.as_ref().map_or(1, |m| *m.get_ref());
                    (min + (*pick as i64) % (max - min + 1)).to_string()
                } else {
                    s.options[pick % s.options.len()].get_ref().value.get_ref().clone()
                };
                a.insert(step, value);
            }
            prop_assert!(evaluate(&p, &facts(), &a, today, "en").is_ok());
        }
    }

    /// Parsing and validating mangled procedure text never panics.
    #[test]
    fn parse_and_validate_never_panic(cut in 0usize..4000, insert in ".{0,6}", which in 0usize..3) {
        let src = [DISCLOSURE, DECEASED, THIRD][which];
        let mut cut = cut.min(src.len());
        while !src.is_char_boundary(cut) { cut -= 1; }
        let text = format!("{}{}{}", &src[..cut], insert, &src[cut..]);
        if let Ok(p) = parse_procedure(&text) {
            let _ = validate(&p, &facts(), LANGS, "ja", KNOWN);
            let _ = evaluate(&p, &facts(), &answers(&[]), d("2026-11-25"), "en");
        }
        let _ = parse_procedure(&src[..cut]);
    }

    /// Date parsing never panics and round-trips valid dates.
    #[test]
    fn date_parse_round_trips(s in ".{0,12}", y in 1i32..=9999, m in 1u32..=12, day in 1u32..=31) {
        let _ = Date::parse(&s);
        if let Some(date) = Date::new(y, m, day) {
            prop_assert_eq!(Date::parse(&date.iso()), Some(date));
            if let Some((_, era_year)) = japanese_era(date) {
                prop_assert!(era_year >= 1);
                prop_assert!(format_wareki(date).is_some());
            }
        }
    }
}

fn any_answer() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,20}",
        any::<i64>().prop_map(|n| n.to_string()),
        (1900i64..2100).prop_map(|n| n.to_string()),
        (0i32..10000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        Just(String::new()),
        Just("own".to_string()),
        Just("agent".to_string()),
        Just("post".to_string()),
        Just("yes".to_string()),
    ]
}
