//! Integration tests of `site-gen` on fixture sites under `tests/fixtures/`.
//!
//! `SiteTest::fixture("i18n")` copies a fixture into a temporary folder;
//! `.overlay("invalid/broken-link")` lays a failure case's files over it;
//! `.build()` runs the generator into `<tmp>/public`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use site_gen::Options;

mod catalogs;
mod checker_data;
mod deploy;
mod glossary;
mod linear;
mod review;
mod serve;
mod serve_fallback;
mod sources;

/// Starts `site-gen serve` on a free port for the site at `root` (with the
/// checker build `checker`, if given; its standard error to `stderr`) and
/// returns the child and the `host:port` it printed.
fn start_serve(
    root: &Path,
    checker: Option<&Path>,
    stderr: std::process::Stdio,
) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_site-gen"));
    cmd.arg("--root").arg(root);
    if let Some(dist) = checker {
        cmd.arg("--checker").arg(dist);
    }
    let mut child = cmd
        .args(["serve", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    (child, addr)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// Copies a fixture; symbolic links are recreated as links (replacing
/// what the overlaid site has there).
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.as_os_str() == "expect.txt" {
            continue;
        }
        let dest = to.join(rel);
        if entry.path_is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            if dest.is_dir() && !dest.is_symlink() {
                std::fs::remove_dir_all(&dest).unwrap();
            } else if dest.symlink_metadata().is_ok() {
                std::fs::remove_file(&dest).unwrap();
            }
            std::os::unix::fs::symlink(target, &dest).unwrap();
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file of a folder, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

struct SiteTest {
    dir: Rc<tempfile::TempDir>,
}

struct Output {
    out: PathBuf,
    /// Keeps the temporary site alive as long as its output is checked.
    _dir: Rc<tempfile::TempDir>,
}

impl SiteTest {
    fn fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join(name), dir.path());
        SiteTest { dir: Rc::new(dir) }
    }

    fn overlay(self, case: &str) -> Self {
        copy_tree(&fixtures().join(case), self.dir.path());
        self
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    fn try_build(&self) -> Result<Output, site_gen::Failed> {
        site_gen::build(&Options::new(self.root()), &self.out())?;
        Ok(Output {
            out: self.out(),
            _dir: Rc::clone(&self.dir),
        })
    }

    fn build_with(&self, opts: Options) -> Output {
        match site_gen::build(&opts, &self.out()) {
            Ok(_) => Output {
                out: self.out(),
                _dir: Rc::clone(&self.dir),
            },
            Err(e) => panic!("build failed:\n{}", e.render_plain()),
        }
    }

    fn build(&self) -> Output {
        match self.try_build() {
            Ok(o) => o,
            Err(e) => panic!("build failed:\n{}", e.render_plain()),
        }
    }
}

impl Output {
    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel))
            .unwrap_or_else(|e| panic!("{rel} was not written: {e}"))
    }

    fn check_file(&self, rel: &str, expected: &[&str]) -> &Self {
        let text = self.file(rel);
        for e in expected {
            assert!(text.contains(e), "{rel} lacks {e:?}:\n{text}");
        }
        self
    }

    fn check_absent(&self, rel: &str, unexpected: &[&str]) -> &Self {
        let text = self.file(rel);
        for e in unexpected {
            assert!(!text.contains(e), "{rel} should not contain {e:?}");
        }
        self
    }
}

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
fn sitemap_lists_every_page_with_alternates() {
    let out = SiteTest::fixture("i18n").build();
    let sitemap = out.file("sitemap.xml");
    assert_eq!(sitemap.matches("<url>").count(), 8, "{sitemap}");
    out.check_file(
        "sitemap.xml",
        &[
            "<loc>https://example.org/guide/en/guide/fees/</loc>\n    <lastmod>2026-11-25</lastmod>\n    <xhtml:link rel=\"alternate\" hreflang=\"ja\" href=\"https://example.org/guide/ja/guide/fees/\"/>\n    <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/guide/en/guide/fees/\"/>\n    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/guide/ja/guide/fees/\"/>",
        ],
    )
    .check_file("robots.txt", &["Sitemap: https://example.org/guide/sitemap.xml"]);
}

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
fn every_page_has_the_strict_csp_and_no_inline_script() {
    let site = SiteTest::fixture("i18n");
    site.build();
    for (rel, bytes) in tree(&site.out()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(
            html.contains("content=\"default-src &#39;self&#39;; script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;; object-src &#39;none&#39;; base-uri &#39;none&#39;\""),
            "{rel} lacks the CSP"
        );
        assert!(
            !html.contains("<script>") && !html.contains("style=\""),
            "{rel} has inline script or style"
        );
    }
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
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
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
    let guide = site.root().join("content/guide");
    for n in 0..300 {
        std::fs::write(
            guide.join(format!("p{n:03}.ja.md")),
            format!(
                "+++\ntitle = \"ページ {n}\"\ndescription = \"説明\"\nupdated = 2026-11-20\n+++\n本文 {n}。\n"
            ),
        )
        .unwrap();
    }
    site.build();
    let before = tree(&site.out());
    assert!(before.len() > 300, "{}", before.len());
    // The last page in file order renders with a template that fails.
    std::fs::create_dir_all(site.root().join("templates")).unwrap();
    std::fs::write(
        site.root().join("templates/broken.html"),
        "{% extends \"base.html\" %}{% block main %}{{ page.extra.nothing.here }}{% endblock main %}",
    )
    .unwrap();
    std::fs::write(
        guide.join("zz-last.ja.md"),
        "+++\ntitle = \"最後\"\ndescription = \"説明\"\nupdated = 2026-11-20\ntemplate = \"broken.html\"\n+++\n本文。\n",
    )
    .unwrap();
    let err = match site.try_build() {
        Ok(_) => panic!("a page with a failing template built"),
        Err(e) => e.render_plain(),
    };
    assert!(err.contains("broken.html"), "{err}");
    assert!(tree(&site.out()) == before, "the previous output changed");
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

/// Each invalid fixture: its error names file:line:col and the problem, the
/// CLI exits non-zero, and the previous output is left byte for byte.
#[test]
fn invalid_fixtures_fail_clearly_and_keep_the_previous_output() {
    let cases: Vec<String> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(cases.len() >= 7, "{cases:?}");
    for case in cases {
        let expect =
            std::fs::read_to_string(fixtures().join("invalid").join(&case).join("expect.txt"))
                .unwrap_or_else(|_| panic!("invalid/{case} needs an expect.txt"));
        let site = SiteTest::fixture("i18n");
        site.build();
        let before = tree(&site.out());
        let site = site.overlay(&format!("invalid/{case}"));
        let err = match site.try_build() {
            Ok(_) => panic!("invalid/{case} built without error"),
            Err(e) => e.render_plain(),
        };
        // `!text`: must not appear; `# ordered`: the lines appear in this order.
        let ordered = expect.lines().next() == Some("# ordered");
        let mut from = 0;
        for line in expect
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("# "))
        {
            if let Some(absent) = line.strip_prefix('!') {
                assert!(
                    !err.contains(absent),
                    "invalid/{case}: error should not say {absent:?}:\n{err}"
                );
                continue;
            }
            let at = if ordered {
                err[from..].find(line).map(|i| from + i)
            } else {
                err.find(line)
            };
            let Some(at) = at else {
                panic!("invalid/{case}: error lacks {line:?} (in order: {ordered}):\n{err}");
            };
            from = at + line.len();
        }
        assert!(
            err.contains("help:"),
            "invalid/{case}: no hint on what to do:\n{err}"
        );
        assert_eq!(
            tree(&site.out()),
            before,
            "invalid/{case} changed the previous output"
        );
        let leftovers: Vec<_> = std::fs::read_dir(site.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public"))
            .collect();
        assert!(leftovers.is_empty(), "invalid/{case} left {leftovers:?}");

        let cli = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .args(["--root"])
            .arg(site.root())
            .arg("build")
            .output()
            .unwrap();
        assert!(!cli.status.success(), "invalid/{case}: CLI exited 0");
        let stderr = String::from_utf8_lossy(&cli.stderr);
        let first = expect
            .lines()
            .find(|l| !l.starts_with("# ") && !l.starts_with('!'))
            .unwrap_or_default();
        assert!(
            stderr.contains(first),
            "invalid/{case}: CLI stderr lacks {first:?}:\n{stderr}"
        );
        assert_eq!(
            tree(&site.out()),
            before,
            "invalid/{case}: CLI changed the previous output"
        );
    }
}

#[test]
fn check_writes_nothing() {
    let site = SiteTest::fixture("i18n");
    let cli = Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .arg("--root")
        .arg(site.root())
        .arg("check")
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(!site.out().exists());
}

#[test]
fn a_site_template_overrides_the_default() {
    let site = SiteTest::fixture("i18n");
    std::fs::create_dir_all(site.root().join("templates")).unwrap();
    std::fs::write(
        site.root().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">{{ page.title }} — {{ trans(key=\"contents\", lang=lang) }}</p>{% endblock main %}",
    )
    .unwrap();
    let out = site.build();
    out.check_file(
        "en/guide/fees/index.html",
        &[
            "<p class=\"custom\">Fees and postage — Contents</p>",
            "<a class=\"skip-link\" href=\"#main\">Skip to main content</a>",
        ],
    );
}

#[test]
fn the_real_site_builds_in_every_language() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
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
    assert!(!sitemap.contains("hreflang=\"ja-easy\""));
    assert_eq!(count(&sitemap, "hreflang=\"ja\""), count(&sitemap, "<url>"));
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

#[test]
fn checker_pages_carry_the_first_screen_and_their_data() {
    let out = SiteTest::fixture("i18n").build();
    out.check_file(
        "en/guide/fees/index.html",
        &[
            "<div id=\"madoguchi-checker\" class=\"checker-root\"><!--<[]>-->",
            "<h2 tabindex=\"-1\" id=\"checker-heading\" class=\"question-heading\">Who is making the request?</h2>",
            "<pre hidden id=\"madoguchi-checker-data\" data-procedure=\"apply\">",
        ],
    )
    .check_file(
        "ja/guide/fees/index.html",
        &["どなたが請求しますか。", "<label for=\"q-who\">本人</label>"],
    )
    // Without the built app, no checker script is referenced (only the
    // service worker's registering module).
    .check_absent("en/guide/fees/index.html", &["checker/", "integrity="])
    .check_absent("en/guide/index.html", &["madoguchi-checker"]);
}

#[test]
fn checker_scripts_are_external_with_subresource_integrity() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let site = SiteTest::fixture("i18n");
    let dist = site.root().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("app-1234.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(dist.join("app-1234_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!-- trunk's own page, not used -->",
    )
    .unwrap();
    let mut opts = Options::new(site.root());
    opts.checker_dist = Some(dist);
    let out = site.build_with(opts);
    let sri = |bytes: &[u8]| {
        format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
        )
    };
    let page = out.file("en/guide/fees/index.html");
    let glue_sri = sri(b"export default function init() {}");
    assert!(page.contains(&format!(
        "<link rel=\"modulepreload\" href=\"/guide/checker/app-1234.js\" integrity=\"{glue_sri}\">"
    )));
    let boot_name = tree(&site.out().join("checker"))
        .into_keys()
        .find(|k| k.starts_with("boot."))
        .unwrap();
    let boot = out.file(&format!("checker/{boot_name}"));
    assert!(page.contains(&format!(
        "<script type=\"module\" src=\"/guide/checker/{boot_name}\" integrity=\"{}\"></script>",
        sri(boot.as_bytes())
    )));
    assert!(boot.contains(&sri(b"\0asm\x01\0\0\0")), "{boot}");
    assert!(boot.contains("import(\"./app-1234.js\")"), "{boot}");
    // The wasm downloads in parallel with the glue, checked the same way.
    assert!(page.contains(&format!(
        "<link rel=\"preload\" href=\"/guide/checker/app-1234_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" integrity=\"{}\">",
        sri(b"\0asm\x01\0\0\0")
    )), "{page}");
    // The start link near the top and the contents both lead to the checker.
    assert!(
        page.contains("<a class=\"start-link\" href=\"#checker\">"),
        "{page}"
    );
    assert!(page.contains("<section class=\"checker-section\" id=\"checker\""));
    // Before the app runs nothing can be submitted: the form cannot send
    // (method=dialog) and its button is disabled.
    assert!(
        page.contains("method=\"dialog\"") && !page.contains("method=\"get\""),
        "{page}"
    );
    assert!(page.contains("disabled"), "{page}");
    assert!(!site.out().join("checker/index.html").exists());
}

