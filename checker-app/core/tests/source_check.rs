//! Paths changed by the source check of 2026-11-26 (FACTS section 4): each
//! a reader's situation, walked to its checklist, stamps and form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use madoguchi_rules::{Eligible, Outcome, StampPostage, Stamps, fill_form, next_step};

const TODAY: &str = "2026-11-26";

fn eligible(
    p: &madoguchi_rules::Procedure,
    a: &[(&str, &str)],
    today: &str,
    lang: &str,
) -> Eligible {
    match finish(p, a, today, lang) {
        Outcome::Eligible(e) => *e,
        other => panic!("{a:?}: {other:?}"),
    }
}

fn doc<'a>(e: &'a Eligible, id: &str) -> &'a str {
    &e.documents
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no document {id}: {:?}", e.documents))
        .text
}

fn info<'a>(e: &'a Eligible, id: &str) -> &'a str {
    &e.info
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no info {id}: {:?}", e.info))
        .text
}

/// A reader who lives abroad, has no Japanese nationality and is not in
/// Japan gets no checklist but the two routes that work: a request during
/// a stay in Japan (a hotel's accommodation certificate), or a voluntary
/// agent in Japan.
#[test]
fn living_abroad_gets_the_two_routes() {
    let p = disclosure();
    for requester in ["self", "agent"] {
        let a = [
            ("whose", "own"),
            ("requester", requester),
            ("living", "abroad"),
        ];
        let Outcome::NotEligible { outcome, reason } = finish(&p, &a, TODAY, "ja") else {
            panic!("{a:?}")
        };
        assert_eq!(outcome, "abroad");
        for s in [
            "案内に書かれていません",
            "日本に滞在している間",
            "宿泊証明書",
            "旅券しかない場合は先に出入国在留管理庁に問い合わせて",
            "任意代理人",
            "2022年4月1日",
        ] {
            assert!(reason.contains(s), "{s} in {reason}");
        }
        // Every language gets a reason (its own or the Japanese).
        let Outcome::NotEligible { reason, .. } = finish(&p, &a, TODAY, "en") else {
            panic!()
        };
        assert!(!reason.is_empty());
    }
    // Staying in Japan, by post: the accommodation certificate replaces the
    // residence certificate, and the reader is told a short stay may not be
    // long enough and that the ID must show the same address.
    let a = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "visiting"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "residence_card"),
        ("from_year", "1990"),
        ("name_changed", "no"),
    ];
    let e = eligible(&p, &a, TODAY, "ja");
    assert!(e.documents.iter().all(|d| d.id != "residence_certificate"));
    assert!(doc(&e, "accommodation_certificate").contains("宿泊証明書の原本"));
    assert!(doc(&e, "accommodation_certificate").contains("30日以内"));
    let visiting = info(&e, "visiting");
    assert!(visiting.contains("1か月ほど"), "{visiting}");
    assert!(
        visiting.contains("希望に添えないこともあります"),
        "{visiting}"
    );
    assert!(visiting.contains("本人確認書類にも同じ住所"), "{visiting}");
}

/// A Japanese national abroad (e.g. a naturalized former registrant) may
/// use an embassy's 在留証明書: the checker does not turn them away, lists
/// the certificate, says where the copy goes is unconfirmed and points to
/// the office, and asks for no Japanese postcode or "Japanese address".
#[test]
fn japanese_national_abroad_with_an_embassy_certificate() {
    let p = disclosure();
    let f = facts();
    let a = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "abroad_japanese"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "drivers_licence"),
        ("from_year", "1985"),
        ("name_changed", "yes"),
    ];
    let e = eligible(&p, &a, TODAY, "ja");
    let cert = doc(&e, "embassy_certificate");
    assert!(cert.contains("在外公館"), "{cert}");
    assert!(cert.contains("在留証明書の原本"), "{cert}");
    assert!(cert.contains("確認できていない"), "{cert}");
    assert!(cert.contains("出入国在留管理庁に確認"), "{cert}");
    assert!(e.documents.iter().all(|d| d.id != "residence_certificate"));
    assert!(info(&e, "abroad_japanese").contains("問い合わせて"));
    let asked: Vec<String> = madoguchi_rules::details_asked(&p, &f, &answers(&a), d(TODAY))
        .unwrap()
        .into_iter()
        .map(|d| d.id.get_ref().clone())
        .collect();
    assert!(asked.contains(&"address".to_string()), "{asked:?}");
    assert!(!asked.contains(&"postcode".to_string()), "{asked:?}");
    for d in madoguchi_rules::details_asked(&p, &f, &answers(&a), d(TODAY)).unwrap() {
        let label = d.label.get_ref().get("ja").unwrap();
        assert!(!label.contains("日本の住所"), "{label}");
    }
}

