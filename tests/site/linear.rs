//! What a page holds does not grow with the site (issue #19): no list of
//! every section on every page, and a long listing cut into pages of
//! `PAGE_SIZE` (100) children, each linking the next and previous.

use std::path::Path;

use crate::support::SiteTest;

const PAGE_SIZE: usize = 100;

fn write_page(root: &Path, rel: &str, title: &str, weight: usize) {
    let path = root.join("content").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!(
            "+++\ntitle = \"{title}\"\ndescription = \"{title}の説明\"\nupdated = 2026-11-20\nweight = {weight}\n+++\n{title}の本文です。\n"
        ),
    )
    .unwrap();
}

/// The i18n fixture with `n` more top-level sections, each with one page.
fn with_sections(n: usize) -> SiteTest {
    let site = SiteTest::fixture("i18n");
    for s in 0..n {
        write_page(
            site.root(),
            &format!("s{s:03}/_index.ja.md"),
            &format!("分野{s:03}"),
            100 + s,
        );
        write_page(
            site.root(),
            &format!("s{s:03}/p.ja.md"),
            &format!("分野{s:03}の手続"),
            1,
        );
    }
    site
}

#[test]
fn a_page_is_the_same_with_5_or_200_sections() {
    let small = with_sections(5);
    let large = with_sections(200);
    let (a, b) = (small.build(), large.build());
    for page in [
        "ja/guide/fees/index.html",
        "en/guide/fees/index.html",
        "ja/guide/index.html",
        "ja/guide/only-ja/index.html",
        "ja/s003/p/index.html",
    ] {
        assert_eq!(
            a.file(page),
            b.file(page),
            "{page} changed with the number of sections"
        );
    }
    // The footer links the home page and the page's own top-level section.
    a.check_file(
        "en/guide/fees/index.html",
        &[
            "<ul class=\"footer-links\">\n<li><a href=\"/guide/en/\">Test counter</a></li>\n<li><a href=\"/guide/en/guide/\">",
        ],
    )
    .check_file(
        "ja/s003/p/index.html",
        &["<li><a href=\"/guide/ja/s003/\">分野003</a></li>\n</ul>"],
    );
    // The home page lists the sections, 100 at a time.
    let home = b.file("ja/index.html");
    assert_eq!(home.matches("class=\"card\"").count(), PAGE_SIZE);
    assert!(home.contains("<a href=\"/guide/ja/page/2/\" rel=\"next\">"));
}

/// The i18n fixture with a section of `n` pages in Japanese, its index
/// also in English (whose listing shows the Japanese pages, marked).
fn with_big_section(n: usize) -> SiteTest {
    let site = SiteTest::fixture("i18n");
    write_page(site.root(), "big/_index.ja.md", "大きな分野", 50);
    std::fs::write(
        site.root().join("content/big/_index.en.md"),
        "+++\ntitle = \"A big section\"\ndescription = \"Many pages\"\nupdated = 2026-11-20\ntranslated_from = 2026-11-20\nweight = 50\n+++\nMany pages.\n",
    )
    .unwrap();
    for i in 0..n {
        write_page(
            site.root(),
            &format!("big/p{i:03}.ja.md"),
            &format!("手続{i:03}"),
            i,
        );
    }
    site
}

#[test]
fn a_section_of_250_pages_is_listed_on_3_linked_pages() {
    let site = with_big_section(250);
    let out = site.build();
    let pages = [
        "ja/big/index.html",
        "ja/big/page/2/index.html",
        "ja/big/page/3/index.html",
    ];
    let texts: Vec<String> = pages.iter().map(|p| out.file(p)).collect();
    assert!(!site.out().join("ja/big/page/4/index.html").exists());
    assert!(!site.out().join("ja/big/page/1/index.html").exists());

    // Every child listed once, at most PAGE_SIZE a page, in order.
    let mut seen = Vec::new();
    for (p, text) in pages.iter().zip(&texts) {
        let cards = text.matches("class=\"card\"").count();
        assert!(cards <= PAGE_SIZE, "{p} lists {cards}");
        for i in 0..250 {
            if text.contains(&format!("href=\"/guide/ja/big/p{i:03}/\"")) {
                seen.push(i);
            }
        }
    }
    assert_eq!(seen, (0..250).collect::<Vec<_>>());
    assert_eq!(texts[2].matches("class=\"card\"").count(), 50);

    // Previous and next, with `rel`, in the page's language.
    let nav = "<nav class=\"pagination\" aria-label=\"一覧のページ\">";
    let next =
        |n: usize| format!("<a href=\"/guide/ja/big/page/{n}/\" rel=\"next\">次のページ</a>");
    let prev1 = "<a href=\"/guide/ja/big/\" rel=\"prev\">前のページ</a>";
    let prev2 = "<a href=\"/guide/ja/big/page/2/\" rel=\"prev\">前のページ</a>";
    out.check_file(pages[0], &[nav, &next(2), "3ページ中1ページ目"])
        .check_absent(pages[0], &["rel=\"prev\""])
        .check_file(pages[1], &[nav, prev1, &next(3), "3ページ中2ページ目"])
        .check_file(pages[2], &[nav, prev2])
        .check_absent(pages[2], &["rel=\"next\""]);
    // Each page is its own canonical URL, has its own title, and the
    // section's text only on the first.
    out.check_file(
        pages[1],
        &[
            "<link rel=\"canonical\" href=\"https://example.org/guide/ja/big/page/2/\">",
            "<title>大きな分野 (3ページ中2ページ目) | テスト窓口</title>",
            "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/guide/en/big/page/2/\">",
        ],
    )
    .check_absent(pages[1], &["大きな分野の本文です。"])
    .check_file(pages[0], &["大きな分野の本文です。"]);
    // The English section lists the same pages (in Japanese, marked),
    // with English labels.
    out.check_file(
        "en/big/page/3/index.html",
        &[
            "<nav class=\"pagination\" aria-label=\"Pages of this list\">",
            "<a href=\"/guide/en/big/page/2/\" rel=\"prev\">Previous page</a>",
            "Page 3 of 3",
            "href=\"/guide/ja/big/p249/\" hreflang=\"ja\"",
        ],
    );

    // The sitemap lists every page of the listing.
    let sitemap = out.file("sitemap.xml");
    for url in [
        "https://example.org/guide/ja/big/",
        "https://example.org/guide/ja/big/page/2/",
        "https://example.org/guide/ja/big/page/3/",
        "https://example.org/guide/en/big/page/3/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "the sitemap lacks {url}"
        );
    }
    assert!(sitemap.contains(
        "  <url>\n    <loc>https://example.org/guide/ja/big/page/2/</loc>\n    <lastmod>2026-11-20</lastmod>\n  </url>\n"
    ));
    assert!(!sitemap.contains("/big/page/4/"));
}

