//! Every path of the disclosure procedure, from the table in `rows.rs`,
//! and every combination of its choices.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "disclosure_paths/rows.rs"]
mod rows;

use common::*;
use madoguchi_rules::{Answers, Evaluation, Outcome, StampPostage, Stamps, evaluate, fill_form};
use rows::*;

fn outcome_id(o: &Outcome) -> &str {
    match o {
        Outcome::Eligible(e) => &e.outcome,
        Outcome::NotEligible { outcome, .. } | Outcome::Redirect { outcome, .. } => outcome,
    }
}

fn check_row(p: &madoguchi_rules::Procedure, row: &Row, lang: &str) {
    let o = finish(p, row.answers, row.today, lang);
    assert_eq!(outcome_id(&o), row.outcome, "{}", row.name);
    let Outcome::Eligible(e) = o else {
        assert!(row.docs.is_empty() && row.stamps.is_none(), "{}", row.name);
        return;
    };
    let docs: Vec<&str> = e.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(docs, row.docs, "{}", row.name);
    assert!(
        e.documents.iter().all(|d| !d.text.is_empty()),
        "{}",
        row.name
    );
    match (&e.stamps, row.stamps) {
        (
            Some(Stamps::Computed {
                per_copy,
                copies,
                total,
                note,
                unverified,
                ..
            }),
            Some((p, c, t, n)),
        ) => {
            assert_eq!((*per_copy, *copies, *total), (p, c, t), "{}", row.name);
            assert!(!unverified, "{}", row.name);
            assert_eq!(note.is_some(), n, "{}", row.name);
            if let Some(note) = note {
                assert!(
                    note.contains(&format!("「{c}部請求」")),
                    "{}: {note}",
                    row.name
                );
            }
        }
        (got, want) => panic!("{}: stamps {got:?}, want {want:?}", row.name),
    }
    match (&e.postage, &row.post) {
        (None, Post::None) => {}
        (Some(p), Post::InForce(yen, packs)) => {
            let StampPostage::InForce(rates) = &p.stamps else {
                panic!("{}: {p:?}", row.name)
            };
            let got: Vec<i64> = rates.iter().map(|r| r.yen).collect();
            assert_eq!(&got, yen, "{}", row.name);
            let got: Vec<i64> = p.letter_packs.iter().map(|l| l.yen).collect();
            assert_eq!(got, packs, "{}", row.name);
        }
        (got, want) => panic!("{}: postage {got:?}, want {want:?}", row.name),
    }
    let answers: Answers = row
        .answers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let details = sample_details();
    let form = fill_form(p, &facts(), &answers, &details, d(row.today), lang)
        .expect("the form fills")
        .expect("the disclosure has a form");
    assert_eq!(form.name, "保有個人情報開示請求書");
    let all: Vec<&str> = form
        .sections
        .iter()
        .flat_map(|s| &s.boxes)
        .flat_map(|b| b.lines.iter().map(String::as_str))
        .collect();
    for (section, value) in row.form {
        if *section == "日付" {
            assert!(
                form.date.contains(value),
                "{}: date {}",
                row.name,
                form.date
            );
            continue;
        }
        assert!(
            form.sections
                .iter()
                .flat_map(|s| &s.boxes)
                .filter(|b| b.label.starts_with(section))
                .flat_map(|b| &b.lines)
                .any(|l| l.contains(value)),
            "{}: box {section} has no line with {value}: {all:#?}",
            row.name,
        );
    }
    for absent in row.no_form {
        assert!(
            all.iter().all(|l| !l.contains(absent)),
            "{}: {absent} should not be on the form: {all:#?}",
            row.name
        );
    }
    // The person's name is written, and no placeholder is left unfilled.
    assert!(
        all.iter().any(|l| l.contains("TANAKA Maria")),
        "{}",
        row.name
    );
    assert!(all.iter().all(|l| !l.contains('{')), "{}", row.name);
}

#[test]
fn disclosure_every_path() {
    let p = disclosure();
    for row in DISCLOSURE_ROWS {
        check_row(&p, row, "en");
        check_row(&p, row, "ja");
    }
}

