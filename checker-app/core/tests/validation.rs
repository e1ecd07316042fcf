//! The validator on fixture procedures: one valid third procedure and one
//! broken fixture per rule, each checked for its message and its span.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use madoguchi_rules::{
    AnswerError, AnswerErrorKind, DetailError, DetailErrorKind, Details, EvalError, Evaluation,
    FactValue, Facts, Outcome, Problem, Rate, Stamps, blank_form, check_details, details_asked,
    evaluate, fill_form, parse_procedure, validate,
};

const THIRD: &str = include_str!("fixtures/third_procedure.toml");

fn problems_of(text: &str, facts: &Facts) -> Vec<Problem> {
    let p = parse_procedure(text).unwrap_or_else(|e| panic!("parse failed: {e:?}"));
    validate(&p, facts, LANGS, "ja", KNOWN)
}

/// The source text a problem points at.
fn at<'t>(text: &'t str, p: &Problem) -> &'t str {
    let span = p.span.clone().unwrap_or_else(|| panic!("no span: {p:?}"));
    text.get(span).unwrap_or_else(|| panic!("bad span: {p:?}"))
}

/// Asserts that exactly one problem has `message`, and that its span
/// covers text starting with `snippet`.
fn expect(text: &str, problems: &[Problem], message: &str, snippet: &str) {
    let found: Vec<&Problem> = problems.iter().filter(|p| p.message == message).collect();
    assert_eq!(
        found.len(),
        1,
        "`{message}` not found once in {problems:#?}"
    );
    let p = found[0];
    assert!(!p.help.is_empty());
    let got = at(text, p);
    assert!(
        got.trim_start().starts_with(snippet),
        "`{message}` points at {got:?}, expected it to start with {snippet:?}"
    );
}

fn line_of(text: &str, p: &Problem) -> usize {
    let start = p.span.clone().unwrap().start;
    text[..start].matches('\n').count() + 1
}

