//! Native review per message (`# reviewed: <name> <date> <hash>` translator
//! comments): what readers see per page, what voids a review, what keeps a
//! mark (gettext's tools, `i18n update`), and the review sheet.

use std::path::Path;
use std::process::Command;

use site_gen::Options;
use site_gen::translate::review;

use crate::support::{SiteTest, count, translate_catalog};

const FEES: &str = "ko/guide/fees/index.html";

/// Marks every current translation of a catalog for which `which(msgid)`
/// holds reviewed by "Tester" on `day`, as a reviewer would in their tool.
fn mark_reviewed(path: &Path, day: &str, which: impl Fn(&str) -> bool) {
    let mut po = rspolib::pofile(path.to_str().unwrap()).unwrap();
    for e in &mut po.entries {
        let Some(msgstr) = e.msgstr.clone().filter(|s| !s.is_empty()) else {
            continue;
        };
        if e.fuzzy() || e.obsolete || !which(&e.msgid) {
            continue;
        }
        e.tcomment = Some(review::mark_text(
            "Tester",
            day,
            e.msgctxt.as_deref(),
            &e.msgid,
            &msgstr,
        ));
    }
    rspolib::prelude::Save::save(&po, path.to_str().unwrap());
}

/// The catalog fixture with Korean (and Urdu) translated by a "helper".
fn translated_site() -> (SiteTest, Options) {
    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let opts = site.options();
    site.i18n_update();
    let root = site.root();
    translate_catalog(&root.join("content/i18n/ko.po"), |id| format!("KO {id}"));
    translate_catalog(&root.join("content/i18n/ur.po"), |id| format!("UR {id}"));
    (site, opts)
}

