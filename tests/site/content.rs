//! Content rules as the reader sees them: shortcodes write facts in the
//! reader's format, headings get ASCII ids and long pages a table of
//! contents, comments are dropped, and a site's template overrides the
//! default. (What content may not do: `invalid.rs`.)

use crate::support::SiteTest;

#[test]
fn shortcodes_write_facts_in_the_readers_format() {
    let out = SiteTest::fixture("i18n").build();
    out.check_file(
        "ja/guide/fees/index.html",
        &[
            "1部につき1,200円です。",
            "以前の料金は94円でした。",
            "現在は110円（2024年10月1日から）です。",
            "窓口：四谷タワー13階。",
            "見込み：500円（未確認）。",
            "<td>94円</td>",
            // Shortcodes in code are left as written.
            "<code>{{ fact(key=\"fees.copy\") }}</code>",
        ],
    )
    .check_file(
        "en/guide/fees/index.html",
        &[
            "¥1,200 per copy.",
            "It used to be ¥94.",
            "Now ¥110 (from 1 October 2024).",
            "Office: Yotsuya Tower 13F.",
            "Maybe: ¥500 (unconfirmed).",
        ],
    );
}

#[test]
fn headings_get_ascii_ids_and_long_pages_a_toc() {
    let out = SiteTest::fixture("i18n").build();
    out.check_file(
        "ja/guide/fees/index.html",
        &[
            "<h2 id=\"fee\">手数料</h2>",
            "<h2 id=\"section-2\">郵送料</h2>",
            "<h2 id=\"notes\">Notes</h2>",
            "<nav class=\"toc\"",
            "<li><a href=\"#section-2\">郵送料</a></li>",
        ],
    )
    .check_absent("en/guide/fees/index.html", &["<nav class=\"toc\""]);
}

/// A multi-line comment is dropped as the README says, not refused.
#[test]
fn multi_line_comments_are_dropped() {
    let site = SiteTest::fixture("i18n");
    site.edit("content/guide/_index.en.md", |text| {
        format!("{text}\n<!-- For staff:\n check the dates\n-->\n\nVisible.\n")
    });
    site.build()
        .check_file("en/guide/index.html", &["Visible."])
        .check_absent("en/guide/index.html", &["For staff", "check the dates"]);
}

#[test]
fn a_site_template_overrides_the_default() {
    let site = SiteTest::fixture("i18n");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">{{ page.title }} — {{ trans(key=\"contents\", lang=lang) }}</p>{% endblock main %}",
    );
    let out = site.build();
    out.check_file(
        "en/guide/fees/index.html",
        &[
            "<p class=\"custom\">Fees and postage — Contents</p>",
            "<a class=\"skip-link\" href=\"#main\">Skip to main content</a>",
        ],
    );
}