/// A visitor with only a passport and a hotel's certificate cannot meet
/// the same-address rule at the counter either: not offered the counter as
/// a cure, told to ask the office first.
#[test]
fn visitor_with_a_passport_at_the_counter() {
    let p = disclosure();
    let f = facts();
    let today = d(TODAY);
    let mut a = answers(&[
        ("whose", "own"),
        ("requester", "self"),
        ("living", "visiting"),
        ("method", "office"),
        ("office_kind", "view"),
        ("id_document", "passport"),
    ]);
    // At the counter too, a passport needs a second document.
    assert_eq!(
        next_step(&p, &f, &a, today).unwrap().as_deref(),
        Some("second_id")
    );
    a.insert("second_id".into(), "none".into());
    let pairs: Vec<(&str, &str)> = a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let Outcome::NotEligible { outcome, reason } = finish(&p, &pairs, TODAY, "ja") else {
        panic!()
    };
    assert_eq!(outcome, "passport_only");
    for s in [
        "窓口でも郵送でも",
        "旅券と宿泊証明書しかない場合も同じです",
        "請求する前に出入国在留管理庁に問い合わせてください",
    ] {
        assert!(reason.contains(s), "{s} in {reason}");
    }
    assert!(!reason.contains("窓口で請求してください"), "{reason}");
}

/// A passport plus a second identity document: both listed, and box 4イ of
/// the form ticks both (by post and at the counter).
#[test]
fn passport_plus_a_second_id_ticks_both() {
    let p = disclosure();
    let f = facts();
    for (method, how) in [("post", "post"), ("office", "office")] {
        let mut a = vec![
            ("whose", "own"),
            ("requester", "self"),
            ("living", "japan"),
            ("method", method),
            ("id_document", "passport"),
            ("second_id", "residence_card"),
            ("from_year", "1990"),
            ("name_changed", "no"),
        ];
        if method == "post" {
            a.push(("copies", "1"));
        } else {
            a.push(("office_kind", "view"));
        }
        let e = eligible(&p, &a, TODAY, "ja");
        assert!(
            doc(&e, &format!("id_passport_{how}")).contains("住所が書かれた本人確認書類も必要")
        );
        assert!(doc(&e, &format!("id_residence_card_{how}")).contains("同じ住所"));
        let form = fill_form(&p, &f, &answers(&a), &sample_details(), d(TODAY), "ja")
            .unwrap()
            .unwrap();
        let line = form
            .lines("4 本人確認等")
            .into_iter()
            .find(|l| l.starts_with("イ"))
            .unwrap()
            .to_string();
        assert!(line.contains("☑旅券"), "{line}");
        assert!(line.contains("☑在留カード・特別永住者証明書"), "{line}");
        assert!(line.contains("☐運転免許証"), "{line}");
        assert!(line.contains("☐健康保険被保険者証"), "{line}");
    }
}

/// The My Number card: only its front is copied (the back shows the
/// Individual Number), marked unconfirmed with a pointer to the office; no
/// expired health insurance card is offered.
#[test]
fn my_number_card_front_only_and_no_health_insurance_card() {
    let p = disclosure();
    let a = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "my_number_card"),
        ("from_year", "1990"),
        ("name_changed", "no"),
    ];
    let e = eligible(&p, &a, TODAY, "ja");
    let card = doc(&e, "id_my_number_card_post");
    assert!(card.contains("表だけのコピー"), "{card}");
    assert!(card.contains("裏には個人番号"), "{card}");
    assert!(!card.contains("表と裏"), "{card}");
    assert!(card.ends_with("（未確認）"), "{card}");
    // No option offers the health insurance card; the question says why.
    let step = p.step("id_document").unwrap();
    assert!(step.option("health_insurance").is_none());
    let hint =
        madoguchi_rules::fill_text(&p, &facts(), step.hint.as_ref().unwrap().get_ref(), "ja");
    assert!(
        hint.contains("2025年12月1日までにすべて有効期限が切れた"),
        "{hint}"
    );
    // No document anywhere tells a reader to copy both sides of a My
    // Number card.
    for d in &p.documents {
        let t = d.get_ref().text.get_ref().get("ja").unwrap();
        assert!(
            !(t.contains("マイナンバーカード") && t.contains("表と裏")),
            "{t}"
        );
    }
}