/// Staff change a fee in one data file: after one rebuild the prose, the
/// checker's data and the checker's computation all say the new amount.
#[test]
fn changing_the_fee_in_the_data_file_changes_prose_and_checker() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    for sub in ["content", "static"] {
        copy_tree(&real.join(sub), &dir.path().join(sub));
    }
    let data = dir.path().join("content/data/disclosure.toml");
    let text = std::fs::read_to_string(&data).unwrap();
    assert!(text.contains("[handling_fee]\nyen = 300\n"));
    std::fs::write(
        &data,
        text.replace("[handling_fee]\nyen = 300\n", "[handling_fee]\nyen = 400\n"),
    )
    .unwrap();
    let built = site_gen::generate(&Options::new(dir.path())).unwrap();
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

/// `site-gen serve`: serves the site, shows a build error in the browser
/// while keeping the server up, and recovers when the error is fixed.
#[test]
fn serve_rebuilds_on_change_and_shows_build_errors() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};

    fn get(addr: &str, path: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, response)
    }
    fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
        let start = Instant::now();
        while !ok() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    let site = SiteTest::fixture("i18n");
    let (mut child, addr) = start_serve(site.root(), None, std::process::Stdio::null());
    let (status, body) = get(&addr, "/en/guide/fees/");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Content-Security-Policy"),
        "the CSP is also sent as a header"
    );
    assert!(body.contains("<script type=\"module\" src=\"/__livereload.js\">"));

    let page = site.root().join("content/guide/fees.en.md");
    let good = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{good}\n{{{{ nope() }}}}\n")).unwrap();
    wait_for("the build error page", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 500 && body.contains("unknown shortcode `nope`")
    });
    // The server keeps running and serves the last good CSS meanwhile.
    let (status, _) = get(&addr, "/favicon.svg");
    assert_eq!(status, 200);

    std::fs::write(
        &page,
        good.replace("About the fees.", "About the fees, fixed."),
    )
    .unwrap();
    wait_for("the fixed page", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 200 && body.contains("About the fees, fixed.")
    });
    let (status, _) = get(&addr, "/no/such/page/");
    assert_eq!(status, 404);

    // A folder made after start is watched: a page written into it later
    // is served too.
    let later = site.root().join("content/later");
    std::fs::create_dir_all(&later).unwrap();
    std::fs::write(
        later.join("_index.ja.md"),
        "+++\ntitle = \"後で\"\ndescription = \"新しい節\"\nupdated = 2026-11-26\n+++\n本文。\n",
    )
    .unwrap();
    wait_for("the new folder's page", || {
        get(&addr, "/ja/later/").0 == 200
    });
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(
        later.join("second.ja.md"),
        "+++\ntitle = \"二番目\"\ndescription = \"後から\"\nupdated = 2026-11-26\n+++\n二番目の本文。\n",
    )
    .unwrap();
    wait_for("a page written into the new folder", || {
        let (status, body) = get(&addr, "/ja/later/second/");
        status == 200 && body.contains("二番目の本文。")
    });

    // A template that includes itself (once a stack overflow that killed
    // the server) is an error page; the server lives on and recovers.
    let template = site.root().join("templates/page.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::write(
        &template,
        "{% extends \"base.html\" %}{% block main %}{% include \"page.html\" %}{% endblock main %}",
    )
    .unwrap();
    wait_for("the recursion error page", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 500 && body.contains("template `page.html` includes itself")
    });
    std::fs::remove_file(&template).unwrap();
    wait_for("the page again", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 200 && body.contains("About the fees, fixed.")
    });
    assert!(child.try_wait().unwrap().is_none(), "the server stopped");
    child.kill().unwrap();
    let _ = child.wait();
}