/// The fees page's counts in Korean (its messages and its checker's
/// texts): (reviewed, total, outdated).
fn fees_counts(opts: &Options) -> (usize, usize, usize) {
    let (_, status, _) =
        site_gen::i18n::status(opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let ko = status.iter().find(|l| l.lang == "ko").unwrap();
    let mut c = ko.units["guide/fees.md"];
    c.merge(ko.units["procedure:apply"]);
    (c.reviewed, c.total(), c.outdated)
}

fn warnings(opts: &Options) -> String {
    let built = site_gen::generate(opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    site_gen::diag::render_plain(&built.sources, &built.warnings)
}

#[test]
fn a_reviewed_page_shows_no_draft_notice_and_says_reviewed_and_when() {
    let (site, opts) = translated_site();
    let ko = site.root().join("content/i18n/ko.po");
    // Before any review: every translated page is a draft.
    let page = site.build().file(FEES);
    assert!(page.contains("KO このページの翻訳は、まだ人が確認していない下書きです。"));
    assert_eq!(count(&page, "translation-reviewed"), 0, "{page}");

    mark_reviewed(&ko, "2026-11-30", |_| true);
    mark_reviewed(&ko, "2026-12-01", |id| id == "予備です。");
    let (reviewed, total, _) = fees_counts(&opts);
    assert_eq!(reviewed, total);
    let out = site.build();
    let page = out.file(FEES);
    assert!(
        !page.contains("下書き"),
        "a fully reviewed page has no draft notice:\n{page}"
    );
    assert_eq!(count(&page, "class=\"notice\""), 0, "{page}");
    assert_eq!(count(&page, "i18n-unreviewed"), 0, "{page}");
    // Reviewed, and the latest review day, in the page's date format.
    assert!(
        page.contains(
            "<p class=\"page-meta translation-reviewed\">KO このページの翻訳は、母語話者が確認しました（最終確認日：KO 2026年12月1日）。</p>"
        ),
        "{page}"
    );
    // Urdu has no review: still a draft.
    let ur = out.file("ur/guide/fees/index.html");
    assert!(ur.contains("UR このページの翻訳は、まだ人が確認していない下書きです。"));
    assert_eq!(count(&ur, "translation-reviewed"), 0);
    // The staff page counts reviewed messages.
    let staff = out.file("staff/translations/index.html");
    assert!(
        staff.contains("<time datetime=\"2026-12-01\">2026-12-01</time>"),
        "{staff}"
    );
}

#[test]
fn a_page_with_one_unreviewed_paragraph_says_how_much_is_reviewed() {
    let (site, opts) = translated_site();
    let ko = site.root().join("content/i18n/ko.po");
    mark_reviewed(&ko, "2026-12-01", |id| id != "予備です。");
    let (reviewed, total, _) = fees_counts(&opts);
    assert_eq!(reviewed + 1, total);
    let page = site.build().file(FEES);
    assert!(
        page.contains(&format!(
            "KO このページの翻訳のうち、母語話者が確認したのは{total}か所中{reviewed}か所です（最終確認日：KO 2026年12月1日）。残りは、まだ人が確認していない下書きです。"
        )),
        "{page}"
    );
    assert_eq!(count(&page, "translation-reviewed"), 0, "{page}");
    // The one block still to review is marked, in the page's language.
    assert_eq!(count(&page, "i18n-unreviewed"), 1, "{page}");
    assert!(
        page.contains(
            "<p>KO <span lang=\"ja\">予備です。</span> <span class=\"i18n-mark i18n-unreviewed\">KO （この部分は母語話者の確認前です）</span></p>"
        ),
        "{page}"
    );
    // Nothing reviewed at all: the draft notice says it, no block is marked.
    let ur = site.build().file("ur/guide/fees/index.html");
    assert_eq!(count(&ur, "i18n-unreviewed"), 0, "{ur}");
}

#[test]
fn an_edited_translation_after_review_does_not_count_and_check_names_the_line() {
    let (site, opts) = translated_site();
    let ko = site.root().join("content/i18n/ko.po");
    mark_reviewed(&ko, "2026-12-01", |_| true);
    let po = std::fs::read_to_string(&ko).unwrap();
    std::fs::write(
        &ko,
        po.replace("msgstr \"KO 予備です。\"", "msgstr \"KO 予備.\""),
    )
    .unwrap();
    let po = std::fs::read_to_string(&ko).unwrap();
    let lines: Vec<&str> = po.lines().collect();
    let msgid = lines
        .iter()
        .position(|l| l.starts_with("msgid \"予備です。\""))
        .unwrap();
    let line = (0..msgid)
        .rev()
        .find(|&i| lines[i].starts_with("# reviewed: "))
        .unwrap()
        + 1;
    let (reviewed, total, _) = fees_counts(&opts);
    assert_eq!(reviewed + 1, total);
    let text = warnings(&opts);
    assert!(
        text.contains(&format!("content/i18n/ko.po:{line}:1")),
        "the mark's own line is named:\n{text}"
    );
    assert!(
        text.contains("this review mark is for another text"),
        "{text}"
    );
    let want = review::mark_text("Tester", "YYYY-MM-DD", None, "予備です。", "KO 予備.");
    assert!(
        text.contains(&want),
        "the help gives the line to write:\n{text}"
    );
}

#[test]
fn a_changed_japanese_text_voids_its_review_even_if_a_tool_clears_fuzzy() {
    let (site, opts) = translated_site();
    let ko = site.root().join("content/i18n/ko.po");
    mark_reviewed(&ko, "2026-12-01", |_| true);
    let src = site.root().join("content/guide/fees.ja.md");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, text.replace("予備です。", "予備の段落です。")).unwrap();
    site.i18n_update();
    let po = std::fs::read_to_string(&ko).unwrap();
    // Fuzzy first, the old mark kept as history.
    assert!(
        po.contains("#, fuzzy\n#| msgid \"予備です。\"\nmsgid \"予備の段落です。\""),
        "{po}"
    );
    let (reviewed, total, outdated) = fees_counts(&opts);
    assert_eq!((reviewed + 1, outdated), (total, 1));
    let page = site.build().file(FEES);
    assert!(page.contains("か所中"), "{page}");
    // A tool (or a hurried translator) drops the fuzzy flag without
    // looking: the mark's hash is of the old Japanese, so it still does
    // not count, and check says so.
    std::fs::write(&ko, po.replace("#, fuzzy\n#| msgid \"予備です。\"\n", "")).unwrap();
    let (reviewed, total, outdated) = fees_counts(&opts);
    assert_eq!((reviewed + 1, outdated), (total, 0));
    assert!(warnings(&opts).contains("this review mark is for another text"));
    let page = site.build().file(FEES);
    assert!(page.contains("か所中"), "{page}");
}

fn gettext(tool: &str, args: &[&str], file: &Path) -> Vec<u8> {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{tool} not found ({e}): install gettext"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn review_marks_survive_update_twice_msgcat_and_msgmerge() {
    let (site, opts) = translated_site();
    let ko = site.root().join("content/i18n/ko.po");
    mark_reviewed(&ko, "2026-12-01", |_| true);
    let (reviewed, total, _) = fees_counts(&opts);
    assert_eq!(reviewed, total);
    site.i18n_update();
    let once = std::fs::read(&ko).unwrap();
    site.i18n_update();
    let twice = std::fs::read(&ko).unwrap();
    assert!(once == twice, "a second update changes nothing");
    let text = String::from_utf8(once.clone()).unwrap();
    assert!(text.contains("# reviewed: Tester 2026-12-01 "), "{text}");
    assert_eq!(fees_counts(&opts).0, total);
    // gettext's own tools keep the marks (a flag would be dropped).
    assert!(
        gettext("msgcat", &["--no-wrap"], &ko) == once,
        "msgcat --no-wrap gives the catalog back byte for byte"
    );
    // `msgmerge def.po ref.pot`, the catalog against its own messages.
    let pot = site.root().join("ko.pot");
    std::fs::copy(&ko, &pot).unwrap();
    let out = Command::new("msgmerge")
        .args(["--no-wrap", "--previous", "--quiet", "-o", "-"])
        .arg(&ko)
        .arg(&pot)
        .output()
        .unwrap_or_else(|e| panic!("msgmerge not found ({e}): install gettext"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = out.stdout;
    assert!(String::from_utf8_lossy(&merged).contains("# reviewed: Tester 2026-12-01 "));
    std::fs::write(&ko, &merged).unwrap();
    assert_eq!(
        fees_counts(&opts).0,
        total,
        "every mark still counts after msgmerge"
    );
}

#[test]
fn the_review_sheet_lists_japanese_and_translation_and_flags_a_fact() {
    let (site, _) = translated_site();
    let ko = site.root().join("content/i18n/ko.po");
    mark_reviewed(&ko, "2026-12-01", |id| id == "予備です。");
    let path = site
        .run(&["i18n", "review", "ko", "guide/fees.md"])
        .success();
    let path = Path::new(path.trim());
    assert_eq!(path, site.root().join("review/ko-guide-fees.html"));
    let sheet = std::fs::read_to_string(path).unwrap();
    // Japanese and translation side by side, the fact rendered in both.
    let fact_row = sheet
        .split("<tr ")
        .find(|r| r.contains("1部につき"))
        .unwrap_or_else(|| panic!("no row of the fee paragraph:\n{sheet}"));
    assert!(fact_row.starts_with("id=\"m"), "{fact_row}");
    assert!(
        fact_row.contains("class=\"review-flagged\""),
        "a fact-bearing message is flagged:\n{fact_row}"
    );
    let (ja, rest) = fact_row
        .split_once("<td lang=\"ja\">")
        .unwrap()
        .1
        .split_once("</td>")
        .unwrap();
    assert!(ja.contains("1部につき") && ja.contains("1,200円"), "{ja}");
    let ko_cell = rest.split_once("<td lang=\"ko\" dir=\"ltr\">").unwrap().1;
    let ko_cell = ko_cell.split_once("</td>").unwrap().0;
    assert!(ko_cell.starts_with("<p>KO "), "{ko_cell}");
    // (The test's helper also "translated" the thousands separator.)
    assert!(ko_cell.contains("KO 1KO ,200"), "{ko_cell}");
    assert!(fact_row.contains("<code>fees.copy</code>"), "{fact_row}");
    assert!(fact_row.contains("未確認 not reviewed"), "{fact_row}");
    assert!(fact_row.contains("# reviewed: &lt;name&gt; &lt;YYYY-MM-DD&gt; "));
    // Listed in "check these first", before any table, with a link to its row.
    let id = fact_row[4..].split('"').next().unwrap();
    let before_tables = sheet.split("<table").next().unwrap();
    let first = before_tables.split_once("id=\"first\"").unwrap().1;
    assert!(first.contains(&format!("<a href=\"#{id}\">")), "{first}");
    // The reviewed message says so; a message without a requirement is not flagged.
    let spare = sheet
        .split("<tr ")
        .find(|r| r.contains("予備です。"))
        .unwrap();
    assert!(
        spare.contains("確認済み reviewed 2026-12-01 (Tester)"),
        "{spare}"
    );
    assert!(!spare.contains("review-flagged"), "{spare}");
    // The checker on the page is part of what readers read: its texts too.
    assert!(
        sheet.contains(
            "<span class=\"review-kind\">checker</span><br><code>content/procedures/apply.toml:"
        ),
        "{sheet}"
    );
    // The site's own stylesheet, no script, no inline style.
    assert!(sheet.contains("/static/css/site.css\">"), "{sheet}");
    assert_eq!(count(&sheet, "<script"), 0);
    assert_eq!(count(&sheet, "style="), 0);
}
