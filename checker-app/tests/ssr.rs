//! Server-side renders of each checker screen, on the real disclosure
//! procedure with the site's facts and interface strings.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use checker_app::{AppProps, CheckerData, Prepared, render};
use madoguchi_rules as rules;

#[path = "../core/tests/common/mod.rs"]
mod common;

/// The site's catalog of `lang` (`None` for Japanese, the source): the
/// translations by (context, Japanese text), as site-gen applies them.
fn catalog(lang: &str) -> Option<BTreeMap<(String, String), String>> {
    if lang == "ja" {
        return None;
    }
    let path = format!("{}/../content/i18n/{lang}.po", env!("CARGO_MANIFEST_DIR"));
    let po = rspolib::pofile(path.as_str()).unwrap();
    Some(
        po.entries
            .iter()
            .filter(|e| !e.obsolete)
            .filter_map(|e| {
                let t = e.msgstr.clone().filter(|t| !t.is_empty())?;
                Some(((e.msgctxt.clone().unwrap_or_default(), e.msgid.clone()), t))
            })
            .collect(),
    )
}

/// The Japanese interface file.
fn source_i18n() -> toml::Table {
    let text = std::fs::read_to_string(format!(
        "{}/../content/i18n/ja.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    toml::from_str(&text).unwrap()
}

/// `ja` through `lang`'s catalog under context `ctxt` (the Japanese if untranslated).
fn tr(lang: &str, ctxt: &str, ja: &str) -> String {
    catalog(lang)
        .and_then(|c| c.get(&(ctxt.to_string(), ja.to_string())).cloned())
        .unwrap_or_else(|| ja.to_string())
}

fn strings(lang: &str) -> BTreeMap<String, String> {
    source_i18n()["strings"]
        .as_table()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("checker_"))
        .map(|(k, v)| (k.clone(), tr(lang, &format!("ui:{k}"), v.as_str().unwrap())))
        .collect()
}

/// The date pattern and month names of `lang`.
fn date_format(lang: &str) -> (String, Vec<String>) {
    let source = source_i18n();
    let f = source["format"].as_table().unwrap();
    let months = f["month_names"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            tr(
                lang,
                &format!("format:month_names.{}", i + 1),
                m.as_str().unwrap(),
            )
        })
        .collect();
    (tr(lang, "format:date", f["date"].as_str().unwrap()), months)
}

/// The site's facts, read from content/data by the core's parser (the
/// core tests' shared module), as site-gen has them.
fn facts() -> rules::Facts {
    common::facts()
}

/// What a `lang` page of `procedure` carries of `facts`, as site-gen
/// hands it over: the facts it uses, with the language's date format.
fn page_facts(procedure: &rules::Procedure, facts: &rules::Facts, lang: &str) -> rules::Facts {
    let mut facts = facts.for_page(procedure, lang);
    let (pattern, months) = date_format(lang);
    facts.set_date_format(lang, pattern, months);
    facts
}

