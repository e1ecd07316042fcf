//! Languages: each gets its pages with `lang` and `dir`, alternates and
//! the canonical link, the root's language chooser, and a translation
//! that is older than its Japanese page says so.

use crate::support::SiteTest;

#[test]
fn every_language_gets_its_pages_with_lang_and_dir() {
    let site = SiteTest::fixture("i18n");
    let out = site.build();
    out.check_file(
        "ja/guide/fees/index.html",
        &["<html lang=\"ja\" dir=\"ltr\">", "<h1>手数料と郵送料</h1>"],
    )
    .check_file(
        "en/guide/fees/index.html",
        &[
            "<html lang=\"en\" dir=\"ltr\">",
            "<h1>Fees and postage</h1>",
        ],
    )
    .check_file("ar/index.html", &["<html lang=\"ar\" dir=\"rtl\">"]);
    // Only the default language has the untranslated page.
    assert!(site.out().join("ja/guide/only-ja/index.html").exists());
    assert!(!site.out().join("en/guide/only-ja/index.html").exists());
}

#[test]
fn alternates_are_reciprocal_with_x_default_and_canonical() {
    let out = SiteTest::fixture("i18n").build();
    let alternates = [
        "<link rel=\"alternate\" hreflang=\"ja\" href=\"https://example.org/guide/ja/guide/fees/\">",
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/guide/en/guide/fees/\">",
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/guide/ja/guide/fees/\">",
    ];
    for lang in ["ja", "en"] {
        out.check_file(&format!("{lang}/guide/fees/index.html"), &alternates)
            .check_file(
                &format!("{lang}/guide/fees/index.html"),
                &[&format!(
                    "<link rel=\"canonical\" href=\"https://example.org/guide/{lang}/guide/fees/\">"
                )],
            )
            // No language without the page is announced.
            .check_absent(
                &format!("{lang}/guide/fees/index.html"),
                &["hreflang=\"ar\" href"],
            );
    }
    out.check_file(
        "ar/index.html",
        &[
            "hreflang=\"ja\" href=\"https://example.org/guide/ja/\"",
            "hreflang=\"en\" href=\"https://example.org/guide/en/\"",
        ],
    );
}

#[test]
fn root_is_a_language_chooser_by_endonym() {
    let out = SiteTest::fixture("i18n").build();
    out.check_file(
        "index.html",
        &[
            "<a href=\"/guide/ja/\" hreflang=\"ja\" lang=\"ja\" dir=\"ltr\"><span class=\"endonym\">日本語</span>",
            "<a href=\"/guide/en/\" hreflang=\"en\" lang=\"en\" dir=\"ltr\"><span class=\"endonym\">English</span>",
            "<a href=\"/guide/ar/\" hreflang=\"ar\" lang=\"ar\" dir=\"rtl\"><span class=\"endonym\">العربية</span>",
            "hreflang=\"x-default\" href=\"https://example.org/guide/\"",
        ],
    )
    .check_absent("index.html", &["<script"]);
    out.check_file(
        "404.html",
        &[
            "ページが見つかりません",
            "may have moved or been removed",
            "href=\"/guide/en/\"",
        ],
    );
}

#[test]
fn translations_show_when_they_are_outdated() {
    let out = SiteTest::fixture("i18n").build();
    out.check_file(
        "en/guide/fees/index.html",
        &[
            "the Japanese page was updated on 25 November 2026.",
            "<a href=\"/guide/ja/guide/fees/\" hreflang=\"ja\">Read the Japanese page</a>",
        ],
    )
    .check_absent("en/guide/index.html", &["may be out of date"])
    .check_file(
        "en/guide/index.html",
        &["<time datetime=\"2026-11-20\">20 November 2026</time>"],
    );
}