/// A changed name: the requester's row carries the current name (as on the
/// identity document), section 1 the registered one, and the form ticks
/// nothing the checklist does not list.
#[test]
fn changed_name_on_the_form() {
    let p = disclosure();
    let f = facts();
    let a = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "residence_card"),
        ("from_year", "1990"),
        ("name_changed", "yes"),
    ];
    let form = fill_form(&p, &f, &answers(&a), &sample_details(), d(TODAY), "ja")
        .unwrap()
        .unwrap();
    assert_eq!(form.lines("氏名"), ["SUZUKI Maria"]);
    assert_eq!(form.lines("フリガナ"), ["スズキ マリア"]);
    let record = form.lines("1 開示を請求する保有個人情報");
    assert!(record.contains(&"氏名：TANAKA Maria　"), "{record:?}");
    assert!(record.contains(&"フリガナ：タナカ マリア"), "{record:?}");
    // The same name, and the registered name is the requester's.
    let mut same = a.to_vec();
    same.retain(|(k, _)| *k != "name_changed");
    same.push(("name_changed", "no"));
    let form = fill_form(&p, &f, &answers(&same), &sample_details(), d(TODAY), "ja")
        .unwrap()
        .unwrap();
    assert_eq!(form.lines("氏名"), ["TANAKA Maria"]);
    // On an agent's path the person's address is theirs (any country), not
    // the return address, and the requester's row is the agent's.
    let mut agent = a.to_vec();
    agent.retain(|(k, _)| *k != "requester");
    agent.push(("requester", "agent"));
    let form = fill_form(&p, &f, &answers(&agent), &sample_details(), d(TODAY), "ja")
        .unwrap()
        .unwrap();
    assert_eq!(form.lines("氏名"), ["SATO Ken"]);
    assert_eq!(
        form.lines("住所又は居所"),
        ["〒150-0001　東京都渋谷区神宮前1-1-1"]
    );
    assert!(
        form.lines("4 本人確認等")
            .contains(&"　本人の氏名：SUZUKI Maria　本人の住所：大阪府大阪市北区1-1"),
        "{:?}",
        form.lines("4 本人確認等")
    );
}

/// At the office nothing is shown or handed over on the day of the request.
#[test]
fn office_visit_says_nothing_is_disclosed_that_day() {
    let p = disclosure();
    let a = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "office"),
        ("office_kind", "view"),
        ("id_document", "residence_card"),
        ("from_year", "1980"),
        ("name_changed", "no"),
    ];
    let e = eligible(&p, &a, TODAY, "ja");
    assert!(
        info(&e, "no_same_day")
            .contains("その日に原票を見たり写しを受け取ったりすることはできません")
    );
    assert!(doc(&e, "id_residence_card_office").contains("窓口で見せます"));
    assert!(e.postage.is_none());
    // Viewing costs the fee too.
    let Some(Stamps::Computed { total, text, .. }) = &e.stamps else {
        panic!("{:?}", e.stamps)
    };
    assert_eq!(*total, 300);
    let text = text.as_deref().unwrap_or_default();
    assert!(text.contains("閲覧だけの場合も"), "{text}");
    assert!(text.contains("収入証紙"), "{text}");
    assert!(!text.contains("収入印紙"), "{text}");
    // The hours are the counter's and the telephone's.
    assert!(info(&e, "hours").starts_with("窓口・電話とも"));
}

/// A voluntary agent: the agency's form, made within 30 days, the original,
/// plus one of two further documents; where the form is published.
#[test]
fn voluntary_agent_documents() {
    let p = disclosure();
    let a = [
        ("whose", "own"),
        ("requester", "agent"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "residence_card"),
        ("from_year", "1990"),
        ("name_changed", "no"),
    ];
    let e = eligible(&p, &a, TODAY, "en");
    let poa = doc(&e, "power_of_attorney");
    for s in [
        "original power of attorney",
        "agency's own form",
        "within the last 30 days",
        "photocopy is refused",
    ] {
        assert!(poa.contains(s), "{s} in {poa}");
    }
    let extra = doc(&e, "power_of_attorney_extra");
    assert!(extra.contains("印鑑登録証明書"), "{extra}");
    assert!(
        extra.contains("a copy of the person's own identity document"),
        "{extra}"
    );
    // The two extra documents are not confirmed by the agency's text.
    assert!(extra.ends_with(" (unconfirmed)"), "{extra}");
    assert!(!poa.contains("unconfirmed"), "{poa}");
    assert!(
        info(&e, "power_of_attorney_form")
            .contains("https://www.moj.go.jp/isa/publications/privacy/identification.html")
    );
    assert!(
        info(&e, "forms").contains("https://www.moj.go.jp/isa/publications/privacy/foreigner.html")
    );
    let e = eligible(&p, &a, TODAY, "ja");
    assert!(doc(&e, "power_of_attorney").contains("出入国在留管理庁の様式"));
    assert!(doc(&e, "power_of_attorney").contains("作成から30日以内"));
    assert!(doc(&e, "power_of_attorney_extra").ends_with("（未確認）"));
}

