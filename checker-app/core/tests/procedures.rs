//! The two real procedures (content/procedures/*.toml): valid, every path
//! of the deceased one, the question walk and typed errors. The disclosure
//! paths are in `disclosure_paths.rs`, the source check's in `source_check.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "disclosure_paths/rows.rs"]
mod rows;

use common::*;
use madoguchi_rules::{
    AnswerError, AnswerErrorKind, EvalError, Evaluation, Outcome, StampPostage, Stamps, evaluate,
    fill_form, next_step, validate,
};
use rows::DISCLOSURE_ROWS;

#[test]
fn real_procedures_are_valid() {
    assert_eq!(
        validate(&disclosure(), &facts(), LANGS, "ja", KNOWN),
        vec![]
    );
    assert_eq!(validate(&deceased(), &facts(), LANGS, "ja", KNOWN), vec![]);
    assert_eq!(disclosure().redirect_targets(), vec!["deceased"]);
    assert_eq!(deceased().redirect_targets(), vec!["disclosure"]);
}

#[test]
fn deceased_every_path() {
    let p = deceased();
    for relationship in ["lived_with", "spouse", "ascendant", "descendant", "sibling"] {
        for requester in ["self", "legal_rep", "agent"] {
            for (today, yen) in [("2024-09-30", 94), ("2026-11-25", 110)] {
                // A legal representative acts for a minor (or an adult ward).
                let o = finish(
                    &p,
                    &[
                        ("relationship", relationship),
                        ("requester", requester),
                        ("represented", "minor"),
                    ],
                    today,
                    "en",
                );
                let Outcome::Eligible(e) = o else {
                    panic!("{relationship}/{requester}: {o:?}")
                };
                let docs: Vec<&str> = e.documents.iter().map(|d| d.id.as_str()).collect();
                let mut want = vec![
                    "form",
                    "id_copy",
                    "residence_certificate",
                    "death_and_relationship",
                    "reply_envelope",
                ];
                match requester {
                    "legal_rep" => want.push("authority"),
                    "agent" => want.push("power_of_attorney"),
                    _ => {}
                }
                assert_eq!(docs, want);
                // The fee is unverified: a text, never a number, and the
                // reader is told it is unconfirmed.
                assert_eq!(
                    e.stamps,
                    Some(Stamps::Unconfirmed {
                        text: "not stated in the sources (no revenue stamp is listed among the enclosures) (unconfirmed)".into()
                    })
                );
                let post = e.postage.expect("postage");
                assert_eq!(
                    post.stamps,
                    StampPostage::InForce(vec![madoguchi_rules::PostageRate {
                        fact: "postage.reply_standard".into(),
                        yen,
                        from: if yen == 94 {
                            d("2019-10-01")
                        } else {
                            d("2024-10-01")
                        },
                        unverified: false,
                    }])
                );
                // The filled request: the relationship and requester boxes
                // ticked, the deceased's dates in the era calendar.
                let a = answers(&[
                    ("relationship", relationship),
                    ("requester", requester),
                    ("represented", "minor"),
                ]);
                let form = fill_form(&p, &facts(), &a, &sample_details(), d(today), "en")
                    .unwrap()
                    .unwrap();
                let relation = form.lines("2 死亡の当時における関係").join("");
                assert_eq!(relation.matches('☑').count(), 1, "{relation}");
                let ticked = match relationship {
                    "lived_with" => "☑同居の親族",
                    "spouse" => "☑配偶者",
                    "ascendant" => "☑直系尊属",
                    "descendant" => "☑直系卑属",
                    _ => "☑兄弟姉妹",
                };
                assert!(relation.contains(ticked), "{relation}");
                let who = form.lines("3 請求者の区分");
                assert_eq!(
                    who.len(),
                    if requester == "self" { 1 } else { 2 },
                    "{who:?}"
                );
                assert_eq!(who[0].matches('☑').count(), 1);
                assert!(
                    form.lines("1 死亡した外国人")
                        .contains(&"死亡年月日：令和2年3月4日（2020年3月4日）")
                );
                assert_eq!(form.lines("請求者の氏名"), ["TANAKA Maria"]);
                assert!(
                    form.sections
                        .iter()
                        .flat_map(|s| &s.boxes)
                        .all(|b| !b.stamp)
                );
            }
        }
    }
    let o = finish(
        &p,
        &[("relationship", "own_information")],
        "2026-11-25",
        "en",
    );
    assert!(
        matches!(&o, Outcome::Redirect { procedure, outcome, .. } if procedure == "disclosure" && outcome == "to_disclosure")
    );
    let o = finish(&p, &[("relationship", "other")], "2026-11-25", "ja");
    let Outcome::NotEligible { outcome, reason } = o else {
        panic!()
    };
    assert_eq!(outcome, "not_entitled");
    assert!(reason.contains("同居"));
}

#[test]
fn refusal_reasons_are_in_the_requested_language() {
    let p = disclosure();
    let a = &[("whose", "own"), ("requester", "agent")];
    let Outcome::NotEligible { reason, .. } = finish(&p, a, "2022-03-31", "en") else {
        panic!()
    };
    assert!(reason.starts_with("Before 2022-04-01"), "{reason}");
    let Outcome::NotEligible { reason, .. } = finish(&p, a, "2022-03-31", "ja") else {
        panic!()
    };
    assert!(
        reason.starts_with("2022年4月1日（未確認）より前"),
        "{reason}"
    );
    // An unknown language falls back to the default (ja).
    let Outcome::NotEligible { reason, .. } = finish(&p, a, "2022-03-31", "ko") else {
        panic!()
    };
    assert!(
        reason.starts_with("2022年4月1日（未確認）より前"),
        "{reason}"
    );
}