#[test]
fn a_section_of_exactly_100_pages_is_one_page() {
    let site = with_big_section(PAGE_SIZE);
    let out = site.build();
    out.check_absent(
        "ja/big/index.html",
        &["class=\"pagination\"", "rel=\"next\""],
    );
    assert!(!site.out().join("ja/big/page/2").exists());
    assert!(!out.file("sitemap.xml").contains("/big/page/"));
}

#[test]
fn a_page_where_a_listing_continues_is_refused_naming_its_file() {
    let site = with_big_section(150);
    write_page(site.root(), "big/page/2.ja.md", "紛らわしいページ", 1);
    let err = match site.try_build() {
        Ok(_) => panic!("a page at big/page/2/ was accepted"),
        Err(e) => e.render_plain(),
    };
    assert!(
        err.contains("content/big/page/2.ja.md")
            && err.contains("/guide/ja/big/page/2/")
            && err.contains("page 2 of 2"),
        "{err}"
    );
    // A static file there is refused as well.
    let site = with_big_section(150);
    let file = site.root().join("static/ja/big/page/2/index.html");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "<p>x</p>").unwrap();
    let err = match site.try_build() {
        Ok(_) => panic!("a static file at big/page/2/ was accepted"),
        Err(e) => e.render_plain(),
    };
    assert!(
        err.contains("would replace the generated `ja/big/page/2/index.html`"),
        "{err}"
    );
}

#[test]
fn serve_renders_the_further_pages_again_and_drops_those_a_listing_no_longer_has() {
    use site_gen::cache::Cache;

    let site = with_big_section(PAGE_SIZE + 1);
    let opts = site_gen::Options {
        base_url: Some("http://127.0.0.1:8000/".into()),
        livereload: true,
        ..site_gen::Options::new(site.root())
    };
    let mut cache = Cache::new();
    let build = |cache: &mut Cache, step: &str| {
        let ours = site_gen::site::generate_cached(&opts, cache)
            .unwrap_or_else(|e| panic!("{step}: {}", e.render_plain()));
        let clean = site_gen::generate(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
        let differ: Vec<&String> = clean
            .files
            .keys()
            .chain(ours.files.keys())
            .filter(|k| clean.files.get(*k) != ours.files.get(*k))
            .collect();
        assert!(
            differ.is_empty(),
            "{step}: serve differs from a clean build in {differ:?}"
        );
        ours
    };
    let first = build(&mut cache, "first");
    assert!(first.files.contains_key("ja/big/page/2/index.html"));

    // The title of the one page on page 2: page 2 changes, page 1 not.
    let last = site.root().join("content/big/p100.ja.md");
    let text = std::fs::read_to_string(&last).unwrap();
    std::fs::write(
        &last,
        text.replace("title = \"手続100\"", "title = \"手続100（改）\""),
    )
    .unwrap();
    assert!(cache.changed(
        site.root(),
        std::slice::from_ref(&last),
        site_gen::serve::plain_file,
    ));
    let edited = build(&mut cache, "title on page 2");
    assert!(
        String::from_utf8_lossy(&edited.files["ja/big/page/2/index.html"])
            .contains("手続100（改）")
    );
    assert_eq!(
        edited.files["ja/big/index.html"],
        first.files["ja/big/index.html"]
    );

    // One page fewer: the listing fits on one page, page 2 goes.
    let gone = site.root().join("content/big/p000.ja.md");
    std::fs::remove_file(&gone).unwrap();
    assert!(cache.changed(site.root(), &[gone], site_gen::serve::plain_file));
    let shorter = build(&mut cache, "page deleted");
    assert!(!shorter.files.contains_key("ja/big/page/2/index.html"));
}
