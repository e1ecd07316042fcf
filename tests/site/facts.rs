//! Links and facts: `@/` links resolve per language, a fee changed in its
//! data file changes the prose and the checker, the facts register
//! (`site-gen facts`, the staff page, warnings for stale and unused facts)
//! and the sources list that ends each page showing a fact.

use crate::support::{SiteTest, assert_snapshot, fixtures, tree};

#[test]
fn internal_links_resolve_per_language_with_fallback() {
    let out = SiteTest::fixture("i18n").build();
    out.check_file(
        "ja/index.html",
        &["<a href=\"/guide/ja/guide/fees/#fee\">手数料</a>"],
    )
    .check_file(
        "en/index.html",
        &["<a href=\"/guide/en/guide/fees/#fee\">the fee</a>"],
    )
    // Arabic has no fees page: the link goes to the Japanese one and says so.
    .check_file(
        "ar/index.html",
        &["<a href=\"/guide/ja/guide/fees/#fee\" hreflang=\"ja\">"],
    )
    // An explicit language suffix pins the target language.
    .check_file(
        "en/guide/fees/index.html",
        &["<a href=\"/guide/ja/guide/fees/#fee\" hreflang=\"ja\">the Japanese original</a>"],
    );
}

/// Staff change a fee in one data file: after one rebuild the prose, the
/// checker's data and the checker's computation all say the new amount.
#[test]
fn changing_the_fee_in_the_data_file_changes_prose_and_checker() {
    let site = SiteTest::real_site();
    site.edit("content/data/disclosure.toml", |text| {
        assert!(text.contains("[handling_fee]\nyen = 300\n"));
        text.replace("[handling_fee]\nyen = 300\n", "[handling_fee]\nyen = 400\n")
    });
    let built = site_gen::generate(&site.options()).unwrap();
    let page = |p: &str| String::from_utf8(built.files[p].to_vec()).unwrap();
    let (ja, en) = (
        page("ja/alien-registration/disclosure/index.html"),
        page("en/alien-registration/disclosure/index.html"),
    );
    assert!(
        ja.contains("400円") && !ja.contains("300円"),
        "Japanese prose"
    );
    assert!(en.contains("¥400") && !en.contains("¥300"), "English prose");
    // The checker reads the fee from the data embedded in the page.
    let embedded = |html: &str| {
        let open = "<pre hidden id=\"madoguchi-checker-data\" data-procedure=\"disclosure\">";
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find("</pre>").unwrap();
        html[start..end].to_string()
    };
    let prepared = checker_app::Prepared::decode(&embedded(&en)).unwrap();
    assert_eq!(
        prepared
            .facts()
            .get("disclosure.handling_fee")
            .map(|f| &f.value),
        Some(&madoguchi_rules::FactValue::Yen(400))
    );
    let answers: madoguchi_rules::Answers = [
        ("whose", "own"),
        ("requester", "self"),
        ("living", "japan"),
        ("method", "post"),
        ("copies", "2"),
        ("id_document", "residence_card"),
        ("from_year", "1965"),
        ("name_changed", "no"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let today = madoguchi_rules::Date::parse("2026-11-25").unwrap();
    let Ok(madoguchi_rules::Evaluation::Finished {
        outcome: madoguchi_rules::Outcome::Eligible(e),
        ..
    }) = madoguchi_rules::evaluate(
        prepared.procedure(),
        prepared.facts(),
        &answers,
        today,
        "en",
    )
    else {
        panic!("expected an eligible outcome");
    };
    assert!(matches!(
        e.stamps,
        Some(madoguchi_rules::Stamps::Computed {
            per_copy: 400,
            copies: 2,
            total: 800,
            ..
        })
    ));
    let form = madoguchi_rules::fill_form(
        prepared.procedure(),
        prepared.facts(),
        &answers,
        &madoguchi_rules::Details::new(),
        today,
        "en",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        form.lines("3 手数料"),
        ["収入印紙を貼る（消印しない）　800円", "2部請求"],
        "{form:?}"
    );
}

/// The fixture site with the register overlay: a fact checked long ago, one
/// used nowhere, one with a dated rate still to come and two sources.
fn register_site() -> SiteTest {
    SiteTest::fixture("i18n").overlay("warnings/stale-and-unused")
}

#[test]
fn stale_and_unused_facts_are_warnings_with_their_place() {
    let site = register_site();
    let built = match site_gen::generate(&site.on_day("2026-11-26")) {
        Ok(b) => b,
        Err(e) => panic!("warnings must not fail the build:\n{}", e.render_plain()),
    };
    let text = site_gen::diag::render_plain(&built.sources, &built.warnings);
    let expect =
        std::fs::read_to_string(fixtures().join("warnings/stale-and-unused/expect.txt")).unwrap();
    for line in expect.lines().filter(|l| !l.trim().is_empty()) {
        assert!(text.contains(line), "warnings lack {line:?}:\n{text}");
    }
    // Checked 6 days ago and used: no warning for `next_rate`.
    assert!(!text.contains("register.next_rate"), "{text}");
    // A day earlier the old check is a day younger: the age follows `today`.
    let built = site_gen::generate(&site.on_day("2026-11-25")).unwrap();
    let text = site_gen::diag::render_plain(&built.sources, &built.warnings);
    assert!(text.contains("684 days ago"), "{text}");
}

#[test]
fn facts_register_lists_values_sources_checks_and_uses() {
    let site = register_site();
    let text = site.run(&["--today", "2026-11-26", "facts"]).success();
    assert_snapshot(
        &fixtures().join("warnings/stale-and-unused/facts.txt"),
        &text,
    );
    let json: serde_json::Value = serde_json::from_str(
        &site
            .run(&["--today", "2026-11-26", "facts", "--format", "json"])
            .success(),
    )
    .unwrap();
    assert_eq!(json["today"], "2026-11-26");
    assert_eq!(json["recheck_after_days"], 180);
    let facts = json["facts"].as_array().unwrap();
    let fact = |key: &str| {
        facts
            .iter()
            .find(|f| f["key"] == key)
            .unwrap_or_else(|| panic!("{key} missing from {json}"))
    };
    let next = fact("register.next_rate");
    assert_eq!(next["value"], "110円");
    assert_eq!(next["upcoming"][0]["from"], "2027-04-01");
    assert_eq!(next["upcoming"][0]["unverified"], true);
    assert_eq!(next["sources"][1]["url"], "https://example.org/rates");
    assert_eq!(next["used_in"][0], "content/guide/only-ja.ja.md:7");
    assert_eq!(fact("register.old_check")["stale"], true);
    assert_eq!(
        fact("register.spare")["used_in"].as_array().unwrap().len(),
        0
    );
    // Procedures count as uses, with the line of the reference.
    let copy = fact("fees.copy")["used_in"].as_array().unwrap().clone();
    assert!(
        copy.iter().any(|u| u
            .as_str()
            .unwrap()
            .starts_with("content/procedures/apply.toml:")),
        "{copy:?}"
    );
}

#[test]
fn staff_facts_page_is_noindex_unlinked_and_not_in_the_sitemap() {
    let site = register_site();
    let out = site.build_with(site.on_day("2026-11-26"));
    out.check_file(
        site_gen::site::FACTS_PAGE,
        &[
            "<meta name=\"robots\" content=\"noindex, nofollow\">",
            "<code>register.old_check</code>",
            "要再確認",
            "未使用",
            "<code>content/guide/only-ja.ja.md:7</code>",
            "https://example.org/rates",
            "2027-04-01から 130円 <strong class=\"tag tag-warn\">未確認</strong>",
        ],
    );
    out.check_absent("sitemap.xml", &["staff"]);
    for (rel, bytes) in tree(&out.out) {
        if rel.ends_with(".html") && rel != site_gen::site::FACTS_PAGE {
            let html = String::from_utf8_lossy(&bytes);
            assert!(!html.contains("staff/facts"), "{rel} links the staff page");
        }
    }
}

#[test]
fn pages_end_with_the_sources_of_their_facts() {
    let site = register_site();
    let out = site.build_with(site.on_day("2026-11-26"));
    out.check_file(
        "ja/guide/only-ja/index.html",
        &[
            "<h2 id=\"madoguchi-sources\">出典</h2>",
            // Each source once, with the earliest check of the facts citing it.
            "<a href=\"https://example.org/source\">Fixture source</a> \
             <span class=\"source-checked\">（2025年1月10日確認）</span>",
            // A title in another language than the page says so.
            "<a href=\"https://example.org/rates\" hreflang=\"en\" lang=\"en\">Second source</a>",
            // An unconfirmed dated rate is marked in prose.
            "130円（2027年4月1日から）（未確認）",
        ],
    );
    let html = out.file("ja/guide/only-ja/index.html");
    assert_eq!(html.matches("https://example.org/source").count(), 1);
    // A page that shows no fact has no sources list.
    out.check_absent("ja/index.html", &["madoguchi-sources"]);
}