#[test]
fn documents_use_fact_values() {
    let p = disclosure();
    let o = finish(&p, DISCLOSURE_ROWS[3].answers, "2026-11-25", "en");
    let Outcome::Eligible(e) = o else { panic!() };
    let rc = e
        .documents
        .iter()
        .find(|d| d.id == "residence_certificate")
        .unwrap();
    assert!(rc.text.contains("within the last 30 days"), "{}", rc.text);
    let timing = e.info.iter().find(|i| i.id == "timing").unwrap();
    assert!(timing.text.contains("within 30 days"));
    let envelope = e.info.iter().find(|i| i.id == "envelope").unwrap();
    assert!(envelope.text.starts_with("〒160-0004"));
    assert!(e.info.iter().all(|i| i.id != "only_own_information"));
}

#[test]
fn next_step_walks_the_questions() {
    let p = disclosure();
    let f = facts();
    let today = d("2026-11-25");
    let mut a = answers(&[]);
    let mut asked = Vec::new();
    let script = [
        ("whose", "own"),
        ("requester", "legal_rep"),
        ("represented", "minor"),
        ("parent_register", "no"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "2"),
        ("id_document", "passport"),
        ("second_id", "residence_card"),
        ("from_year", "1970"),
        ("name_changed", "no"),
    ];
    for (step, value) in script {
        let next = next_step(&p, &f, &a, today).unwrap();
        assert_eq!(next.as_deref(), Some(step));
        asked.push(step);
        a.insert(step.into(), value.into());
    }
    assert_eq!(next_step(&p, &f, &a, today).unwrap(), None);
    let Evaluation::Finished { path, .. } = evaluate(&p, &f, &a, today, "en").unwrap() else {
        panic!()
    };
    assert_eq!(path, asked);
}

#[test]
fn answers_off_the_path_are_ignored() {
    // The user went back and changed `requester` to self: the old
    // `represented` answer must not add authority documents.
    let p = disclosure();
    let mut a: Vec<(&str, &str)> = DISCLOSURE_ROWS[0].answers.to_vec();
    a.push(("represented", "minor"));
    a.push(("copies", "4"));
    let Outcome::Eligible(e) = finish(&p, &a, "2026-11-25", "en") else {
        panic!()
    };
    assert!(e.documents.iter().all(|d| d.id != "authority_minor"));
    assert!(matches!(
        e.stamps,
        Some(Stamps::Computed {
            copies: 1,
            total: 300,
            ..
        })
    ));
    let form = fill_form(
        &p,
        &facts(),
        &answers(&a),
        &sample_details(),
        d("2026-11-25"),
        "en",
    )
    .unwrap()
    .unwrap();
    let lines = form.lines("4 本人確認等").join("\n");
    assert!(
        !lines.contains("☑未成年者") && !lines.contains("本人の氏名"),
        "{lines}"
    );
    assert!(!form.lines("3 手数料").join("").contains("部請求"));
}

#[test]
fn invalid_answers_are_typed_errors() {
    let p = disclosure();
    let f = facts();
    let today = d("2026-11-25");
    let base = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "passport"),
        ("second_id", "drivers_licence"),
        ("from_year", "1970"),
        ("name_changed", "no"),
    ];
    let cases: &[(&str, &str, AnswerErrorKind)] = &[
        (
            "whose",
            "cousin",
            AnswerErrorKind::NotAnOption {
                given: "cousin".into(),
            },
        ),
        (
            "copies",
            "0",
            AnswerErrorKind::OutOfRange {
                given: 0,
                min: 1,
                max: 100,
            },
        ),
        (
            "copies",
            "101",
            AnswerErrorKind::OutOfRange {
                given: 101,
                min: 1,
                max: 100,
            },
        ),
        (
            "copies",
            "two",
            AnswerErrorKind::NotANumber {
                given: "two".into(),
            },
        ),
        (
            "copies",
            "99999999999999999999",
            AnswerErrorKind::NotANumber {
                given: "99999999999999999999".into(),
            },
        ),
        (
            "from_year",
            "1899",
            AnswerErrorKind::OutOfRange {
                given: 1899,
                min: 1900,
                max: 2100,
            },
        ),
        (
            "from_year",
            "75",
            AnswerErrorKind::NotAYear { given: "75".into() },
        ),
        (
            "from_year",
            "昭和70年",
            AnswerErrorKind::OutsideEra {
                era: "昭和".into(),
                last: Some(64),
            },
        ),
        (
            "name_changed",
            "maybe",
            AnswerErrorKind::NotAnOption {
                given: "maybe".into(),
            },
        ),
    ];
    for (step, value, kind) in cases {
        let mut a = answers(&base);
        a.insert(step.to_string(), value.to_string());
        let err = evaluate(&p, &f, &a, today, "en").unwrap_err();
        assert_eq!(
            err,
            EvalError::Answer(AnswerError {
                step: step.to_string(),
                kind: kind.clone()
            })
        );
        assert!(err.to_string().contains(step));
        assert_eq!(next_step(&p, &f, &a, today).unwrap_err(), err);
    }
}
