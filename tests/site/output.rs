//! Build and output: what a build writes (fingerprinted CSS, the sitemap,
//! the offline worker),
//! that two builds are byte-identical, that a failed build keeps the
//! previous output, that dot-files are never published, and the real site.

use site_gen::Options;

use crate::support::{SiteTest, count, real_site, tree};

#[test]
fn sitemap_lists_every_page_once_and_its_translations_are_named_in_the_pages() {
    let site = SiteTest::fixture("i18n");
    let out = site.build();
    let sitemap = out.file("sitemap.xml");
    assert_eq!(sitemap.matches("<url>").count(), 8, "{sitemap}");
    // An entry is the address and its date: the page's translations are
    // in its head (tests/site/i18n.rs), so an entry does not grow with the
    // languages.
    assert!(!sitemap.contains("hreflang"), "{sitemap}");
    out.check_file(
        "sitemap.xml",
        &[
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            "  <url>\n    <loc>https://example.org/guide/en/guide/fees/</loc>\n    <lastmod>2026-11-25</lastmod>\n  </url>\n",
        ],
    )
    .check_file(
        "en/guide/fees/index.html",
        &[
            "<link rel=\"alternate\" hreflang=\"ja\" href=\"https://example.org/guide/ja/guide/fees/\">",
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/guide/ja/guide/fees/\">",
        ],
    )
    .check_file("robots.txt", &["Sitemap: https://example.org/guide/sitemap.xml"]);
    assert!(!site.out().join("sitemap-1.xml").exists());
}

