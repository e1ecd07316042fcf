//! What the sources do not confirm is marked wherever the reader sees it:
//! unconfirmed facts in texts, unconfirmed documents and information
//! items, and a dated rate confirmed only up to a day.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{answers, d};
use madoguchi_rules::{
    Eligible, Evaluation, FactValue, Facts, Outcome, Rate, StampPostage, evaluate, fact_references,
    parse_procedure, validate,
};

const PROC: &str = r#"
id = "marks"
languages = ["ja", "en"]
title = { ja = "確認", en = "Marks" }

[[steps]]
id = "go"
kind = "yes_no"
legend = { ja = "進みますか。", en = "Go on?" }
outcome = "ok"

[[steps.options]]
value = "yes"
label = { ja = "はい", en = "Yes" }

[[steps.options]]
value = "no"
label = { ja = "いいえ", en = "No" }

[[outcomes]]
id = "ok"
kind = "eligible"

[[documents]]
id = "confirmed"
text = { ja = "請求書", en = "The form" }

[[documents]]
id = "guess"
text = { ja = "印鑑登録証明書", en = "A seal-registration certificate" }
unverified = true

[[documents]]
id = "days"
text = { ja = "{fact:x.days}日以内のもの", en = "Issued within {fact:x.days} days" }

[postage]
[[postage.bands]]
id = "all"
label = { ja = "返信用", en = "Reply" }
rates = ["x.reply"]

[[info]]
id = "note"
label = { ja = "注意", en = "Note" }
text = { ja = "急ぎの希望は通らないことがあります。", en = "An urgent request may not be granted." }
unverified = true
"#;

fn facts() -> Facts {
    let mut f = Facts::new();
    f.insert_unverified("x.days", FactValue::Number(30));
    f.insert(
        "x.reply",
        FactValue::Rates(vec![
            Rate::new(d("2019-10-01"), 140),
            Rate {
                unverified: true,
                ..Rate::new(d("2024-10-01"), 180)
            },
        ]),
    );
    f.set_unverified_mark("en", " (unconfirmed)");
    f.set_unverified_mark("ja", "（未確認）");
    f
}

fn result(day: &str, lang: &str) -> Eligible {
    let p = parse_procedure(PROC).unwrap();
    assert_eq!(validate(&p, &facts(), &["ja", "en"], "ja", &[]), vec![]);
    match evaluate(&p, &facts(), &answers(&[("go", "yes")]), d(day), lang).unwrap() {
        Evaluation::Finished {
            outcome: Outcome::Eligible(e),
            ..
        } => *e,
        other => panic!("{other:?}"),
    }
}

#[test]
fn unconfirmed_documents_facts_and_information_are_marked() {
    let e = result("2026-11-26", "en");
    let docs: Vec<&str> = e.documents.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(
        docs,
        [
            "The form",
            "A seal-registration certificate (unconfirmed)",
            "Issued within 30 (unconfirmed) days",
        ]
    );
    assert_eq!(
        e.info[0].text,
        "An urgent request may not be granted. (unconfirmed)"
    );
    let ja = result("2026-11-26", "ja");
    assert_eq!(ja.documents[1].text, "印鑑登録証明書（未確認）");
}

#[test]
fn a_rate_is_unconfirmed_only_from_its_own_date() {
    let rate = |day: &str| match result(day, "en").postage.unwrap().stamps {
        StampPostage::InForce(r) => (r[0].yen, r[0].unverified),
        other => panic!("{other:?}"),
    };
    assert_eq!(rate("2024-09-30"), (140, false));
    assert_eq!(rate("2024-10-01"), (180, true));
}

#[test]
fn a_procedure_lists_the_facts_it_uses_with_their_places() {
    let p = parse_procedure(PROC).unwrap();
    let refs = fact_references(&p);
    let keys: Vec<&str> = refs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["x.days", "x.reply"]);
    let span = refs[0].1.clone().unwrap();
    assert!(PROC[span].contains("{fact:x.days}"));
}
