//! Server-side renders of each checker screen, on the real disclosure
//! procedure with the site's facts and interface strings.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use checker_app::{AppProps, CheckerData, Prepared, render};
use madoguchi_rules as rules;

fn strings(lang: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(format!(
        "{}/../content/i18n/{lang}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let value: toml::Table = toml::from_str(&text).unwrap();
    value["strings"]
        .as_table()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("checker_"))
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn facts() -> Vec<checker_app::FactDto> {
    let d = |s: &str| rules::Date::parse(s).unwrap();
    let mut f = rules::Facts::new();
    f.insert("disclosure.handling_fee", rules::FactValue::Yen(300));
    f.insert(
        "disclosure.voluntary_agent_from",
        rules::FactValue::Date(d("2022-04-01")),
    );
    f.insert(
        "disclosure.residence_certificate_days",
        rules::FactValue::Number(30),
    );
    f.insert("disclosure.decision_days", rules::FactValue::Number(30));
    f.insert(
        "disclosure.authority_document_days",
        rules::FactValue::Number(30),
    );
    f.insert(
        "disclosure.abolition_date",
        rules::FactValue::Date(d("2012-07-09")),
    );
    f.insert(
        "postage.rate_change",
        rules::FactValue::Date(d("2024-10-01")),
    );
    f.insert(
        "postage.period_boundary",
        rules::FactValue::Date(d("1960-01-01")),
    );
    let rates = |v: &[(&str, i64)]| {
        rules::FactValue::Rates(
            v.iter()
                .map(|(s, y)| rules::Rate {
                    from: d(s),
                    yen: *y,
                })
                .collect(),
        )
    };
    f.insert(
        "postage.reply_standard",
        rates(&[("2019-10-01", 94), ("2024-10-01", 110)]),
    );
    f.insert("postage.reply_older_low", rates(&[("2019-10-01", 140)]));
    f.insert("postage.reply_older_high", rates(&[("2019-10-01", 210)]));
    f.insert(
        "postage.letter_pack_plus",
        rates(&[("2019-10-01", 520), ("2024-10-01", 600)]),
    );
    f.insert(
        "postage.letter_pack_light",
        rates(&[("2019-10-01", 370), ("2024-10-01", 430)]),
    );
    for key in [
        "office.name",
        "office.address",
        "office.phone",
        "office.hours",
        "office.envelope",
    ] {
        f.insert(
            key,
            rules::FactValue::Text(BTreeMap::from([
                ("ja".to_string(), format!("{key} ja")),
                ("en".to_string(), format!("{key} en")),
            ])),
        );
    }
    checker_app::FactDto::from_core(&f)
}

fn disclosure() -> rules::Procedure {
    rules::parse_procedure(
        &std::fs::read_to_string(format!(
            "{}/../content/procedures/disclosure.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap()
}

fn render_with(lang: &str, answers: &[(&str, &str)], details: &[(&str, &str)]) -> String {
    let procedure = disclosure();
    let encoded = Prepared::new(CheckerData {
        lang: lang.into(),
        strings: strings(lang),
        thousands_separator: ",".into(),
        money_format: if lang == "ja" {
            "{amount}円".into()
        } else {
            "¥{amount}".into()
        },
        procedure,
        facts: facts(),
    })
    .unwrap()
    .encoded
    .clone();
    // As in the browser: from the text the page carries.
    let data = Prepared::decode(&encoded).unwrap();
    render(AppProps {
        data,
        today: rules::Date::parse("2026-11-25"),
        answers: answers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        details: details
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    })
}

const POST_TWO_COPIES: &[(&str, &str)] = &[
    ("whose", "own"),
    ("requester", "self"),
    ("method", "post"),
    ("copies", "2"),
    ("id_document", "residence_card"),
    ("from_year", "1965"),
    ("name_changed", "no"),
];

const DETAILS: &[(&str, &str)] = &[
    ("name_latin", "KIM MINSU"),
    ("name_kana", "キム ミンス"),
    ("nationality", "韓国"),
    ("birth_date", "1950-03-04"),
    ("sex", "男"),
    ("postcode", "160-0004"),
    ("address", "東京都新宿区四谷1-6-1"),
    ("phone", "03-1234-5678"),
];

#[test]
fn first_question_in_each_language() {
    let en = render_with("en", &[], &[]);
    assert!(
        en.contains("Whose alien registration record is it?"),
        "{en}"
    );
    assert!(en.contains(">Continue</button>"));
    assert!(!en.contains("back-link"), "no Back on the first screen");
    let ja = render_with("ja", &[], &[]);
    assert!(ja.contains("どなたの外国人登録原票ですか。"));
    assert!(ja.contains(">次へ</button>"));
}

#[test]
fn a_later_question_has_back_and_keeps_the_legend_as_heading() {
    let html = render_with("en", &[("whose", "own")], &[]);
    assert!(
        html.contains(
            "id=\"checker-heading\" class=\"question-heading\">Who is making the request?</h2>"
        ),
        "{html}"
    );
    assert!(html.contains(">Back</button>"));
}

#[test]
fn details_screen_asks_for_the_form_fields() {
    let html = render_with("en", POST_TWO_COPIES, &[]);
    assert!(html.contains("Details for the request form"), "{html}");
    assert!(
        html.contains("<label for=\"d-name_kana\" class=\"label\">Reading of the name in katakana")
    );
    assert!(
        !html.contains("d-representative_name"),
        "no representative fields for the person"
    );
}

#[test]
fn check_your_answers_lists_answers_with_change_links() {
    let html = render_with("en", POST_TWO_COPIES, DETAILS);
    assert!(html.contains("Check your answers"), "{html}");
    assert!(
        html.contains("<dd>By post</dd>") || html.contains("post"),
        "{html}"
    );
    assert!(
        html.matches(">Change<span class=\"visually-hidden\">")
            .count()
            >= 7
    );
}

#[test]
fn results_of_refusals_and_redirections_need_no_details() {
    let refused = render_with(
        "en",
        &[
            ("whose", "own"),
            ("requester", "legal_rep"),
            ("represented", "neither"),
        ],
        &[],
    );
    assert!(
        refused.contains("You cannot make this request this way"),
        "{refused}"
    );
    assert!(refused.contains("panel-stop") && !refused.contains("jp-form"));
    let redirect = render_with("ja", &[("whose", "deceased")], &[]);
    assert!(redirect.contains("別の手続になります"), "{redirect}");
    assert!(redirect.contains("href=\"../deceased/\""));
}

#[test]
fn invalid_kept_answers_never_crash() {
    let html = render_with("en", &[("whose", "nonsense"), ("copies", "-5")], &[]);
    assert!(
        html.contains("Whose alien registration record is it?"),
        "{html}"
    );
}

#[test]
fn the_filled_form_has_era_dates_stamps_and_two_copies_note() {
    let procedure = rules::parse_procedure(
        &std::fs::read_to_string(format!(
            "{}/../content/procedures/disclosure.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let today = rules::Date::parse("2026-11-25").unwrap();
    let answers: rules::Answers = POST_TWO_COPIES
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let all_facts = {
        let html_facts = facts();
        let data = Prepared::new(CheckerData {
            lang: "en".into(),
            strings: strings("en"),
            money_format: "¥{amount}".into(),
            thousands_separator: ",".into(),
            procedure: disclosure(),
            facts: html_facts,
        })
        .unwrap();
        data.facts.clone()
    };
    let Ok(rules::Evaluation::Finished {
        outcome: rules::Outcome::Eligible(e),
        ..
    }) = rules::evaluate(&procedure, &all_facts, &answers, today, "en")
    else {
        panic!("the answers should be eligible");
    };
    let form = e.form.clone().unwrap();
    let props = checker_app::form::FormProps {
        form,
        details: DETAILS
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        today: Some(today),
    };
    let html = futures::executor::block_on(
        yew::LocalServerRenderer::<checker_app::form::RequestForm>::with_props(props).render(),
    );
    for expected in [
        "保有個人情報開示請求書",
        "令和8年11月25日（2026年11月25日）",
        "昭和25年3月4日（1950年3月4日）",
        "収入印紙 600円分を貼る（消印しない）",
        "2部請求",
        "☑本人　☐法定代理人　☐任意代理人",
        "KIM MINSU",
        "キム ミンス",
    ] {
        assert!(html.contains(expected), "form lacks {expected:?}:\n{html}");
    }
}

#[test]
fn the_blank_form_has_empty_boxes_to_fill_by_hand() {
    let html = checker_app::form::render_blank();
    assert!(html.contains("保有個人情報開示請求書"));
    assert!(html.contains("令和　　年　　月　　日"));
    assert!(html.contains("☐本人　☐法定代理人　☐任意代理人"));
    assert!(!html.contains("☑"));
}

#[test]
fn a_representative_is_asked_for_their_own_name_and_address() {
    let answers = [
        ("whose", "own"),
        ("requester", "legal_rep"),
        ("represented", "minor"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "residence_card"),
        ("from_year", "1990"),
        ("name_changed", "no"),
    ];
    // The person's details alone are not enough: the screen stays on details.
    let html = render_with("en", &answers, DETAILS);
    assert!(html.contains("Details for the request form"), "{html}");
    assert!(html.contains("<label for=\"d-representative_name\" class=\"label\">Representative"));
    let mut with_rep = DETAILS.to_vec();
    with_rep.push(("representative_name", "KIM JIHO"));
    with_rep.push(("representative_address", "東京都新宿区四谷1-6-1"));
    let html = render_with("en", &answers, &with_rep);
    assert!(html.contains("Check your answers"), "{html}");
}
