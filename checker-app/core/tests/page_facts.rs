//! What a checker page carries of the facts (`Facts::for_page`) and of its
//! procedure (`Procedure::for_page`): only the facts the procedure uses,
//! each text in the page's language (and Japanese where the form or a
//! fallback needs it, and option labels whole), and nothing left out changes a thing the reader
//! sees: every path of both real procedures evaluates, fills its form and
//! asks its details alike with the page's data and with all of it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{d, deceased, disclosure, facts, sample_details};
use madoguchi_rules::{
    Answers, Evaluation, FactValue, Facts, Procedure, StepKind, blank_form, canonical_answer,
    evaluate, fill_form, fill_text, next_step, texts_mut,
};

/// The site's facts with each text also in Korean (a language the pages
/// below are not in), and date formats and unverified marks for three
/// languages.
fn all_facts() -> Facts {
    let mut all = facts();
    for fact in all.facts.values_mut() {
        if let FactValue::Text(t) = &mut fact.value {
            let ja = t["ja"].clone();
            t.insert("ko".into(), format!("KO {ja}"));
        }
    }
    for (lang, pattern) in [
        ("en", "{day} {month_name} {year}"),
        ("ja", "{year}年{month}月{day}日"),
        ("ko", "{year}년 {month}월 {day}일"),
    ] {
        all.set_date_format(lang, pattern, Vec::new());
        all.set_unverified_mark(lang, format!(" ({lang}?)"));
    }
    all
}

/// Answers to try for a step: each option, or a few values of its kind
/// (those the step refuses are left out).
fn candidates(p: &Procedure, step_id: &str) -> Vec<String> {
    let step = p.step(step_id).unwrap();
    let values: Vec<String> = match step.kind.get_ref() {
        StepKind::Choice | StepKind::YesNo => step
            .options
            .iter()
            .map(|o| o.get_ref().value.get_ref().clone())
            .collect(),
        StepKind::Number => ["1", "6"].map(String::from).to_vec(),
        StepKind::Year => ["1946", "1959", "1960", "2013"].map(String::from).to_vec(),
        StepKind::Date => ["1950-03-04", "2012-07-08", "2024-10-01"]
            .map(String::from)
            .to_vec(),
        StepKind::Text => vec!["x".to_string()],
    };
    values
        .into_iter()
        .filter_map(|v| canonical_answer(step, &v).ok())
        .collect()
}

/// Every finished set of answers of `p` on `today` (depth first).
fn every_path(p: &Procedure, facts: &Facts, today: &str) -> Vec<Answers> {
    let mut done = Vec::new();
    let mut todo = vec![Answers::new()];
    while let Some(answers) = todo.pop() {
        match next_step(p, facts, &answers, d(today)).unwrap() {
            None => done.push(answers),
            Some(step) => {
                for value in candidates(p, &step) {
                    let mut next = answers.clone();
                    next.insert(step.clone(), value);
                    todo.push(next);
                }
            }
        }
    }
    done
}

/// Every text of `p` as a reader of `lang` is shown it outside a result.
fn texts(p: &Procedure, facts: &Facts, lang: &str) -> Vec<String> {
    let mut copy = p.clone();
    let mut out = Vec::new();
    texts_mut(&mut copy, |_, t| {
        out.push(fill_text(p, facts, t.get_ref(), lang));
    });
    out
}

#[test]
fn a_page_carries_only_the_facts_its_procedure_uses_in_its_languages() {
    let all = all_facts();
    let page = all.for_page(&disclosure(), "en");
    assert!(page.get("disclosure.handling_fee").is_some());
    assert!(page.get("office.address").is_some());
    // The other procedure's fee is not the disclosure page's.
    assert!(page.get("deceased.handling_fee").is_none());
    assert!(all.get("deceased.handling_fee").is_some());
    for (key, fact) in &page.facts {
        if let FactValue::Text(t) = &fact.value {
            let langs: Vec<&str> = t.keys().map(String::as_str).collect();
            assert_eq!(langs, ["en", "ja"], "{key}");
        }
    }
    let formats: Vec<&str> = page
        .date_formats
        .iter()
        .map(|(l, _, _)| l.as_str())
        .collect();
    assert_eq!(formats, ["en", "ja"]);
    assert!(!page.unverified_marks.contains_key("ko"));
    // The procedure's texts: the page's language where translated, else
    // Japanese; option labels whole (the form prints their Japanese).
    let p = disclosure().for_page("en");
    let whose = p.step("whose").unwrap();
    assert_eq!(whose.legend.get_ref().keys().collect::<Vec<_>>(), ["en"]);
    let own = whose.options[0].get_ref();
    assert_eq!(own.label.get_ref().keys().collect::<Vec<_>>(), ["en", "ja"]);
    let ko = disclosure().for_page("ko");
    assert_eq!(
        ko.step("whose")
            .unwrap()
            .legend
            .get_ref()
            .keys()
            .collect::<Vec<_>>(),
        ["ja"]
    );
    // A Japanese page: Japanese only.
    let ja = all.for_page(&deceased(), "ja");
    assert!(ja.get("deceased.handling_fee").is_some());
    assert!(ja.get("disclosure.handling_fee").is_none());
    for fact in ja.facts.values() {
        if let FactValue::Text(t) = &fact.value {
            assert_eq!(t.keys().collect::<Vec<_>>(), ["ja"]);
        }
    }
}

#[test]
fn every_path_reads_the_same_with_the_pages_data() {
    let all = all_facts();
    let details = sample_details();
    let mut paths = 0;
    for p in [disclosure(), deceased()] {
        // English: translated; Korean: not (texts and facts fall back to
        // Japanese, also shown with Korean facts in the site's facts).
        for lang in ["en", "ja", "ko"] {
            let page = all.for_page(&p, lang);
            let page_p = p.for_page(lang);
            assert_eq!(texts(&page_p, &page, lang), texts(&p, &all, lang));
            assert_eq!(
                blank_form(&page_p, &page, lang).unwrap(),
                blank_form(&p, &all, lang).unwrap()
            );
            // Every path in the translated language and the untranslated
            // one (each page prints the Japanese form too): ~8,800 paths a
            // day and procedure, ~10 s in a debug build.
            if lang == "ja" {
                continue;
            }
            let days: &[&str] = if lang == "en" {
                &["2022-03-31", "2026-12-07"]
            } else {
                &["2026-12-07"]
            };
            for &today in days {
                let today_d = d(today);
                for answers in every_path(&p, &all, today) {
                    paths += 1;
                    let with = |p: &Procedure, f: &Facts| {
                        let evaluation = evaluate(p, f, &answers, today_d, lang).unwrap();
                        assert!(matches!(evaluation, Evaluation::Finished { .. }));
                        // The form shows the details asked, too.
                        (
                            evaluation,
                            fill_form(p, f, &answers, &details, today_d, lang).unwrap(),
                        )
                    };
                    assert_eq!(
                        with(&page_p, &page),
                        with(&p, &all),
                        "{lang} {today} {answers:?}"
                    );
                }
            }
        }
    }
    assert!(paths > 100, "only {paths} paths");
}
