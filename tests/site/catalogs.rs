//! Catalogs as a trust boundary: a translation that breaks a rule is never
//! published and never blocks the Japanese; a catalog is never rewritten
//! lossily by `i18n update`.
//!
//! Each case of `tests/fixtures/catalog-rules/<case>/` is laid over the
//! `i18n` fixture with the `catalogs` languages. Its `expect.txt` lists what
//! `check` must say (the first line: `content/i18n/ko.po:<line>:`); `!text`
//! must not be said; `# never published: TEXT` is in no file `build` writes;
//! `# update refuses`: `i18n update` fails and leaves the file byte for byte
//! (otherwise it succeeds and keeps the translation for its translator).

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{SiteTest, count, fixtures, real_site, translate_catalog, tree};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn each_broken_translation_fails_check_at_its_line_and_build_shows_the_japanese() {
    let dir = fixtures().join("catalog-rules");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "{cases:?}");
    // Every case runs; the failing ones are listed at the end.
    let failed: Vec<String> = cases
        .into_iter()
        .filter(|case| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(&dir, case))).is_err()
        })
        .collect();
    assert!(failed.is_empty(), "failed: {failed:?}");
}

fn run_case(dir: &Path, case: &str) {
    let expect = std::fs::read_to_string(dir.join(case).join("expect.txt"))
        .unwrap_or_else(|_| panic!("catalog-rules/{case} needs an expect.txt"));
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    site.build();
    let before = tree(&site.out());
    let site = site.overlay(&format!("catalog-rules/{case}"));
    let po = site.root().join("content/i18n/ko.po");
    let po_before = std::fs::read(&po).unwrap();

    // `check`: fails, says where and what, writes nothing.
    let check = site.cmd(&["check"]).output().unwrap();
    let said = stderr(&check);
    assert!(!check.status.success(), "{case}: check exited 0:\n{said}");
    for line in expect.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(absent) = line.strip_prefix('!') {
            assert!(
                !said.contains(absent),
                "{case}: check says {absent:?}:\n{said}"
            );
        } else if !line.starts_with("# ") {
            assert!(said.contains(line), "{case}: check lacks {line:?}:\n{said}");
        }
    }
    assert_eq!(
        tree(&site.out()),
        before,
        "{case}: check changed the output"
    );

    // `build`: succeeds with the same warning; the text is nowhere.
    let first = expect.lines().next().unwrap();
    let build = site.cmd(&["build"]).output().unwrap();
    let warned = stderr(&build);
    assert!(build.status.success(), "{case}: build failed:\n{warned}");
    assert!(
        warned.contains(first),
        "{case}: build does not warn at {first}:\n{warned}"
    );
    assert!(
        site.out().join("ko/guide/fees/index.html").is_file(),
        "{case}: the Korean pages are missing"
    );
    for text in expect
        .lines()
        .filter_map(|l| l.strip_prefix("# never published: "))
    {
        for (file, bytes) in tree(&site.out()) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(text),
                "{case}: {file} publishes {text:?}"
            );
        }
    }

    // `i18n update`: refuses an unreadable catalog, keeps a bad entry.
    let update = site.cmd(&["i18n", "update"]).output().unwrap();
    if expect.lines().any(|l| l == "# update refuses") {
        assert!(
            !update.status.success(),
            "{case}: update exited 0:\n{}",
            stderr(&update)
        );
        assert!(
            stderr(&update).contains(first),
            "{case}:\n{}",
            stderr(&update)
        );
        assert_eq!(
            std::fs::read(&po).unwrap(),
            po_before,
            "{case}: update changed ko.po"
        );
    } else {
        assert!(update.status.success(), "{case}:\n{}", stderr(&update));
        let after = std::fs::read_to_string(&po).unwrap();
        let kept = String::from_utf8_lossy(&po_before)
            .lines()
            .filter(|l| l.starts_with("msgstr \"") && *l != "msgstr \"\"")
            .all(|l| after.contains(l));
        assert!(kept, "{case}: update lost the translation:\n{after}");
    }
}

/// A msgstr of white space is no translation: the Japanese is shown and
/// marked, as for a missing one, and the status counts it missing.
#[test]
fn a_blank_translation_counts_as_missing() {
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let opts = site.options();
    site.i18n_update();
    let ko = site.root().join("content/i18n/ko.po");
    translate_catalog(&ko, |id| {
        if id == "手数料の説明です。" {
            "   ".to_string()
        } else {
            format!("KO {id}")
        }
    });
    let (_, status, _) =
        site_gen::i18n::status(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let ko_status = status.iter().find(|l| l.lang == "ko").unwrap();
    assert_eq!(
        ko_status.units["guide/fees.md"].missing, 1,
        "{:?}",
        ko_status.units
    );
    let out = site.build();
    let page = out.file("ko/guide/fees/index.html");
    assert!(page.contains("手数料の説明です。"), "{page}");
    assert_eq!(count(&page, "i18n-mark"), 1, "{page}");
    let check = site.cmd(&["check"]).output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
}

fn msgcat_unchanged(po: &Path) {
    let cat = Command::new("msgcat")
        .arg("--no-wrap")
        .arg(po)
        .output()
        .expect("gettext's msgcat (apt-get install gettext)");
    assert!(cat.status.success(), "{}", stderr(&cat));
    let text = std::fs::read_to_string(po).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&cat.stdout),
        text,
        "msgcat changed {}",
        po.display()
    );
    let fmt = Command::new("msgfmt")
        .args(["--check", "-o", "/dev/null"])
        .arg(po)
        .output()
        .expect("gettext's msgfmt");
    assert!(fmt.status.success(), "{}", stderr(&fmt));
}