/// Every combination of choices (with representative numbers) ends in an
/// outcome without error, the checklist follows the rules in FACTS, and
/// the printed form ticks exactly what the checklist lists.
#[test]
fn disclosure_every_combination_ends_in_an_outcome() {
    let p = disclosure();
    let f = facts();
    let details = sample_details();
    let mut finished = 0;
    let mut forms = 0;
    for whose in ["own", "deceased"] {
        for requester in ["self", "legal_rep", "agent", "someone_else"] {
            for represented in ["minor", "adult_ward", "neither"] {
                for parent in ["yes", "no"] {
                    for (living, method) in [
                        ("japan", "office"),
                        ("japan", "post"),
                        ("visiting", "office"),
                        ("visiting", "post"),
                        ("abroad_japanese", "post"),
                        ("abroad", "post"),
                    ] {
                        for office_kind in ["view", "copies"] {
                            for copies in ["1", "6"] {
                                for year in ["1946", "1959", "1960", "2013"] {
                                    for name in ["yes", "no"] {
                                        for (id, second) in [
                                            ("passport", "none"),
                                            ("passport", "drivers_licence"),
                                            ("residence_card", "none"),
                                            ("my_number_card", "none"),
                                            ("other", "none"),
                                        ] {
                                            for today in ["2022-03-31", "2026-12-07"] {
                                                let a = answers(&[
                                                    ("whose", whose),
                                                    ("requester", requester),
                                                    ("represented", represented),
                                                    ("parent_register", parent),
                                                    ("living", living),
                                                    ("method", method),
                                                    ("office_kind", office_kind),
                                                    ("copies", copies),
                                                    ("id_document", id),
                                                    ("second_id", second),
                                                    ("from_year", year),
                                                    ("name_changed", name),
                                                ]);
                                                let context = format!("{a:?} on {today}");
                                                let ev =
                                                    evaluate(&p, &f, &a, d(today), "en").unwrap();
                                                let Evaluation::Finished { outcome, path } = ev
                                                else {
                                                    panic!("{context} did not finish");
                                                };
                                                finished += 1;
                                                let passport_only =
                                                    id == "passport" && second == "none";
                                                let Outcome::Eligible(e) = outcome else {
                                                    // Living abroad without Japanese nationality, or
                                                    // a passport alone (counter or post), never
                                                    // reaches a checklist.
                                                    if whose != "deceased"
                                                        && matches!(requester, "self" | "agent")
                                                        && (requester == "self"
                                                            || today >= "2022-04-01")
                                                    {
                                                        assert!(
                                                            living == "abroad" || passport_only,
                                                            "{context}"
                                                        );
                                                    }
                                                    continue;
                                                };
                                                assert_ne!(living, "abroad");
                                                assert!(
                                                    !passport_only,
                                                    "{context}: a passport alone never suffices"
                                                );
                                                let post = method == "post";
                                                let docs: Vec<&str> = e
                                                    .documents
                                                    .iter()
                                                    .map(|d| d.id.as_str())
                                                    .collect();
                                                let has = |id: &str| docs.contains(&id);
                                                assert_eq!(
                                                    has("residence_certificate"),
                                                    post && living == "japan",
                                                    "{context}"
                                                );
                                                assert_eq!(
                                                    has("accommodation_certificate"),
                                                    post && living == "visiting",
                                                    "{context}"
                                                );
                                                assert_eq!(
                                                    has("embassy_certificate"),
                                                    post && living == "abroad_japanese",
                                                    "{context}"
                                                );
                                                // One identity document per kind handed in, the
                                                // passport with a second one that shows the address.
                                                let ids: Vec<&&str> = docs
                                                    .iter()
                                                    .filter(|d| d.starts_with("id_"))
                                                    .collect();
                                                let how = if post { "_post" } else { "_office" };
                                                assert!(
                                                    ids.iter().all(|d| d.ends_with(how)),
                                                    "{context}: {ids:?}"
                                                );
                                                assert_eq!(
                                                    ids.len(),
                                                    if id == "passport" { 2 } else { 1 },
                                                    "{context}: {ids:?}"
                                                );
                                                assert!(has(&format!("id_{id}{how}")), "{context}");
                                                if id == "passport" {
                                                    assert!(
                                                        has(&format!("id_{second}{how}")),
                                                        "{context}"
                                                    );
                                                }
                                                assert!(
                                                    !docs.iter().any(|d| d.contains("health")),
                                                    "{context}"
                                                );
                                                assert_eq!(
                                                    has("power_of_attorney_extra"),
                                                    requester == "agent"
                                                );
                                                assert_eq!(has("name_change_proof"), name == "yes");
                                                assert_eq!(
                                                    has("power_of_attorney"),
                                                    requester == "agent"
                                                );
                                                assert!(
                                                    requester != "agent" || today >= "2022-04-01"
                                                );
                                                let minor = requester == "legal_rep"
                                                    && represented == "minor";
                                                assert_eq!(
                                                    has("authority_minor_koseki"),
                                                    minor && parent == "yes",
                                                    "{context}"
                                                );
                                                assert_eq!(
                                                    has("authority_minor_juminhyo"),
                                                    minor && parent == "no",
                                                    "{context}"
                                                );
                                                assert_eq!(
                                                    path.contains(&"copies".to_string()),
                                                    method == "post" || office_kind == "copies"
                                                );
                                                assert_eq!(e.postage.is_some(), post);
                                                assert_eq!(
                                                    e.info.iter().any(|i| i.id == "no_same_day"),
                                                    method == "office"
                                                );
                                                assert_eq!(
                                                    e.info.iter().any(|i| i.id == "year_early"),
                                                    year == "1946"
                                                );
                                                assert_eq!(
                                                    e.info.iter().any(|i| i.id == "year_late"),
                                                    year == "2013"
                                                );
                                                assert_eq!(
                                                    e.info.iter().any(|i| i.id == "many_copies"),
                                                    copies == "6"
                                                        && path.contains(&"copies".to_string())
                                                );
                                                assert_eq!(
                                                    e.info
                                                        .iter()
                                                        .any(|i| i.id == "abroad_japanese"),
                                                    living == "abroad_japanese"
                                                );
                                                // The form: ticks from the checklist, and the
                                                // principal's details on a representative's path.
                                                if name == "yes"
                                                    || requester != "self"
                                                    || copies == "6"
                                                {
                                                    let form = fill_form(
                                                        &p,
                                                        &f,
                                                        &a,
                                                        &details,
                                                        d(today),
                                                        "en",
                                                    )
                                                    .unwrap()
                                                    .unwrap();
                                                    assert_ticks_match_checklist(
                                                        &p, &form, &docs, &context,
                                                    );
                                                    forms += 1;
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(finished > 0 && forms > 0);
}