/// The deceased procedure by post: the residence certificate (the copy goes
/// to its address) is enclosed, no revenue stamp is listed, no Letter Pack
/// priced, one term for the proof of death, and a legal representative may
/// act only for a minor or an adult ward.
#[test]
fn deceased_by_post_lists_the_residence_certificate_and_no_stamp() {
    let p = deceased();
    let f = facts();
    let a = [("relationship", "descendant"), ("requester", "self")];
    let e = eligible(&p, &a, TODAY, "ja");
    let rc = doc(&e, "residence_certificate");
    assert!(rc.contains("住民票の写し等"), "{rc}");
    assert!(rc.contains("この書類に書かれた住所に送られます"), "{rc}");
    assert!(e.documents.iter().all(|d| !d.text.contains("収入印紙")));
    let Some(Stamps::Unconfirmed { text }) = &e.stamps else {
        panic!("{:?}", e.stamps)
    };
    assert!(text.contains("収入印紙はありません"), "{text}");
    let death = doc(&e, "death_and_relationship");
    assert!(death.contains("死亡届の記載事項証明書"), "{death}");
    assert!(death.ends_with("（未確認）"), "{death}");
    assert!(!death.contains("死亡証明書"), "{death}");
    let post = e.postage.as_ref().unwrap();
    assert!(post.letter_packs.is_empty(), "{:?}", post.letter_packs);
    // The form's attachments are the checklist's.
    let form = fill_form(&p, &f, &answers(&a), &sample_details(), d(TODAY), "ja")
        .unwrap()
        .unwrap();
    let docs: Vec<&str> = e.documents.iter().map(|d| d.id.as_str()).collect();
    assert_ticks_match_checklist(&p, &form, &docs, "deceased, self");

    let rep = [
        ("relationship", "descendant"),
        ("requester", "legal_rep"),
        ("represented", "neither"),
    ];
    let Outcome::NotEligible { outcome, reason } = finish(&p, &rep, TODAY, "ja") else {
        panic!()
    };
    assert_eq!(outcome, "no_legal_rep");
    assert!(reason.contains("未成年者か成年被後見人"), "{reason}");
    for who in ["minor", "adult_ward"] {
        let a = [
            ("relationship", "descendant"),
            ("requester", "legal_rep"),
            ("represented", who),
        ];
        let e = eligible(&p, &a, TODAY, "en");
        assert!(e.documents.iter().any(|d| d.id == "authority"));
        let form = fill_form(&p, &f, &answers(&a), &sample_details(), d(TODAY), "ja")
            .unwrap()
            .unwrap();
        let docs: Vec<&str> = e.documents.iter().map(|d| d.id.as_str()).collect();
        assert_ticks_match_checklist(&p, &form, &docs, who);
    }
}

/// Records starting in 1959 or earlier: 180 / 270 yen from 2024-10-01
/// (dated rates from unverified facts), 140 / 210 yen the day before.
#[test]
fn older_records_postage_is_dated() {
    let p = disclosure();
    let a = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "residence_card"),
        ("from_year", "1955"),
        ("name_changed", "no"),
    ];
    for (today, want) in [(TODAY, [180, 270]), ("2024-09-30", [140, 210])] {
        let e = eligible(&p, &a, today, "en");
        let post = e.postage.expect("postage");
        assert_eq!(post.band.expect("band").id, "older");
        let StampPostage::InForce(rates) = &post.stamps else {
            panic!("{today}: {:?}", post.stamps)
        };
        let yen: Vec<i64> = rates.iter().map(|r| r.yen).collect();
        assert_eq!(yen, want, "{today}");
        // From 2024-10-01 the figures are unconfirmed; before, they were the
        // agency's own.
        assert!(
            rates.iter().all(|r| r.unverified == (today == TODAY)),
            "{today}: {rates:?}"
        );
    }
}