/// The fixture site with the register overlay: a fact checked long ago, one
/// used nowhere, one with a dated rate still to come and two sources.
fn register_site() -> SiteTest {
    SiteTest::fixture("i18n").overlay("warnings/stale-and-unused")
}

fn on_day(root: &Path, day: &str) -> Options {
    let mut opts = Options::new(root);
    opts.today = site_gen::config::Date::parse(day).unwrap();
    opts
}

#[test]
fn stale_and_unused_facts_are_warnings_with_their_place() {
    let site = register_site();
    let built = match site_gen::generate(&on_day(site.root(), "2026-11-26")) {
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
    let built = site_gen::generate(&on_day(site.root(), "2026-11-25")).unwrap();
    let text = site_gen::diag::render_plain(&built.sources, &built.warnings);
    assert!(text.contains("684 days ago"), "{text}");
}

#[test]
fn facts_register_lists_values_sources_checks_and_uses() {
    let site = register_site();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .arg("--root")
            .arg(site.root())
            .args(["--today", "2026-11-26", "facts"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(&[]);
    let expected =
        std::fs::read_to_string(fixtures().join("warnings/stale-and-unused/facts.txt")).unwrap();
    assert_eq!(
        text, expected,
        "`site-gen facts` changed; if that is intended, update \
         tests/fixtures/warnings/stale-and-unused/facts.txt"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
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
    let out = site.build_with(on_day(site.root(), "2026-11-26"));
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
    let out = site.build_with(on_day(site.root(), "2026-11-26"));
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

/// Every file under the site root except the output, with its bytes.
fn sources_of(root: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(root)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("public/") && !k.starts_with(".public"))
        .collect()
}

/// `build --out X` where X is, holds or lies inside the sources (or is a
/// file) is refused before anything is touched: every source file is still
/// there byte for byte, the previous output too, and the CLI exits non-zero.
#[test]
fn out_that_would_overwrite_the_sources_is_refused() {
    let site = SiteTest::fixture("i18n");
    site.build();
    std::fs::create_dir_all(site.root().join(".git")).unwrap();
    std::fs::write(site.root().join(".git/config"), "[core]\n").unwrap();
    let name = site
        .root()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let cases: &[(&str, &str)] = &[
        (
            "content",
            "it is, holds or lies inside the site's `content/` folder",
        ),
        (
            "static",
            "it is, holds or lies inside the site's `static/` folder",
        ),
        (
            "templates",
            "it is, holds or lies inside the site's `templates/` folder",
        ),
        (
            "content/data",
            "it is, holds or lies inside the site's `content/` folder",
        ),
        (
            "content/new/out",
            "it is, holds or lies inside the site's `content/` folder",
        ),
        (".", "it is the site root, whose sources it would replace"),
        ("..", "it holds the site root"),
        ("content/site.toml", "it is a file, not a folder"),
        (".git", "it lies inside a hidden folder of the site root"),
    ];
    let before = sources_of(site.root());
    let output_before = tree(&site.out());
    let mut all: Vec<(String, &str)> = cases.iter().map(|(o, m)| (o.to_string(), *m)).collect();
    // `--out ../SITE` from inside the site: the root itself.
    all.push((format!("../{name}"), "it is the site root"));
    for (out, message) in all {
        let cli = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .current_dir(site.root())
            .args(["build", "--out", &out])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&cli.stderr);
        assert!(!cli.status.success(), "--out {out}: exited 0:\n{stderr}");
        assert!(
            stderr.contains(&format!("refusing `--out {out}`: {message}")),
            "--out {out}: {stderr}"
        );
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(
            sources_of(site.root()),
            before,
            "--out {out} changed the sources"
        );
        assert_eq!(
            tree(&site.out()),
            output_before,
            "--out {out} changed the output"
        );
        // The library refuses the same way.
        let err = site_gen::build(&Options::new(site.root()), &site.root().join(&out))
            .err()
            .unwrap_or_else(|| panic!("--out {out} built"))
            .render_plain();
        assert!(err.contains(message), "{err}");
    }
    // A linked `static` folder counts where it points.
    std::fs::rename(site.root().join("static"), site.root().join("assets")).unwrap();
    std::os::unix::fs::symlink("assets", site.root().join("static")).unwrap();
    let err = site_gen::build(&Options::new(site.root()), &site.root().join("assets"))
        .err()
        .unwrap()
        .render_plain();
    assert!(
        err.contains("lies inside the site's `static/` folder"),
        "{err}"
    );
    assert!(site.root().join("assets/css/site.css").exists());
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
        let p = site.root().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
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

/// A multi-line comment is dropped as the README says, not refused.
#[test]
fn multi_line_comments_are_dropped() {
    let site = SiteTest::fixture("i18n");
    let page = site.root().join("content/guide/_index.en.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text}\n<!-- For staff:\n check the dates\n-->\n\nVisible.\n"),
    )
    .unwrap();
    site.build()
        .check_file("en/guide/index.html", &["Visible."])
        .check_absent("en/guide/index.html", &["For staff", "check the dates"]);
}

/// Yew writes component names into its markers only with debug
/// assertions: site-gen builds it without, so the pages are the same
/// whether site-gen was built in debug or release.
#[test]
fn checker_pages_do_not_depend_on_the_build_profile() {
    let site = SiteTest::fixture("i18n");
    site.build();
    let page = String::from_utf8(tree(&site.out())["en/guide/fees/index.html"].clone()).unwrap();
    assert!(page.contains("<!--<[]>-->"), "no Yew marker at all");
    assert!(
        !page.contains("<!--<[checker") && !page.contains("<!--</[checker"),
        "a component name in a Yew marker: the output depends on the build profile"
    );
}

/// Unreadable folders and files are errors naming them, never skipped.
/// (Run as an unprivileged user when the tests run as root, since root
/// reads everything.)
#[test]
fn unreadable_files_and_folders_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    let site = SiteTest::fixture("i18n");
    site.build();
    let before = tree(&site.out());
    for dir in walkdir::WalkDir::new(site.root()) {
        let dir = dir.unwrap();
        let mode = if dir.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let locked = site.root().join("content/guide/locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::write(locked.join("x.ja.md"), "+++\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    for file in [
        "content/guide/fees.ja.md",
        "content/data/fees.toml",
        "content/procedures/apply.toml",
    ] {
        let path = site.root().join(file);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    }

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_site-gen"));
    cmd.arg("--root").arg(site.root()).arg("build");
    if std::fs::read_dir(&locked).is_ok() {
        // Privileged: build as `nobody`, for whom the permissions hold.
        use std::os::unix::process::CommandExt;
        cmd.uid(65534).gid(65534);
    }
    let cli = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(!cli.status.success(), "{stderr}");
    assert!(
        stderr.contains("cannot read `content/guide/locked`: ")
            && stderr.contains("Permission denied"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot read `content/guide/fees.ja.md`: Permission denied"),
        "{stderr}"
    );
    for file in ["content/data/fees.toml", "content/procedures/apply.toml"] {
        assert!(
            stderr.contains(&format!("cannot read `{file}`: Permission denied")),
            "{stderr}"
        );
    }
    // Nothing that only follows from the unreadable files.
    for follow_on in [
        "no such page",
        "has no `ja`",
        "unknown fact",
        "no procedure",
    ] {
        assert!(!stderr.contains(follow_on), "{follow_on}: {stderr}");
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(tree(&site.out()), before);

    // An unreadable `content/` is said to be unreadable, not missing.
    let content = site.root().join("content");
    std::fs::set_permissions(&content, std::fs::Permissions::from_mode(0o000)).unwrap();
    let cli = cmd.output().unwrap();
    std::fs::set_permissions(&content, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(!cli.status.success());
    assert!(stderr.contains("cannot read `content`: "), "{stderr}");
    assert!(!stderr.contains("no site configuration"), "{stderr}");
    assert_eq!(tree(&site.out()), before);
}

/// When the previous output cannot be deleted after the new one is in
/// place, the build succeeds with a warning naming the leftover folder; it
/// never says "nothing was written". A failure before the swap says it.
#[test]
fn output_failures_say_what_was_written() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let site = SiteTest::fixture("i18n");
    site.build();
    for entry in walkdir::WalkDir::new(site.root()) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let locked = site.out().join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::write(locked.join("old.txt"), "old").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let as_builder = |cmd: &mut Command| {
        if std::fs::File::create(locked.join("probe")).is_ok() {
            // Privileged: the lock only holds for an ordinary user.
            let _ = std::fs::remove_file(locked.join("probe"));
            cmd.uid(65534).gid(65534);
        }
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_site-gen"));
    cmd.arg("--root").arg(site.root()).arg("build");
    as_builder(&mut cmd);
    let cli = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(cli.status.success(), "{stderr}");
    assert!(
        stderr.contains("but its previous version could not be deleted"),
        "{stderr}"
    );
    assert!(!stderr.contains("nothing was written"), "{stderr}");
    assert!(site.out().join("en/guide/fees/index.html").exists());
    assert!(
        !site.out().join("locked").exists(),
        "the old output is still in place"
    );
    // Unlock the leftover so the temporary folder can be removed.
    for entry in walkdir::WalkDir::new(site.root()) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o755));
        }
    }

    // An output folder that cannot be created: nothing was written, and it says so.
    std::fs::write(site.root().join("blocker"), "a file").unwrap();
    let cli = Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .arg("--root")
        .arg(site.root())
        .args(["build", "--out"])
        .arg(site.root().join("blocker/public"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(!cli.status.success());
    assert!(
        stderr.contains("was left as it was") && stderr.contains("nothing was written"),
        "{stderr}"
    );
}

/// ARCHITECTURE.md's invariant: within site-gen only `load.rs` (reading the
/// site root, checking `--out`), `output.rs` (writing), `checker.rs`
/// (reading trunk's output), `serve.rs` (watching) and `main.rs` (the CLI's
/// own output) touch the file system; everything else works on memory.
#[test]
fn only_the_named_files_touch_the_file_system() {
    const ALLOWED: [&str; 5] = ["load.rs", "output.rs", "checker.rs", "serve.rs", "main.rs"];
    const MARKERS: [&str; 8] = [
        "std::fs",
        "fs::",
        "canonicalize",
        "read_dir",
        "walkdir",
        "tempfile",
        "notify::",
        "path::absolute",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".rs") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if let Some(m) = MARKERS.iter().find(|m| line.contains(*m))
                && !ALLOWED.contains(&name.as_str())
            {
                offenders.push(format!("src/{name}:{}: `{m}`", n + 1));
            }
        }
    }
    assert!(
        seen >= 10,
        "only {seen} source files found in {}",
        src.display()
    );
    assert!(
        offenders.is_empty(),
        "file-system access outside the allowed files:\n{}",
        offenders.join("\n")
    );
}

/// Fills every empty msgstr of a catalog with `f(msgid)`.
fn translate_catalog(path: &Path, f: impl Fn(&str) -> String) {
    let mut po = rspolib::pofile(path.to_str().unwrap()).unwrap();
    for e in &mut po.entries {
        if e.msgstr.as_deref().is_none_or(str::is_empty) {
            e.msgstr = Some(f(&e.msgid));
        }
    }
    rspolib::prelude::Save::save(&po, path.to_str().unwrap());
}

fn count(text: &str, what: &str) -> usize {
    text.matches(what).count()
}

#[test]
fn one_edited_japanese_sentence_marks_exactly_that_block_in_every_catalog_language() {
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let opts = Options::new(site.root());
    let (_, updated, _) =
        site_gen::i18n::update(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    assert_eq!(
        updated
            .iter()
            .map(|u| (u.lang.as_str(), u.created))
            .collect::<Vec<_>>(),
        [("ko", true), ("ur", true)]
    );
    let ko = site.root().join("content/i18n/ko.po");
    let ur = site.root().join("content/i18n/ur.po");
    let po = std::fs::read_to_string(&ko).unwrap();
    assert!(
        po.contains("msgid \"手数料の説明です。\"\nmsgstr \"\""),
        "{po}"
    );
    assert!(po.contains("msgctxt \"ui:skip_link\""), "{po}");
    // Untranslated: the Japanese block, marked, in lang="ja".
    let out = site.build();
    out.check_file(
        "ko/guide/fees/index.html",
        &[
            "<html lang=\"ko\" dir=\"ltr\">",
            "<p><span lang=\"ja\">手数料の説明です。</span> <span class=\"i18n-mark\">",
            // An untranslated title is Japanese too, in the heading and
            // the breadcrumbs.
            "<h1><span lang=\"ja\">手数料と郵送料</span></h1>",
            "aria-current=\"page\"><span lang=\"ja\">手数料と郵送料</span></a>",
        ],
    )
    .check_file(
        "ur/guide/fees/index.html",
        &["<html lang=\"ur\" dir=\"rtl\">"],
    );

    translate_catalog(&ko, |id| format!("KO {id}"));
    translate_catalog(&ur, |id| format!("UR {id}"));
    let out = site.build();
    let page = out.file("ko/guide/fees/index.html");
    // Japanese inside another language is marked as such.
    assert!(
        page.contains("<p>KO <span lang=\"ja\">手数料の説明です。</span></p>"),
        "{page}"
    );
    assert!(
        page.contains("<h1>KO <span lang=\"ja\">手数料と郵送料</span></h1>"),
        "{page}"
    );
    assert_eq!(count(&page, "i18n-mark"), 0, "{page}");
    assert_eq!(count(&page, "i18n-outdated"), 0);

    // Staff edit one sentence of the Japanese page and update the catalogs.
    let src = site.root().join("content/guide/fees.ja.md");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, text.replace("予備です。", "予備の段落です。")).unwrap();
    let (_, updated, _) =
        site_gen::i18n::update(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    for u in &updated {
        assert_eq!(u.merged.newly_outdated, 1, "{}", u.lang);
        assert_eq!(u.merged.missing, 0, "{}", u.lang);
    }
    let po = std::fs::read_to_string(&ko).unwrap();
    assert_eq!(count(&po, "#, fuzzy"), 1, "{po}");
    assert!(
        po.contains(
            "#| msgid \"予備です。\"\nmsgid \"予備の段落です。\"\nmsgstr \"KO 予備です。\""
        ),
        "{po}"
    );
    let out = site.build();
    for lang in ["ko", "ur"] {
        let page = out.file(&format!("{lang}/guide/fees/index.html"));
        assert_eq!(
            count(&page, "<details class=\"i18n-outdated\">"),
            1,
            "{page}"
        );
        // The old translation stays, the current Japanese is one click away.
        let up = lang.to_uppercase();
        assert!(
            page.contains(&format!(
                "<p>{up} <span lang=\"ja\">予備です。</span></p>\n<details class=\"i18n-outdated\"><summary>"
            )),
            "{page}"
        );
        assert!(
            page.contains("<div lang=\"ja\"><p>予備の段落です。</p>\n</div></details>"),
            "{page}"
        );
        // Other pages have nothing outdated.
        assert_eq!(
            count(&out.file(&format!("{lang}/index.html")), "i18n-outdated"),
            0
        );
    }
}

#[test]
fn a_translation_that_drops_a_fact_fails_naming_the_catalog_line() {
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let opts = Options::new(site.root());
    site_gen::i18n::update(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let ko = site.root().join("content/i18n/ko.po");
    translate_catalog(&ko, |id| {
        if id.starts_with("現在は") {
            "현재 요금은 110엔입니다.".to_string()
        } else {
            format!("KO {id}")
        }
    });
    let po = std::fs::read_to_string(&ko).unwrap();
    let line = po
        .lines()
        .position(|l| l.starts_with("msgstr \"현재"))
        .unwrap()
        + 1;
    // `check` (and CI) fail on it, at its line.
    let Err(e) = site_gen::check(&opts) else {
        panic!("a dropped fact must fail `check`")
    };
    let text = e.render_plain();
    assert!(
        text.contains(&format!("content/i18n/ko.po:{line}")),
        "{text}"
    );
    assert!(
        text.contains("the translation changes what must stay as written: it drops"),
        "{text}"
    );
    assert!(text.contains("{{fact(key=\"fees.postage\")}}"), "{text}");
    // `build` publishes the Japanese of that block, marked, with a warning.
    let built =
        site_gen::build(&opts, &site.out()).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let warning = built
        .warnings
        .iter()
        .find(|w| w.translation)
        .expect("a warning naming the translation");
    assert!(warning.message.contains("it drops"), "{warning:?}");
    let page = std::fs::read_to_string(site.out().join("ko/guide/fees/index.html")).unwrap();
    assert!(!page.contains("110엔"), "{page}");
    assert!(page.contains("現在は"), "{page}");
    assert_eq!(count(&page, "i18n-mark"), 1, "{page}");
}

/// The catalogs round-trip through gettext's own tools: `msgcat` (without
/// folding, as site-gen writes them) gives each file back byte for byte, and
/// `msgfmt --check` accepts it. (`cargo xtask test` installs gettext.)
#[test]
fn the_real_catalogs_come_out_of_msgcat_unchanged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/i18n");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "po") {
            continue;
        }
        seen += 1;
        let out = Command::new("msgcat")
            .arg("--no-wrap")
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("msgcat not found ({e}): install gettext"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout == std::fs::read(&path).unwrap(),
            "{} changes under msgcat --no-wrap",
            path.display()
        );
        let check = Command::new("msgfmt")
            .args(["--check", "-o", "/dev/null"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    assert_eq!(seen, 14, "one catalog per language but Japanese");
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
    let css = site.root().join("static/css/site.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str("\n/* changed */\n");
    std::fs::write(&css, text).unwrap();
    let again = site.build().file("sw.js");
    assert_ne!(
        site_gen::offline::version_of(&again),
        Some(version.as_str())
    );

    let dev = site_gen::generate(&Options {
        livereload: true,
        ..Options::new(site.root())
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