#[test]
fn static_css_is_fingerprinted_and_linked() {
    let site = SiteTest::fixture("i18n");
    let out = site.build();
    let css: Vec<String> = tree(&site.out().join("css")).into_keys().collect();
    assert_eq!(css.len(), 1);
    assert!(
        css[0].starts_with("site.")
            && css[0].ends_with(".css")
            && css[0].len() == "site.0123456789.css".len()
    );
    out.check_file(
        "ja/index.html",
        &[&format!(
            "<link rel=\"stylesheet\" href=\"/guide/css/{}\">",
            css[0]
        )],
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let a = SiteTest::fixture("i18n");
    let b = SiteTest::fixture("i18n");
    a.build();
    b.build();
    let (ta, tb) = (tree(&a.out()), tree(&b.out()));
    assert!(ta.len() > 10);
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
    // And the real site too.
    let real = real_site();
    let dir = tempfile::tempdir().unwrap();
    let (o1, o2) = (dir.path().join("one"), dir.path().join("two"));
    site_gen::build(&Options::new(&real), &o1).unwrap();
    site_gen::build(&Options::new(&real), &o2).unwrap();
    assert_eq!(tree(&o1), tree(&o2));
}

/// Pages are written into the staging folder by the rendering workers: a
/// build whose last page fails to render leaves the previous output byte for
/// byte and no staging folder behind.
#[test]
fn a_failed_streamed_build_keeps_the_previous_output() {
    let site = SiteTest::fixture("i18n");
    for n in 0..300 {
        site.write(
            &format!("content/guide/p{n:03}.ja.md"),
            format!(
                "+++\ntitle = \"ページ {n}\"\ndescription = \"説明\"\nupdated = 2026-11-20\n+++\n本文 {n}。\n"
            ),
        );
    }
    site.build();
    let before = tree(&site.out());
    assert!(before.len() > 300, "{}", before.len());
    // The last page in file order renders with a template that fails.
    site.write(
        "templates/broken.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.extra.nothing.here }}{% endblock main %}",
    )
    .write(
        "content/guide/zz-last.ja.md",
        "+++\ntitle = \"最後\"\ndescription = \"説明\"\nupdated = 2026-11-20\ntemplate = \"broken.html\"\n+++\n本文。\n",
    );
    let err = site.build_err();
    assert!(err.contains("broken.html"), "{err}");
    assert!(tree(&site.out()) == before, "the previous output changed");
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

/// Dot-files and dot-folders are never read nor published, wherever they are.
#[test]
fn dot_files_are_never_published() {
    let site = SiteTest::fixture("i18n");
    for (path, text) in [
        ("static/.env", "TOKEN=secret"),
        ("static/.git/config", "token = secret"),
        ("static/css/.hidden.css", "secret{}"),
        ("content/.drafts/x.ja.md", "not even front matter"),
        ("templates/.page.html.swp", "{{ broken"),
    ] {
        site.write(path, text);
    }
    site.build();
    let published = tree(&site.out());
    assert!(
        published
            .keys()
            .all(|k| !k.split('/').any(|part| part.starts_with('.')))
    );
    assert!(
        published
            .values()
            .all(|v| !String::from_utf8_lossy(v).contains("secret"))
    );
}

#[test]
fn the_real_site_builds_in_every_language() {
    let real = real_site();
    let dir = tempfile::tempdir().unwrap();
    let built = site_gen::build(&Options::new(&real), dir.path()).unwrap();
    // Untranslated messages are reported (drafts may be incomplete); nothing else.
    let other: Vec<_> = built
        .warnings
        .iter()
        .filter(|w| !w.message.contains(" missing of ") || !w.message.contains(" outdated and "))
        .collect();
    assert!(other.is_empty(), "{other:?}");
    // Pages are streamed to disk: read what was written.
    let files = tree(dir.path());
    assert_eq!(built.output_files, files.len());
    let site = std::fs::read_to_string(real.join("content/site.toml")).unwrap();
    let langs: Vec<&str> = site
        .lines()
        .filter_map(|l| l.strip_prefix("code = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert_eq!(langs.len(), 15, "{langs:?}");
    for lang in langs {
        for page in [
            "index.html",
            "about/index.html",
            "alien-registration/index.html",
            "alien-registration/disclosure/index.html",
            "alien-registration/deceased/index.html",
        ] {
            assert!(
                files.contains_key(&format!("{lang}/{page}")),
                "{lang}/{page} missing"
            );
        }
    }
    let ja =
        String::from_utf8(files["ja/alien-registration/disclosure/index.html"].to_vec()).unwrap();
    let en =
        String::from_utf8(files["en/alien-registration/disclosure/index.html"].to_vec()).unwrap();
    // The fee and the new postage rate come from content/data, in each language's format.
    assert!(ja.contains("300円") && en.contains("¥300"));
    assert!(ja.contains("110円") && en.contains("¥110"));
    assert!(ja.contains("2部請求"));
    // Easy Japanese says `lang="ja"` like Japanese: readers find it in the
    // language switcher, but search engines are told one `ja` per page.
    assert_eq!(
        count(&en, "<link rel=\"alternate\" hreflang=\"ja\""),
        1,
        "{en}"
    );
    assert!(en.contains("href=\"/ja-easy/alien-registration/disclosure/\""));
    let sitemap = String::from_utf8(files["sitemap.xml"].to_vec()).unwrap();
    assert!(sitemap.contains("<loc>https://"), "{sitemap}");
    assert_eq!(count(&sitemap, "<url>"), count(&sitemap, "<lastmod>"));
    // Easy Japanese: readings as ruby in the body, the heading and the
    // checker's first screen, never as braces; the glossary's explanations
    // follow a term's first use; `<title>` carries the words alone.
    let easy =
        String::from_utf8(files["ja-easy/alien-registration/disclosure/index.html"].to_vec())
            .unwrap();
    let h1 = &easy[easy.find("<h1>").unwrap()..easy.find("</h1>").unwrap()];
    assert!(h1.contains("<ruby>") && h1.contains("<rt>"), "{h1}");
    let checker = &easy[easy.find("id=\"madoguchi-checker\"").unwrap()..];
    assert!(checker.contains("<ruby>"), "the checker's first screen");
    assert!(
        easy.contains(
            "<small class=\"gloss\">（<dfn><ruby>収入印紙<rt>しゅうにゅういんし</rt></ruby></dfn>："
        ),
        "the glossary explains 収入印紙 on Easy Japanese pages"
    );
    let title = &easy[easy.find("<title>").unwrap()..easy.find("</title>").unwrap()];
    assert!(!title.contains('{') && !title.contains("<ruby"), "{title}");
    for (name, html) in &files {
        if name.ends_with(".html") {
            let html = String::from_utf8_lossy(html);
            let braces = html
                .split('{')
                .skip(1)
                .filter(|s| {
                    s.split('}').next().is_some_and(|inner| {
                        inner.contains('|') && inner.chars().any(madoguchi_rules::is_japanese)
                    })
                })
                .count();
            assert_eq!(braces, 0, "{name}: a reading left as braces");
        }
    }
}

/// Offline once visited: a build publishes the service worker at the root
/// (its assets listed, its version made from their fingerprints) and pages
/// register it from an external module and carry the hidden saved-copy
/// notice; an in-memory build for `serve` publishes a worker that only
/// removes itself, and its pages register none.
#[test]
fn a_build_publishes_the_offline_worker_and_serve_does_not_register_it() {
    let site = SiteTest::fixture("i18n");
    let out = site.build();
    let register = site_gen::offline::register_path();
    out.check_file(
        "en/guide/fees/index.html",
        &[
            &format!("<script type=\"module\" src=\"/guide/{register}\"></script>"),
            "<p class=\"notice offline-notice\" hidden>",
            "<span class=\"offline-date\"></span>",
        ],
    )
    .check_file(
        "sw.js",
        &[
            "const VERSION = \"",
            "\"/guide/favicon.svg\"",
            &format!("\"/guide/{register}\""),
        ],
    )
    .check_file(&register, &["serviceWorker.register"])
    .check_file("_headers", &["/guide/sw.js\n  Cache-Control: no-cache"]);
    let worker = out.file("sw.js");
    let version = site_gen::offline::version_of(&worker).unwrap().to_string();
    assert!(!worker.contains("@ASSETS@") && !worker.contains("@VERSION@"));
    // Another stylesheet, another fingerprint: another version.
    site.edit("static/css/site.css", |text| text + "\n/* changed */\n");
    let again = site.build().file("sw.js");
    assert_ne!(
        site_gen::offline::version_of(&again),
        Some(version.as_str())
    );

    let dev = site_gen::generate(&Options {
        livereload: true,
        ..site.options()
    })
    .unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let page = String::from_utf8(dev.files["en/guide/fees/index.html"].to_vec()).unwrap();
    assert!(
        !page.contains("offline."),
        "serve's pages register no worker"
    );
    assert!(!page.contains("offline-notice"), "nor carry the notice");
    let worker = String::from_utf8(dev.files["sw.js"].to_vec()).unwrap();
    assert!(worker.contains("registration.unregister()"), "{worker}");
    assert!(
        !worker.contains("\"fetch\""),
        "serve's worker answers no request"
    );
}