/// The procedure with its texts in Japanese and English (from the en
/// catalog), as site-gen hands an English page.
fn procedure(id: &str) -> rules::Procedure {
    let mut p = rules::parse_procedure(
        &std::fs::read_to_string(format!(
            "{}/../content/procedures/{id}.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let en = catalog("en").unwrap();
    rules::texts_mut(&mut p, |path, t| {
        let text = t.get_mut();
        if let Some(ja) = text.get("ja").cloned()
            && let Some(e) = en.get(&(format!("procedure:{id}:{path}"), ja))
        {
            text.insert("en".to_string(), e.clone());
        }
    });
    p
}

/// `(key, value)` pairs as the owned map answers and details are kept in.
fn owned(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The request form as the result screen renders it, for an English reader.
fn form_html(form: rules::FormOutput) -> String {
    futures::executor::block_on(
        yew::LocalServerRenderer::<checker_app::form::RequestForm>::with_props(
            checker_app::form::FormProps {
                form,
                lang: "en".into(),
                help_title: "What each box is".into(),
            },
        )
        .render(),
    )
}

fn disclosure() -> rules::Procedure {
    procedure("disclosure")
}

fn render_with(lang: &str, answers: &[(&str, &str)], details: &[(&str, &str)]) -> String {
    render_procedure(disclosure(), facts(), lang, answers, details, None)
}

/// The data a `lang` page of `procedure` carries, read back as the browser
/// reads it.
fn prepared(procedure: rules::Procedure, facts: rules::Facts, lang: &str) -> std::rc::Rc<Prepared> {
    let encoded = Prepared::new(CheckerData {
        lang: lang.into(),
        html_lang: lang.into(),
        strings: strings(lang),
        thousands_separator: ",".into(),
        money_format: if lang == "ja" {
            "{amount}円".into()
        } else {
            "¥{amount}".into()
        },
        facts: page_facts(&procedure, &facts, lang),
        procedure,
        checker_urls: BTreeMap::new(),
    })
    .unwrap()
    .encoded
    .clone();
    Prepared::decode(&encoded).unwrap()
}

fn render_procedure(
    procedure: rules::Procedure,
    facts: rules::Facts,
    lang: &str,
    answers: &[(&str, &str)],
    details: &[(&str, &str)],
    screen: Option<&str>,
) -> String {
    render(AppProps {
        data: prepared(procedure, facts, lang),
        today: rules::Date::parse("2026-11-25"),
        answers: owned(answers),
        details: owned(details),
        early: None,
        screen: screen.map(str::to_string),
    })
}

const POST_TWO_COPIES: &[(&str, &str)] = &[
    ("whose", "own"),
    ("requester", "self"),
    ("living", "japan"),
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
    ("sex", "male"),
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
    // Before the app runs nothing can be sent: the form has no way to
    // submit, its button is disabled, and the reader is told it is loading.
    assert!(en.contains("method=\"dialog\""), "{en}");
    assert!(
        en.contains(
            "<button type=\"submit\" disabled=\"disabled\" class=\"button\">Continue</button>"
        ),
        "{en}"
    );
    assert!(en.contains("The checker is loading."), "{en}");
    // Keeping answers is offered from the first screen.
    assert!(en.contains("Keep my answers on this device"), "{en}");
    // Facts in a hint are filled, dates written the language's way.
    assert!(
        en.contains("abolished on 9 July 2012."),
        "the hint's date: {en}"
    );
    assert!(!en.contains("back-link"), "no Back on the first screen");
    let ja = render_with("ja", &[], &[]);
    assert!(ja.contains("どなたの外国人登録原票ですか。"));
    assert!(ja.contains(">次へ</button>"));
    assert!(ja.contains("2012年7月9日の外国人登録法廃止"), "{ja}");
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
fn the_result_comes_straight_after_the_questions_without_any_detail() {
    let html = render_with("en", POST_TWO_COPIES, &[]);
    for expected in [
        "You can make this request",
        "What to enclose or bring",
        "¥300 × 2 = ¥600",
        "Return postage",
        // The form, filled from the answers alone, its details blank.
        "保有個人情報開示請求書",
        "<div class=\"stamp-box\">収入印紙を貼る（消印しない）　600円</div>",
        "生年月日：　　　　年　　月　　日",
        // What the form still needs, and the way to add it.
        "Still to fill in on the form, here or by hand:",
        "<li>Enter the name in Latin letters</li>",
        "Add your details to the form (optional)",
        // The answers, each with Change.
        "Your answers",
    ] {
        assert!(
            html.contains(expected),
            "result lacks {expected:?}:\n{html}"
        );
    }
    assert!(
        html.matches(">Change<span class=\"visually-hidden\">")
            .count()
            >= 7,
        "{html}"
    );
    assert!(!html.contains("Check your answers"));
}

#[test]
fn japanese_in_the_readers_language_is_marked_and_japanese_pages_need_no_marks() {
    // English: the form's explanations quote its Japanese box letters.
    let en = render_with("en", POST_TWO_COPIES, &[]);
    assert!(
        en.contains("<dd>Section 2: <span lang=\"ja\">ア</span> at the office"),
        "{en}"
    );
    // Each Japanese run is in a span of its own: outside the `lang="ja"`
    // form, any text with Japanese in it sits directly in a `lang="ja"`
    // element.
    let form_at = en.find("jp-form print-page").expect("the form");
    let help_at = en.find("form-help").expect("the form's explanations");
    let outside_form = format!(
        "{}{}",
        &en[..en[..form_at].rfind('<').unwrap()],
        &en[en[..help_at].rfind('<').unwrap()..]
    );
    let mut texts = 0;
    for (at, _) in outside_form.match_indices('>') {
        let rest = &outside_form[at + 1..];
        let text = &rest[..rest.find('<').unwrap_or(rest.len())];
        if text.chars().any(rules::is_japanese) {
            texts += 1;
            let open = outside_form[..at].rfind('<').unwrap();
            assert!(
                outside_form[open..at].contains("lang=\"ja\""),
                "unmarked Japanese: {:?}",
                &outside_form[open..at + 1 + text.len()]
            );
        }
    }
    assert!(texts > 5, "{en}");
    // Japanese and Chinese pages carry no such marks.
    for lang in ["ja", "zh-Hans"] {
        let html = render_with(lang, POST_TWO_COPIES, &[]);
        assert!(!html.contains("<span lang=\"ja\">"), "{lang}: {html}");
    }
}

#[test]
fn details_screen_asks_for_the_form_fields_all_optional() {
    let html = render_procedure(
        disclosure(),
        facts(),
        "en",
        POST_TWO_COPIES,
        &[],
        Some("details"),
    );
    assert!(html.contains("Your details on the form"), "{html}");
    assert!(html.contains("Everything here is optional"), "{html}");
    assert!(
        html.contains(
            "<label for=\"d-name_kana\" class=\"label\">Reading of the registered name in katakana"
        ),
        "{html}"
    );
    assert!(
        html.contains("(the form needs this)"),
        "required fields say so"
    );
    // Sex is a choice; the nationality a list of suggestions, free text allowed.
    assert!(
        html.contains("<input value=\"male\" type=\"radio\" id=\"d-sex\" name=\"d-sex\">"),
        "{html}"
    );
    assert!(html.contains("<label for=\"d-sex\">Male</label>"), "{html}");
    assert!(html.contains("list=\"d-nationality-list\""), "{html}");
    assert!(
        html.contains("<option lang=\"ja\" value=\"South Korea\">韓国</option>"),
        "{html}"
    );
    assert!(
        !html.contains("d-representative_name"),
        "no representative fields for the person"
    );
    // A kept nationality shows in the reader's language.
    let kept = render_procedure(
        disclosure(),
        facts(),
        "en",
        POST_TWO_COPIES,
        &[("nationality", "kr")],
        Some("details"),
    );
    assert!(kept.contains("value=\"South Korea\""), "{kept}");
}

#[test]
fn an_unreachable_screen_is_never_shown() {
    // Details for answers that end in a refusal: the result instead.
    let html = render_procedure(
        disclosure(),
        facts(),
        "en",
        &[("whose", "own"), ("requester", "someone_else")],
        &[],
        Some("details"),
    );
    assert!(
        html.contains("You cannot make this request this way"),
        "{html}"
    );
    // A question past the answers given: the next one asked instead.
    let html = render_procedure(
        disclosure(),
        facts(),
        "en",
        &[("whose", "own")],
        &[],
        Some("q-copies"),
    );
    assert!(html.contains("Who is making the request?"), "{html}");
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
    assert!(
        redirect.contains("href=\"../deceased/#checker\""),
        "{redirect}"
    );
}

/// The page data of each real procedure reads back exactly as written (so
/// nothing of it is lost on the way to the browser), and damaged page data
/// is refused as a whole, never read in part.
#[test]
fn page_data_reads_back_exactly_and_damaged_data_is_refused() {
    for id in ["disclosure", "deceased"] {
        let encoded = prepared(procedure(id), facts(), "en").encoded.clone();
        let read = Prepared::decode(&encoded).unwrap();
        assert_eq!(read.raw.encode().unwrap(), encoded, "{id}");
        assert_eq!(read.procedure().id.get_ref(), id);
        assert!(!read.procedure().steps.is_empty(), "{id}");

        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap();
        let damaged = [
            bytes[..bytes.len() - 1].to_vec(),
            bytes[..bytes.len() / 2].to_vec(),
            [bytes.as_slice(), &[0]].concat(),
        ];
        for bad in damaged {
            let text = base64::engine::general_purpose::STANDARD.encode(&bad);
            assert!(
                Prepared::decode(&text).is_err(),
                "{id}: {} bytes",
                bad.len()
            );
        }
        assert!(Prepared::decode("not base64!").is_err());
    }
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
    let html = render_with("en", POST_TWO_COPIES, DETAILS);
    assert!(html.contains("You can make this request"), "{html}");
    assert!(
        !html.contains("Still to fill in on the form"),
        "every needed detail given"
    );
    let today = rules::Date::parse("2026-11-25").unwrap();
    let answers: rules::Answers = owned(POST_TWO_COPIES);
    let details: rules::Details = owned(DETAILS);
    let all_facts = core_facts();
    let form = rules::fill_form(&disclosure(), &all_facts, &answers, &details, today, "en")
        .unwrap()
        .unwrap();
    let props = checker_app::form::FormProps {
        form,
        lang: "en".into(),
        help_title: "What each box is".into(),
    };
    let html = futures::executor::block_on(
        yew::LocalServerRenderer::<checker_app::form::RequestForm>::with_props(props).render(),
    );
    for expected in [
        "保有個人情報開示請求書",
        "令和8年11月25日（2026年11月25日）",
        "昭和25年3月4日（1950年3月4日）",
        "<div class=\"stamp-box\">収入印紙を貼る（消印しない）　600円</div>",
        "<p class=\"jp-copies\">2部請求</p>",
        "☑本人　☐法定代理人　☐任意代理人",
        "イ ☑写しの送付を希望する",
        "KIM MINSU",
        "キム ミンス",
        "〒160-0004　東京都新宿区四谷1-6-1",
        // The explanations in the reader's language, off the printout.
        "<div lang=\"en\" class=\"form-help no-print\">",
        "Section 3: stick the revenue stamps here; do not postmark them",
    ] {
        assert!(html.contains(expected), "form lacks {expected:?}:\n{html}");
    }
}

/// The facts an English page of the disclosure procedure carries.
fn core_facts() -> rules::Facts {
    page_facts(&disclosure(), &facts(), "en")
}

#[test]
fn the_blank_form_has_empty_boxes_to_fill_by_hand() {
    let html = checker_app::form::render_blank(&prepared(disclosure(), facts(), "en")).unwrap();
    assert!(html.contains("保有個人情報開示請求書"));
    assert!(html.contains("令和　　年　　月　　日"));
    assert!(html.contains("☐本人　☐法定代理人　☐任意代理人"));
    assert!(!html.contains("☑"));
    // Every row, the represented person's and the copies' too.
    assert!(html.contains("部請求"), "{html}");
    assert!(html.contains("本人の氏名："), "{html}");
    assert!(html.contains("生年月日：　　　　年　　月　　日"), "{html}");
    let deceased =
        checker_app::form::render_blank(&prepared(procedure("deceased"), facts(), "ja")).unwrap();
    assert!(deceased.contains("死亡した外国人に係る外国人登録原票の写しの交付請求書"));
    assert!(deceased.contains("☐同居の親族"));
    assert!(
        deceased.contains("<h3>請求書の各欄について</h3>"),
        "boxes explained in the page's language"
    );
    assert!(!deceased.contains("☑"));
}

const DECEASED_DETAILS: &[(&str, &str)] = &[
    ("name_latin", "PARK JIYEON"),
    ("name_kana", "パク ジヨン"),
    ("postcode", "1600004"),
    ("address", "東京都新宿区四谷1-6-1"),
    ("phone", "03-1234-5678"),
    ("deceased_name_latin", "PARK SANGHO"),
    ("deceased_nationality", "韓国"),
    ("deceased_birth_date", "1931-02-03"),
    ("deceased_death_date", "2019-04-30"),
];

#[test]
fn the_deceased_procedure_asks_its_own_details_and_fills_its_own_form() {
    let answers = [("relationship", "descendant"), ("requester", "agent")];
    let render = |details: &[(&str, &str)], screen| {
        render_procedure(
            procedure("deceased"),
            facts(),
            "en",
            &answers,
            details,
            screen,
        )
    };
    let html = render(&[], Some("details"));
    assert!(html.contains("Your details on the form"), "{html}");
    assert!(html.contains("<label for=\"d-deceased_death_date\" class=\"label\">Date of death"));
    assert!(
        html.contains("d-principal_name"),
        "an agent names whom they act for"
    );
    assert!(!html.contains("d-representative_name"));
    // All details given: the result's form shows them.
    let mut all = DECEASED_DETAILS.to_vec();
    all.push(("principal_name", "PARK MINA"));
    all.push(("principal_address", "大阪府大阪市北区1-1"));
    let html = render(&all, None);
    assert!(html.contains("You can make this request"), "{html}");
    assert!(html.contains("PARK SANGHO"), "{html}");

    let details: rules::Details = owned(&all);
    let a: rules::Answers = owned(&answers);
    let today = rules::Date::parse("2026-11-25").unwrap();
    let deceased = procedure("deceased");
    let form = rules::fill_form(
        &deceased,
        &page_facts(&deceased, &facts(), "en"),
        &a,
        &details,
        today,
        "en",
    )
    .unwrap()
    .unwrap();
    let html = form_html(form);
    for expected in [
        "死亡した外国人に係る外国人登録原票の写しの交付請求書",
        "令和8年11月25日（2026年11月25日）",
        "死亡年月日：平成31年4月30日（2019年4月30日）",
        "生年月日：昭和6年2月3日（1931年2月3日）",
        "☑直系卑属",
        "☐本人　☐法定代理人　☑任意代理人",
        "代理される方の氏名：PARK MINA",
        "委任状",
        "PARK JIYEON",
    ] {
        assert!(html.contains(expected), "form lacks {expected:?}:\n{html}");
    }
}

#[test]
fn a_representative_is_asked_for_their_own_name_and_address() {
    let answers = [
        ("whose", "own"),
        ("requester", "legal_rep"),
        ("represented", "minor"),
        ("parent_register", "yes"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "1"),
        ("id_document", "residence_card"),
        ("from_year", "1990"),
        ("name_changed", "no"),
    ];
    // The representative's fields are asked, and listed as still blank
    // on the form while empty; the result never waits for them.
    let html = render_procedure(
        disclosure(),
        facts(),
        "en",
        &answers,
        DETAILS,
        Some("details"),
    );
    assert!(
        html.contains("<label for=\"d-representative_name\" class=\"label\">Representative"),
        "{html}"
    );
    let html = render_with("en", &answers, DETAILS);
    assert!(html.contains("You can make this request"), "{html}");
    assert!(
        html.contains("<li>Enter the representative&#x27;s name</li>")
            || html.contains("<li>Enter the representative's name</li>"),
        "{html}"
    );
    let mut with_rep = DETAILS.to_vec();
    with_rep.push(("representative_name", "KIM JIHO"));
    with_rep.push(("representative_address", "東京都新宿区四谷1-6-1"));
    with_rep.push(("representative_kana", "キム ジホ"));
    with_rep.push(("representative_postcode", "160-0004"));
    with_rep.push(("principal_address", "大韓民国ソウル特別市鍾路区1"));
    let html = render_with("en", &answers, &with_rep);
    assert!(!html.contains("Still to fill in on the form"), "{html}");
    assert!(
        html.contains("本人の氏名：KIM MINSU　本人の住所：大韓民国ソウル特別市鍾路区1"),
        "the represented person's row: {html}"
    );
    // The representative's address is the requester's (the return address).
    assert!(
        html.contains("〒160-0004　東京都新宿区四谷1-6-1"),
        "the requester's row: {html}"
    );
}

#[test]
fn history_entries_round_trip_and_anything_else_is_ignored() {
    let answers: rules::Answers = owned(POST_TWO_COPIES);
    let details: rules::Details = owned(DETAILS);
    let entry = checker_app::data::encode_entry("result", &answers, &details);
    assert_eq!(
        checker_app::data::decode_entry(&entry),
        Some(("result".to_string(), answers, details))
    );
    for garbage in ["", "result", "madoguchi-checker-1\nresult\n!!", "{\"a\":1}"] {
        assert_eq!(checker_app::data::decode_entry(garbage), None, "{garbage}");
    }
}

#[test]
fn kept_answers_round_trip_and_anything_else_is_ignored() {
    let answers: rules::Answers = owned(POST_TWO_COPIES);
    let details: rules::Details = owned(DETAILS);
    let text = checker_app::data::encode_kept(&answers, &details).unwrap();
    assert_eq!(
        checker_app::data::decode_kept(&text),
        Some((answers, details))
    );
    for garbage in ["", "not base64!", "//////", "{\"whose\":\"own\"}"] {
        assert_eq!(checker_app::data::decode_kept(garbage), None, "{garbage}");
    }
    assert_eq!(
        checker_app::data::kept_key("disclosure"),
        "madoguchi-answers-disclosure"
    );
}

#[test]
fn the_choice_to_keep_answers_is_offered_unticked() {
    let html = render_with("en", POST_TWO_COPIES, DETAILS);
    assert!(html.contains("Keep my answers on this device"), "{html}");
    assert!(html.contains("id=\"checker-keep\""));
    assert!(
        !html.contains("checked"),
        "not ticked until the reader asks"
    );
}

/// Each keystroke on the details screen changes its own field in what the
/// reader has typed so far (the state's draft): typing in one field and
/// then another keeps both, and a submitted detail stays until changed.
#[test]
fn typing_in_one_detail_field_then_another_keeps_both() {
    use checker_app::state::{Action, Screen, State};
    use yew::Reducible;
    let today = rules::Date::parse("2026-11-25").unwrap();
    let details = owned(&[("nationality", "韓国")]);
    let state = std::rc::Rc::new(State::resume(
        prepared(disclosure(), facts(), "en"),
        today,
        owned(POST_TWO_COPIES),
        details,
        Some(Screen::Details),
    ));
    assert_eq!(state.screen, Screen::Details);
    let typed = |s: std::rc::Rc<State>, field: &str, value: &str| {
        s.reduce(Action::DraftDetail {
            field: field.into(),
            value: value.into(),
        })
    };
    let state = typed(state, "name_latin", "KIM");
    let state = typed(state, "name_kana", "キム");
    let state = typed(state, "name_latin", "KIM MINSU");
    let draft = state.details_draft();
    assert_eq!(draft["name_latin"], "KIM MINSU");
    assert_eq!(draft["name_kana"], "キム");
    assert_eq!(draft["nationality"], "韓国");
    // Not submitted yet.
    assert!(!state.details.contains_key("name_latin"));
}
