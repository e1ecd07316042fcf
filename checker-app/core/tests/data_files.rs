//! The data files (content/data/*.toml) read by the core's own parser: the
//! real ones feed every rules test (`common::facts`), and the format's
//! problems are reported with their place.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use madoguchi_rules::{
    DataChecks, Evaluation, FactValue, Facts, Outcome, Stamps, evaluate, parse_data_file,
};

const NO_CHECKS: DataChecks<'static> = DataChecks {
    url: &|_| None,
    text: &|_| None,
};

/// The real data files parse without a problem, and the rules tests get
/// every table of every file: the same count as a plain TOML read finds.
#[test]
fn the_rules_tests_get_every_fact_of_content_data() {
    let (facts, problems) = data_facts();
    assert_eq!(problems, &Vec::<String>::new());
    let mut tables = 0;
    for entry in std::fs::read_dir(data_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") && !path.ends_with("glossary.toml") {
            let table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            for (name, value) in table {
                tables += 1;
                let key = format!("{stem}.{name}");
                let fact = facts.get(&key).unwrap_or_else(|| panic!("{key} missing"));
                if let Some(yen) = value.get("yen").and_then(toml::Value::as_integer) {
                    assert_eq!(fact.fact.value, FactValue::Yen(yen), "{key}");
                }
                assert!(!fact.sources.is_empty(), "{key} has no source");
            }
        }
    }
    assert_eq!(facts.len(), tables);
    assert!(facts.contains_key("disclosure.handling_fee"));
}

/// A changed fee in the data file changes what the checker computes: the
/// rules tests see the file, not a copy of its figures.
#[test]
fn a_fee_changed_in_the_data_file_changes_the_stamps() {
    let path = data_dir().join("disclosure.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let stamps = |text: &str| {
        let (parsed, problems) =
            parse_data_file(text, "disclosure", LANGS, "ja", &NO_CHECKS).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let mut all = data_facts().0.clone();
        all.extend(parsed);
        let answers = answers(&[
            ("whose", "own"),
            ("requester", "self"),
            ("living", "japan"),
            ("method", "office"),
            ("office_kind", "view"),
            ("id_document", "residence_card"),
            ("from_year", "1965"),
            ("name_changed", "no"),
        ]);
        let facts = Facts::of(&all);
        match evaluate(&disclosure(), &facts, &answers, d("2026-11-25"), "en") {
            Ok(Evaluation::Finished {
                outcome: Outcome::Eligible(e),
                ..
            }) => match e.stamps {
                Some(Stamps::Computed { per_copy, .. }) => per_copy,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    let FactValue::Yen(fee) = facts().get("disclosure.handling_fee").unwrap().value else {
        panic!("handling_fee is not in yen");
    };
    assert_eq!(stamps(&text), fee);
    let start = text.find("[handling_fee]").unwrap();
    let at = start + text[start..].find(&format!("yen = {fee}")).unwrap();
    let changed = format!(
        "{}yen = {}{}",
        &text[..at],
        fee + 150,
        &text[at + format!("yen = {fee}").len()..]
    );
    assert_eq!(stamps(&changed), fee + 150);
}

fn problems(text: &str) -> Vec<(String, &'static str, String)> {
    let checks = DataChecks {
        url: &|u: &str| (!u.starts_with("https://")).then(|| format!("`{u}` is not https")),
        text: &|t: &str| t.trim().is_empty().then(|| "no visible text".to_string()),
    };
    match parse_data_file(text, "x", &["ja", "en"], "ja", &checks) {
        Ok((_, problems)) => problems
            .into_iter()
            .map(|p| {
                let span = p.span.unwrap();
                (p.message, p.label, text[span].to_string())
            })
            .collect(),
        Err(p) => vec![(p.message, p.label, String::new())],
    }
}

#[test]
fn data_file_problems_name_the_fact_and_point_at_it() {
    const SRC: &str =
        "sources = [{ title = \"t\", url = \"https://e.org/\" }]\nchecked = 2026-01-01\n";
    let case = |body: &str| problems(&format!("[f]\n{body}\n{SRC}"));
    assert_eq!(case("yen = 300"), vec![]);
    let got = case("yen = -1");
    assert_eq!(
        (got[0].0.as_str(), got[0].1, got[0].2.as_str()),
        (
            "fact `x.f`: -1 yen is not a plausible amount",
            "this amount",
            "-1"
        )
    );
    assert_eq!(case("text = { ja = \"あ\" }"), vec![]);
    let got = case("text = { en = \"a\", fr = \"a\" }");
    let messages: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        messages,
        [
            "fact `x.f` has no `ja` text",
            "fact `x.f` has text for unknown language `fr`"
        ]
    );
    assert!(
        got.iter()
            .all(|p| p.1 == "this fact" && p.2.starts_with("[f]"))
    );
    assert_eq!(
        case("text = { ja = \" \", en = \"a\" }")[0].0,
        "fact `x.f`: its `ja` text has no visible text"
    );
    assert_eq!(
        case("yen = 1\nnumber = 2")[0].0,
        "fact `x.f` has 2 values, expected exactly one"
    );
    assert_eq!(
        case("rates = [{ from = 2024-10-01, yen = 1 }, { from = 2024-10-01, yen = 2 }]")[0].0,
        "fact `x.f` needs at least one rate and distinct `from` dates"
    );
    let got = problems(
        "[f]\nyen = 1\nsources = [{ title = \"\", url = \"http://e.org/\" }]\nchecked = 2026-01-01\n",
    );
    let messages: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        messages,
        [
            "fact `x.f`: source `http://e.org/` is not https",
            "fact `x.f`: a source has no title"
        ]
    );
    let got = problems("[f]\nyen = 1\nsources = []\nchecked = 0000-02-03\n");
    assert!(
        got[0].0.starts_with("invalid TOML: ") && got[0].0.contains("expected a real date"),
        "{got:?}"
    );
}