#[test]
fn third_procedure_needs_no_rust_change() {
    let p = parse_procedure(THIRD).unwrap();
    assert_eq!(
        validate(&p, &facts(), &["ja", "en", "ko"], "ja", KNOWN),
        vec![]
    );
    let f = facts();
    let today = d("2026-11-25");
    let eval = |a: &[(&str, &str)], lang| evaluate(&p, &f, &answers(a), today, lang);

    // Starts at `start`, not at the first step.
    assert!(
        matches!(eval(&[], "ko").unwrap(), Evaluation::NeedsAnswer { step, .. } if step == "lost_on")
    );

    let ok = [
        ("lost_on", "2024-02-29"),
        ("reason", " 引っ越し "),
        ("count", "2"),
        ("urgent", "no"),
    ];
    let Evaluation::Finished {
        outcome: Outcome::Eligible(e),
        path,
    } = eval(&ok, "ko").unwrap()
    else {
        panic!()
    };
    assert_eq!(path, ["lost_on", "reason", "count", "urgent"]);
    let docs: Vec<&str> = e.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(docs, ["form", "big_envelope"]);
    assert_eq!(
        e.documents[0].text,
        "청구서 (이유: 引っ越し, 분실일: 2024-02-29)"
    );
    assert!(matches!(
        &e.stamps,
        Some(Stamps::Computed { per_copy: 300, copies: 2, total: 600, note: Some(n), .. }) if n == "2통분"
    ));
    assert_eq!(e.info[1].text, "2026-11-25");
    assert!(e.postage.is_none());

    // Its details and form are data too: checked, filled, and blank.
    let p_ = &p;
    let mut details: Details = [("holder", " KIM Minji "), ("born", "1990-02-30")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let asked: Vec<&str> = details_asked(p_, &f, &answers(&ok), d("2026-11-25"))
        .unwrap()
        .iter()
        .map(|x| x.id.get_ref().as_str())
        .collect();
    assert_eq!(
        asked,
        ["holder", "born"],
        "the helper is asked only when urgent"
    );
    assert_eq!(
        check_details(p_, &f, &answers(&ok), &details, d("2026-11-25")).unwrap(),
        [DetailError {
            detail: "born".into(),
            kind: DetailErrorKind::NotADate
        }]
    );
    // Written the way a Japanese keyboard types it: read, not refused.
    details.insert("born".into(), "平成２年２月２８日".into());
    assert_eq!(
        check_details(p_, &f, &answers(&ok), &details, d("2026-11-25")).unwrap(),
        []
    );
    let form = fill_form(p_, &f, &answers(&ok), &details, d("2026-11-25"), "ko")
        .unwrap()
        .unwrap();
    assert_eq!(form.name, "再交付申請書");
    assert_eq!(form.date, "令和8年11月25日（2026年11月25日）");
    assert_eq!(form.lines("氏名"), ["KIM Minji"]);
    assert_eq!(form.lines("生年月日"), ["平成2年2月28日（1990年2月28日）"]);
    assert_eq!(form.lines("区分"), ["☐至急　☑通常", "2通"]);
    assert_eq!(form.lines("申請日"), ["令和8年11月25日"]);
    let first = &form.sections[0].boxes[0];
    assert_eq!(first.help.as_deref(), Some("신청자 성명"));
    let blank = blank_form(p_, &f, "ko").unwrap().unwrap();
    assert_eq!(blank.date, "令和　　年　　月　　日");
    assert_eq!(blank.lines("氏名"), [""]);
    // Every row, those with a `when` too; numbers left to write by hand.
    assert_eq!(blank.lines("区分"), ["☐至急　☐通常", "　　　通"]);
    assert_eq!(blank.lines("申請日"), ["令和　　年　　月　　日"]);

    // The same in Japanese: dates written the Japanese way.
    let Evaluation::Finished {
        outcome: Outcome::Eligible(e),
        ..
    } = eval(&ok, "ja").unwrap()
    else {
        panic!()
    };
    assert_eq!(
        e.documents[0].text,
        "請求書（理由：引っ越し、紛失日：2024年2月29日）"
    );

    // Urgent: express envelope instead of the big one.
    let mut urgent = ok;
    urgent[3] = ("urgent", "yes");
    let Evaluation::Finished {
        outcome: Outcome::Eligible(e),
        ..
    } = eval(&urgent, "ja").unwrap()
    else {
        panic!()
    };
    let docs: Vec<&str> = e.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(docs, ["form", "express_envelope"]);

    // Step routes: four or more copies are refused.
    let mut many = ok;
    many[2] = ("count", "4");
    assert!(matches!(
        eval(&many, "ja").unwrap(),
        Evaluation::Finished { outcome: Outcome::NotEligible { outcome, .. }, .. } if outcome == "too_many"
    ));

    // Dated nested condition: before 2022-04-01, urgent with < 3 copies redirects.
    let old = evaluate(&p, &f, &answers(&urgent), d("2022-03-31"), "ja").unwrap();
    assert!(matches!(
        old,
        Evaluation::Finished { outcome: Outcome::Redirect { procedure, reason, .. }, .. }
            if procedure == "disclosure" && reason.starts_with("2022年4月1日")
    ));

    // Invalid answers.
    let cases: &[(&str, &str, AnswerErrorKind)] = &[
        (
            "lost_on",
            "2023-02-30",
            AnswerErrorKind::NotADate {
                given: "2023-02-30".into(),
            },
        ),
        (
            "lost_on",
            "2023-2",
            AnswerErrorKind::NotADate {
                given: "2023-2".into(),
            },
        ),
        ("reason", "   ", AnswerErrorKind::Empty),
        (
            "count",
            "11",
            AnswerErrorKind::OutOfRange {
                given: 11,
                min: 1,
                max: 10,
            },
        ),
    ];
    for (step, value, kind) in cases {
        let mut a = answers(&ok);
        a.insert(step.to_string(), value.to_string());
        assert_eq!(
            evaluate(&p, &f, &a, today, "ja").unwrap_err(),
            EvalError::Answer(AnswerError {
                step: step.to_string(),
                kind: kind.clone()
            })
        );
    }
}

#[test]
fn unreachable_step() {
    let text = include_str!("fixtures/unreachable_step.toml");
    let problems = problems_of(text, &facts());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    expect(
        text,
        &problems,
        "step `orphan` is unreachable",
        "\"orphan\"",
    );
    assert_eq!(line_of(text, &problems[0]), 20);
}

#[test]
fn path_without_outcome() {
    let text = include_str!("fixtures/path_without_outcome.toml");
    let problems = problems_of(text, &facts());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    expect(
        text,
        &problems,
        "path without outcome: option `b` of step `q1` leads nowhere",
        "\"b\"",
    );
}

#[test]
fn missing_default_language() {
    let text = include_str!("fixtures/missing_default_language.toml");
    let problems = problems_of(text, &facts());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    expect(
        text,
        &problems,
        "the label of option `a` of step `q1` has no `ja` text (the default language)",
        "{ en = \"Only English\" }",
    );
    // With English as the only declared language besides ja, a site in
    // Japanese and English only still needs ja.
    assert!(problems[0].help.contains("ja = "));
}

#[test]
fn unknown_fact() {
    let text = include_str!("fixtures/unknown_fact.toml");
    let problems = problems_of(text, &facts());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    expect(
        text,
        &problems,
        "the fee refers to an unknown fact `disclosure.handling_feee`",
        "\"disclosure.handling_feee\"",
    );
}

#[test]
fn form_and_details_refer_to_what_exists() {
    let text = include_str!("fixtures/bad_form.toml");
    let problems = problems_of(text, &facts());
    assert_eq!(problems.len(), 4, "{problems:#?}");
    expect(
        text,
        &problems,
        "the text of document `note` uses `{detail:name}`, which only a `[form]` row can use",
        "{ ja = \"{detail:name}の控え\", en = \"A copy for {detail:name}\" }",
    );
    expect(
        text,
        &problems,
        "detail `name` is required but has no `missing` message",
        "\"name\"",
    );
    expect(
        text,
        &problems,
        "form box `氏名` uses `{detail:nmae}` but there is no detail `nmae`",
        "\"{detail:nmae}\"",
    );
    expect(
        text,
        &problems,
        "form box `区分` uses `{box:who=agent}` but step `who` has no option `agent`",
        "\"{box:who=agent}代理人\"",
    );
}

#[test]
fn overlapping_or_unsorted_rates() {
    let text = include_str!("fixtures/bad_rates.toml");
    let mut f = facts();
    let rate = |from: &str, yen| Rate::new(d(from), yen);
    f.insert(
        "postage.duplicate",
        FactValue::Rates(vec![rate("2019-10-01", 94), rate("2019-10-01", 110)]),
    );
    f.insert(
        "postage.unsorted",
        FactValue::Rates(vec![rate("2024-10-01", 600), rate("2019-10-01", 520)]),
    );
    let problems = problems_of(text, &f);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    expect(
        text,
        &problems,
        "fact `postage.duplicate` has two rates from the same date (2019-10-01 and 2019-10-01)",
        "\"postage.duplicate\"",
    );
    expect(
        text,
        &problems,
        "fact `postage.unsorted` has rates out of date order (2024-10-01 and 2019-10-01)",
        "\"postage.unsorted\"",
    );
}

#[test]
fn routing_cycle() {
    let text = include_str!("fixtures/cycle.toml");
    let problems = problems_of(text, &facts());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    expect(text, &problems, "routing cycle: q1 → q2 → q1", "\"q1\"");
    // The span is the `next = "q1"` of step q2.
    assert_eq!(line_of(text, &problems[0]), 24);
    // Evaluating it anyway reports the cycle instead of looping.
    let p = parse_procedure(text).unwrap();
    let a = answers(&[("q1", "no"), ("q2", "2024-01-01")]);
    assert!(matches!(
        evaluate(&p, &facts(), &a, d("2026-11-25"), "ja"),
        Err(EvalError::Broken { .. })
    ));
}

#[test]
fn dangling_ids() {
    let text = include_str!("fixtures/dangling_ids.toml");
    let problems = problems_of(text, &facts());
    assert_eq!(problems.len(), 3, "{problems:#?}");
    expect(
        text,
        &problems,
        "option `a` of step `q1` goes to unknown step `q9`",
        "\"q9\"",
    );
    expect(
        text,
        &problems,
        "option `b` of step `q1` goes to unknown outcome `finished`",
        "\"finished\"",
    );
    expect(
        text,
        &problems,
        "outcome `elsewhere` redirects to unknown procedure `nowhere`",
        "\"nowhere\"",
    );
}

#[test]
fn wrong_kinds_languages_ranges_conditions_placeholders() {
    let text = include_str!("fixtures/wrong_kinds.toml");
    let problems = problems_of(text, &facts());
    expect(
        text,
        &problems,
        "the title has text in `fr`, which is not a site language",
        "{ ja = \"壊れた手続\"",
    );
    expect(
        text,
        &problems,
        "copies range 0..=500 of step `copies` is not sane",
        "0",
    );
    expect(
        text,
        &problems,
        "a route of step `copies` refers to fact `disclosure.handling_fee`, which is yen fact, not a `date` fact",
        "{ today_before",
    );
    expect(
        text,
        &problems,
        "a route of step `copies`: `is`/`one_of` on step `copies`, which has no options",
        "{ answer = \"copies\", is",
    );
    expect(
        text,
        &problems,
        "the text of outcome `done` uses an unknown placeholder `{nonsense}`",
        "{ ja = \"{nonsense}\"",
    );
    expect(
        text,
        &problems,
        "the text of outcome `done` uses `{answer:nostep}` but there is no step `nostep`",
        "{ ja = \"{nonsense}\"",
    );
    expect(
        text,
        &problems,
        "the fee refers to fact `postage.reply_standard`, which is rates fact, not a `yen` amount (or a `text` marked `unverified = true`) fact",
        "\"postage.reply_standard\"",
    );
    assert_eq!(problems.len(), 7, "{problems:#?}");
}

#[test]
fn languages_outside_the_site_and_missing_translations() {
    // Declaring Korean when the site has no Korean, and a text missing
    // a declared language.
    let text = THIRD.replacen(
        "legend = { ja = \"何通必要ですか。\", ko = \"몇 통 필요합니까?\" }",
        "legend = { ja = \"何通必要ですか。\" }",
        1,
    );
    let problems = problems_of(&text, &facts());
    expect(
        &text,
        &problems,
        "`languages` lists `ko`, which is not a site language",
        "[\"ja\", \"ko\"]",
    );
    expect(
        &text,
        &problems,
        "the legend of step `count` has no `ko` text",
        "{ ja = \"何通必要ですか。\" }",
    );
}

#[test]
fn parse_errors_have_spans() {
    let text = "id = \"x\"\nlanguages = [\"ja\"]\ntitle = { ja = \"t\" }\n\n[[steps]]\nid = \"q\"\nkind = \"slider\"\nlegend = { ja = \"q\" }\n";
    let problems = parse_procedure(text).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("unknown variant `slider`"),
        "{problems:?}"
    );
    assert_eq!(at(text, &problems[0]), "\"slider\"");

    let text = "id = \"x\"\nlanguages = [\"ja\"]\ntitle = { ja = \"t\" }\ncolour = \"red\"\n";
    let problems = parse_procedure(text).unwrap_err();
    assert!(
        problems[0].message.contains("unknown field `colour`"),
        "{problems:?}"
    );
    assert_eq!(at(text, &problems[0]), "colour");

    let text = "id = \"x\n";
    let problems = parse_procedure(text).unwrap_err();
    assert!(problems[0].span.is_some());
}

/// The example in the crate documentation is a valid procedure.
#[test]
fn documented_example_is_valid() {
    let lib = include_str!("../src/lib.rs");
    let start = lib.find("//! ```toml\n").unwrap() + "//! ```toml\n".len();
    let end = start + lib[start..].find("//! ```\n").unwrap();
    let text: String = lib[start..end]
        .lines()
        .map(|l| {
            l.strip_prefix("//! ")
                .or(l.strip_prefix("//!"))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let p = parse_procedure(&text).unwrap();
    assert_eq!(validate(&p, &facts(), LANGS, "ja", KNOWN), vec![]);
    let Outcome::Eligible(e) = finish(
        &p,
        &[("requester", "agent"), ("copies", "2")],
        "2026-11-25",
        "en",
    ) else {
        panic!()
    };
    assert_eq!(e.documents[0].id, "power_of_attorney");
    let form = fill_form(
        &p,
        &facts(),
        &answers(&[("requester", "agent"), ("copies", "2")]),
        &Details::new(),
        d("2026-11-25"),
        "en",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        form.lines("4 本人確認等"),
        ["ア 請求者　☐本人　☑任意代理人"]
    );
}