/// A catalog with translator comments and entries in an order of the
/// translator's own survives `update` (twice) and `msgcat` unchanged.
#[test]
fn translator_comments_and_order_survive_update_and_msgcat() {
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    site.i18n_update();
    let ko = site.root().join("content/i18n/ko.po");
    translate_catalog(&ko, |id| format!("KO {id}"));
    // Put the entries in reverse order, a comment on each.
    let text = std::fs::read_to_string(&ko).unwrap();
    let mut blocks: Vec<&str> = text.split("\n\n").collect();
    let header = blocks.remove(0);
    blocks.reverse();
    let odd: Vec<String> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| format!("# 번역자 메모 {i}: 확인함\n{}", b.trim_end()))
        .collect();
    let odd = format!("{header}\n\n{}\n", odd.join("\n\n"));
    std::fs::write(&ko, &odd).unwrap();
    // (rspolib folded long lines above; update writes one line per message.)
    site.i18n_update();
    let odd = std::fs::read_to_string(&ko).unwrap();
    let ids = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("msgid ") || l.starts_with("# 번역자"))
            .map(String::from)
            .collect()
    };
    let reversed: Vec<String> = blocks
        .iter()
        .enumerate()
        .flat_map(|(i, b)| {
            let id = b
                .lines()
                .find(|l| l.starts_with("msgid "))
                .unwrap_or("")
                .to_string();
            [format!("# 번역자 메모 {i}: 확인함"), id]
        })
        .collect();
    let got = ids(&odd)[1..].to_vec(); // after the header
    assert_eq!(got.len(), reversed.len(), "{odd}");
    for (g, r) in got.iter().zip(&reversed) {
        // A folded msgid starts `msgid ""`: compare the comments and the rest.
        assert!(
            g == r || r == "msgid \"\"" || g.starts_with("# "),
            "{g} != {r}"
        );
    }
    assert_eq!(
        got.iter()
            .filter(|l| l.starts_with("# "))
            .collect::<Vec<_>>(),
        reversed
            .iter()
            .filter(|l| l.starts_with("# "))
            .collect::<Vec<_>>()
    );
    msgcat_unchanged(&ko);
    for _ in 0..2 {
        let updated = site.i18n_update();
        assert!(updated.iter().all(|u| u.lang != "ko" || !u.changed));
        assert_eq!(std::fs::read_to_string(&ko).unwrap(), odd);
    }
    // A new Japanese paragraph goes right after the one before it.
    let src = site.root().join("content/guide/fees.ja.md");
    let md = std::fs::read_to_string(&src)
        .unwrap()
        .replace("予備です。", "予備です。\n\n新しい段落です。");
    std::fs::write(&src, md).unwrap();
    site.i18n_update();
    let after = std::fs::read_to_string(&ko).unwrap();
    let new = after.find("msgid \"新しい段落です。\"").unwrap();
    let prev = after.find("msgid \"予備です。\"").unwrap();
    let comments =
        (0..blocks.len()).all(|i| after.contains(&format!("# 번역자 메모 {i}: 확인함\n")));
    assert!(comments, "{after}");
    assert!(
        prev < new && after[prev..new].matches("msgid ").count() == 1,
        "{after}"
    );
    msgcat_unchanged(&ko);
}

/// A fuzzy translation whose Japanese goes away and comes back (a revert)
/// comes back fuzzy, with its previous msgid, and never as current.
#[test]
fn an_obsolete_round_trip_keeps_fuzzy() {
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let src = site.root().join("content/guide/fees.ja.md");
    let original = std::fs::read_to_string(&src).unwrap();
    site.i18n_update();
    let ko = site.root().join("content/i18n/ko.po");
    translate_catalog(&ko, |id| format!("KO {id}"));
    // Edited: the translation goes fuzzy.
    std::fs::write(&src, original.replace("予備です。", "予備の段落です。")).unwrap();
    site.i18n_update();
    let fuzzy = std::fs::read_to_string(&ko).unwrap();
    assert!(
        fuzzy.contains("#, fuzzy\n#| msgid \"予備です。\"\nmsgid \"予備の段落です。\"\nmsgstr \"KO 予備です。\""),
        "{fuzzy}"
    );
    // Deleted: obsolete, still fuzzy, with its previous msgid.
    std::fs::write(&src, original.replace("予備です。", "")).unwrap();
    site.i18n_update();
    let gone = std::fs::read_to_string(&ko).unwrap();
    assert!(
        gone.contains("#, fuzzy\n#~| msgid \"予備です。\"\n#~ msgid \"予備の段落です。\"\n#~ msgstr \"KO 予備です。\""),
        "{gone}"
    );
    msgcat_unchanged(&ko);
    // Back: fuzzy again, shown as possibly out of date.
    std::fs::write(&src, original.replace("予備です。", "予備の段落です。")).unwrap();
    site.i18n_update();
    let back = std::fs::read_to_string(&ko).unwrap();
    assert_eq!(back, fuzzy);
    let page = site.build().file("ko/guide/fees/index.html");
    assert_eq!(count(&page, "i18n-outdated"), 1, "{page}");
}

#[test]
fn one_edited_japanese_sentence_marks_exactly_that_block_in_every_catalog_language() {
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let updated = site.i18n_update();
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
    let updated = site.i18n_update();
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
    let opts = site.options();
    site.i18n_update();
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
    let dir = real_site().join("content/i18n");
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
