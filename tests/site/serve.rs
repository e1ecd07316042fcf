//! `serve`: its builds (the one build path with the cache) equal clean
//! builds byte for byte after every kind of edit, and what it ignores.

use std::path::PathBuf;

use site_gen::Options;

use super::{SiteTest, translate_catalog};

/// `serve`'s incremental path, driven with the change lists the watcher
/// reports: after each edit (page text, front matter, a new page, a broken
/// and a fixed anchor, a deleted page, a new folder with pages, a template,
/// a data file, interface strings, a new translation) the output equals a
/// clean build of the same sources byte for byte; an edit that breaks the
/// site reports what `site-gen build` reports and changes no served file;
/// a page edit renders only what depends on it.
#[test]
fn serve_incremental_rebuilds_equal_clean_builds() {
    use site_gen::serve::{Outcome, Session};

    let site = SiteTest::fixture("i18n");
    let root = site.root().to_path_buf();
    let opts = Options {
        base_url: Some("http://127.0.0.1:8000/".into()),
        livereload: true,
        ..Options::new(&root)
    };
    let content = root.join("content");
    let (mut session, first) = Session::new(opts.clone());
    assert!(first.errors.is_none(), "{:?}", first.errors);
    let total = first.pages;
    assert_eq!(first.rendered, total);

    let same_as_clean = |session: &Session, step: &str| {
        let clean = match site_gen::generate(&opts) {
            Ok(built) => built.files,
            Err(e) => panic!("{step}: the clean build failed:\n{}", e.render_plain()),
        };
        let ours = session.files();
        let differ: Vec<&String> = clean
            .keys()
            .chain(ours.keys())
            .filter(|k| clean.get(*k).map(|b| &**b) != ours.get(*k).map(|b| &**b))
            .collect();
        assert!(
            differ.is_empty(),
            "{step}: the incremental output differs from a clean build in {differ:?}"
        );
    };
    let apply = |session: &mut Session, step: &str, changed: &[PathBuf]| -> Outcome {
        let before = session.files().clone();
        let outcome = session
            .apply(changed)
            .unwrap_or_else(|| panic!("{step}: nothing was rebuilt"));
        if let Some(errors) = &outcome.errors {
            panic!("{step}: the build failed:\n{errors}");
        }
        assert!(!outcome.changed.is_empty(), "{step}: no output changed");
        same_as_clean(session, step);
        // What the server is told changed is exactly what differs.
        let after = session.files();
        let differ: Vec<&String> = before
            .keys()
            .chain(after.keys().filter(|k| !before.contains_key(*k)))
            .filter(|k| before.get(*k).map(|b| &**b) != after.get(*k).map(|b| &**b))
            .collect();
        let told: Vec<&String> = outcome.changed.iter().map(|c| &c.0).collect();
        let mut differ = differ;
        differ.sort();
        assert_eq!(
            told, differ,
            "{step}: the changes told are not what changed"
        );
        for (path, bytes) in &outcome.changed {
            assert_eq!(
                bytes.as_deref(),
                after.get(path).map(|b| &**b),
                "{step}: {path}"
            );
        }
        outcome
    };
    let edit = |rel: &str, from: &str, to: &str| {
        let path = content.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        path
    };

    // Page text: that page only.
    let p = edit(
        "guide/only-ja.ja.md",
        "まだ翻訳されていません。",
        "まだ翻訳は、ありません。",
    );
    let o = apply(&mut session, "page text", &[p]);
    assert_eq!(o.rendered, 1, "page text");
    assert_eq!(
        o.changed.len(),
        1,
        "page text: {:?}",
        o.changed.iter().map(|c| &c.0).collect::<Vec<_>>()
    );

    // Front matter: the title shows in its section's listings, its
    // `updated` in the translation's outdated notice and the sitemap.
    let p = edit(
        "guide/fees.ja.md",
        "updated = 2026-11-25",
        "updated = 2026-11-26",
    );
    let text = std::fs::read_to_string(&p).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .unwrap()
        .to_string();
    std::fs::write(
        &p,
        text.replacen(&title_line, "title = \"手数料と郵送料（改）\"", 1),
    )
    .unwrap();
    let o = apply(&mut session, "front matter", &[p]);
    assert!(
        o.rendered > 1 && o.rendered < total,
        "front matter: {} of {total}",
        o.rendered
    );

    // The description alone (shown in listings), then a title alone.
    let p = edit(
        "guide/fees.ja.md",
        "description = \"",
        "description = \"改訂：",
    );
    let o = apply(&mut session, "description", &[p]);
    assert!(o.rendered > 1, "description: the listing shows it");
    let p = edit(
        "guide/fees.en.md",
        "title = \"Fees and postage\"",
        "title = \"Fees\"",
    );
    apply(&mut session, "title", &[p]);
    // A weight: the listing's order changes.
    let p = edit("guide/fees.ja.md", "weight = 10", "weight = 30");
    apply(&mut session, "weight", &[p]);

    // A new page, linking to an anchor of another.
    let new_page = content.join("guide/new.ja.md");
    std::fs::write(
        &new_page,
        "+++\ntitle = \"新しいページ\"\ndescription = \"追加\"\nupdated = 2026-11-26\nweight = 30\n+++\n\
         [手数料](@/guide/fees.md#fee)\n\n## 新しい見出し {#new-heading}\n",
    )
    .unwrap();
    apply(&mut session, "new page", std::slice::from_ref(&new_page));

    // A heading removed: the link to it from another page is reported,
    // as `site-gen build` reports it, and no served file changes.
    let p = edit("guide/new.ja.md", "{#new-heading}", "{#renamed}");
    let o = apply(&mut session, "heading renamed", &[p]);
    let p = edit(
        "_index.ja.md",
        "[手数料](@/guide/fees.md#fee)",
        "[新しい](@/guide/new.md#new-heading)",
    );
    let broken = session.apply(std::slice::from_ref(&p)).unwrap();
    let errors = broken.errors.expect("a broken anchor fails the build");
    let build_errors = site_gen::generate(&opts).err().unwrap().render_plain();
    assert!(
        errors.contains("link to `#new-heading`: no such heading in `guide/new.md` (ja)"),
        "{errors}"
    );
    assert_eq!(errors, build_errors);
    assert!(broken.changed.is_empty());
    drop(o);
    let p2 = edit("guide/new.ja.md", "{#renamed}", "{#new-heading}");
    apply(&mut session, "anchor fixed", &[p2]);
    // A broken page and then a fixed one: the served files catch up.
    std::fs::write(&new_page, "+++\ntitle = \"\"\n+++\n").unwrap();
    let broken = session.apply(std::slice::from_ref(&new_page)).unwrap();
    assert!(broken.errors.is_some());
    std::fs::write(
        &new_page,
        "+++\ntitle = \"新しいページ\"\ndescription = \"追加\"\nupdated = 2026-11-26\n+++\n\
         本文。\n\n## 新しい見出し {#new-heading}\n",
    )
    .unwrap();
    apply(
        &mut session,
        "front matter fixed",
        std::slice::from_ref(&new_page),
    );

    // A link falls back to the Japanese page until it is translated.
    let p = edit(
        "guide/fees.en.md",
        "See [the home page]",
        "See [the new page](@/guide/new.md), [the home page]",
    );
    apply(&mut session, "link to an untranslated page", &[p]);
    let p = content.join("guide/new.en.md");
    std::fs::write(
        &p,
        "+++\ntitle = \"New page\"\ndescription = \"Added\"\nupdated = 2026-11-26\ntranslated_from = 2026-11-26\n+++\n\
         Text.\n\n## New heading {#new-heading}\n",
    )
    .unwrap();
    let o = apply(&mut session, "the linked page translated", &[p]);
    assert!(
        o.changed
            .iter()
            .any(|(path, _)| path == "en/guide/fees/index.html"),
        "the link now goes to the English page"
    );

    // A deleted page.
    let gone = content.join("guide/only-ja.ja.md");
    std::fs::remove_file(&gone).unwrap();
    let o = apply(&mut session, "deleted page", &[gone]);
    assert!(
        o.changed
            .iter()
            .any(|(path, bytes)| path == "ja/guide/only-ja/index.html" && bytes.is_none())
    );

    // A new folder with pages, reported as the folder alone.
    std::fs::create_dir_all(content.join("later/deeper")).unwrap();
    std::fs::write(
        content.join("later/_index.ja.md"),
        "+++\ntitle = \"後で\"\ndescription = \"新しい節\"\nupdated = 2026-11-26\n+++\n[新しい](@/guide/new.md#new-heading)\n",
    )
    .unwrap();
    std::fs::write(
        content.join("later/deeper/page.ja.md"),
        "+++\ntitle = \"深い\"\ndescription = \"深いページ\"\nupdated = 2026-11-26\n+++\n本文。\n",
    )
    .unwrap();
    apply(&mut session, "new folder", &[content.join("later")]);

    // A template (in a `templates/` folder made now), then a data file.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/section.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><ul>{% for c in page.children %}<li>{{ c.title }}</li>{% endfor %}</ul>{% endblock main %}",
    )
    .unwrap();
    let o = apply(&mut session, "template", &[root.join("templates")]);
    assert_eq!(o.rendered, o.pages);
    // A static file gone, the pages where they were: gone from the output.
    let extra = root.join("static/extra.txt");
    std::fs::write(&extra, "extra").unwrap();
    apply(
        &mut session,
        "static file added",
        std::slice::from_ref(&extra),
    );
    std::fs::remove_file(&extra).unwrap();
    let o = apply(&mut session, "static file removed", &[extra]);
    assert_eq!(
        o.changed
            .iter()
            .find(|c| c.0 == "extra.txt")
            .map(|c| c.1.is_none()),
        Some(true)
    );
    let p = edit("data/fees.toml", "yen = 1200", "yen = 1300");
    let o = apply(&mut session, "data file", &[p]);
    assert!(
        o.rendered < o.pages,
        "data file: {} of {}",
        o.rendered,
        o.pages
    );

    // Interface strings of one language, then a new translation.
    let p = content.join("i18n/en.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("last_updated"))
        .unwrap()
        .to_string();
    std::fs::write(&p, text.replacen(&line, "last_updated = \"Updated on\"", 1)).unwrap();
    apply(&mut session, "strings", &[p]);
    let p = content.join("guide/_index.ar.md");
    std::fs::write(
        &p,
        "+++\ntitle = \"دليل\"\ndescription = \"دليل\"\nupdated = 2026-11-26\ntranslated_from = 2026-11-20\n+++\nنص.\n",
    )
    .unwrap();
    apply(&mut session, "new translation", &[p]);

    // A site.toml that does not load, a page deleted meanwhile, then the
    // site.toml fixed: the deleted page is gone from the output too.
    let config = content.join("site.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, "title = \"broken").unwrap();
    let broken = session.apply(std::slice::from_ref(&config)).unwrap();
    assert!(broken.errors.is_some());
    let gone = content.join("later/deeper/page.ja.md");
    std::fs::remove_file(&gone).unwrap();
    assert!(
        session
            .apply(std::slice::from_ref(&gone))
            .unwrap()
            .errors
            .is_some()
    );
    std::fs::write(&config, good).unwrap();
    apply(&mut session, "site.toml fixed", &[config]);
    assert!(
        !session
            .files()
            .contains_key("ja/later/deeper/page/index.html")
    );

    // Editor noise changes nothing.
    assert!(
        session
            .apply(&[
                content.join(".new.ja.md.swp"),
                content.join("guide/new.ja.md~")
            ])
            .is_none()
    );
}

/// What `serve` builds again for: any file under the source folders
/// (built with the cache: a file no build uses changes nothing), never
/// editor backups, swap files, dot-folders or paths outside them.
#[test]
fn serve_ignores_what_no_build_reads() {
    use site_gen::serve::Session;

    let site = SiteTest::fixture("i18n");
    let root = site.root().to_path_buf();
    let (mut session, _) = Session::new(Options::new(&root));
    for ignored in [
        "content/guide/.fees.ja.md.swp",
        "content/guide/fees.ja.md~",
        "content/.git/index",
        "public/index.html",
        "target/x",
    ] {
        assert!(session.apply(&[root.join(ignored)]).is_none(), "{ignored}");
    }
    std::fs::write(root.join("content/notes.txt"), "notes").unwrap();
    let o = session
        .apply(&[root.join("content/notes.txt")])
        .expect("a new file under content/ is looked at");
    assert_eq!((o.rendered, o.changed.len()), (0, 0));
}

/// The incremental path on a site with catalog languages: pages made
/// from a catalog follow their Japanese original and their catalog; every
/// step equals a clean build byte for byte.
#[test]
fn serve_incremental_follows_catalog_pages() {
    use site_gen::serve::Session;

    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let root = site.root().to_path_buf();
    let opts = Options {
        base_url: Some("http://127.0.0.1:8000/".into()),
        livereload: true,
        ..Options::new(&root)
    };
    site_gen::i18n::update(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let ko = root.join("content/i18n/ko.po");
    translate_catalog(&ko, |id| format!("KO {id}"));
    let (mut session, first) = Session::new(opts.clone());
    assert!(first.errors.is_none(), "{:?}", first.errors);
    let check = |session: &mut Session, step: &str, changed: &[PathBuf]| {
        let outcome = session
            .apply(changed)
            .unwrap_or_else(|| panic!("{step}: nothing was rebuilt"));
        assert!(outcome.errors.is_none(), "{step}: {:?}", outcome.errors);
        let clean = site_gen::generate(&opts)
            .unwrap_or_else(|e| panic!("{step}: {}", e.render_plain()))
            .files;
        let ours = session.files();
        let differ: Vec<&String> = clean
            .keys()
            .chain(ours.keys())
            .filter(|k| clean.get(*k).map(|b| &**b) != ours.get(*k).map(|b| &**b))
            .collect();
        assert!(
            differ.is_empty(),
            "{step}: differs from a clean build in {differ:?}"
        );
        outcome
    };
    let src = root.join("content/guide/fees.ja.md");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, text.replace("予備です。", "予備の段落です。")).unwrap();
    let o = check(&mut session, "Japanese text", std::slice::from_ref(&src));
    assert!(
        o.changed
            .iter()
            .any(|(p, _)| p == "ko/guide/fees/index.html"),
        "the Korean page shows the new Japanese block"
    );
    let text = std::fs::read_to_string(&src).unwrap();
    let title = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .unwrap()
        .to_string();
    std::fs::write(&src, text.replacen(&title, "title = \"手数料（改）\"", 1)).unwrap();
    check(&mut session, "Japanese title", std::slice::from_ref(&src));
    site_gen::i18n::update(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    translate_catalog(&ko, |id| format!("KO2 {id}"));
    check(
        &mut session,
        "catalogs updated",
        &[ko.clone(), root.join("content/i18n/ur.po")],
    );
    let new_page = root.join("content/guide/new.ja.md");
    std::fs::write(
        &new_page,
        "+++\ntitle = \"新しいページ\"\ndescription = \"追加\"\nupdated = 2026-11-26\n+++\n本文。\n",
    )
    .unwrap();
    check(&mut session, "new Japanese page", &[new_page]);
}

/// After `changed`, serve's outcome is a clean build's: the same files, or
/// the same errors (and the last good files kept).
fn matches_clean(
    session: &mut site_gen::serve::Session,
    opts: &Options,
    step: &str,
    changed: &[PathBuf],
) {
    let outcome = session
        .apply(changed)
        .unwrap_or_else(|| panic!("{step}: nothing was rebuilt"));
    match site_gen::generate(opts) {
        Ok(clean) => {
            assert!(outcome.errors.is_none(), "{step}: {:?}", outcome.errors);
            let ours = session.files();
            let differ: Vec<&String> = clean
                .files
                .keys()
                .chain(ours.keys())
                .filter(|k| clean.files.get(*k).map(|b| &**b) != ours.get(*k).map(|b| &**b))
                .collect();
            assert!(
                differ.is_empty(),
                "{step}: differs from a clean build in {differ:?}"
            );
        }
        Err(e) => assert_eq!(
            outcome.errors.as_deref(),
            Some(e.render_plain().as_str()),
            "{step}: serve must fail as the build fails"
        ),
    }
}

/// `path` saved as `broken`, then as it was: each step is a clean build's
/// outcome, and at the end every served file is back as it was (`good`).
fn broken_then_restored(
    session: &mut site_gen::serve::Session,
    opts: &Options,
    good: &std::collections::BTreeMap<String, site_gen::cache::Bytes>,
    path: &std::path::Path,
    broken: &str,
) {
    let name = path.display();
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, broken).unwrap();
    matches_clean(
        session,
        opts,
        &format!("{name} broken"),
        &[path.to_path_buf()],
    );
    std::fs::write(path, &text).unwrap();
    matches_clean(
        session,
        opts,
        &format!("{name} restored"),
        &[path.to_path_buf()],
    );
    assert!(
        session.files().iter().all(|(k, v)| good.get(k) == Some(v)),
        "{name} restored: every page is back as it was"
    );
}

/// The cases where serve's second build path once drifted from `build`:
/// a data file saved empty and restored, a page under `content/data/`, a
/// stray file among the procedures, a catalog broken and fixed. Serve now
/// runs the build's own steps, so each equals a clean build.
#[test]
fn serve_follows_the_build_where_it_once_drifted() {
    use site_gen::serve::Session;

    let site = SiteTest::fixture("i18n").overlay("catalogs");
    let root = site.root().to_path_buf();
    let content = root.join("content");
    let opts = Options {
        base_url: Some("http://127.0.0.1:8000/".into()),
        livereload: true,
        ..Options::new(&root)
    };
    site_gen::i18n::update(&opts).unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let ko = content.join("i18n/ko.po");
    translate_catalog(&ko, |id| format!("KO {id}"));
    let (mut session, first) = Session::new(opts.clone());
    assert!(first.errors.is_none(), "{:?}", first.errors);
    let good_files = session.files().clone();

    // A data file saved empty, then restored.
    broken_then_restored(
        &mut session,
        &opts,
        &good_files,
        &content.join("data/fees.toml"),
        "",
    );

    // A page among the data files.
    let stray_page = content.join("data/x.ja.md");
    std::fs::write(
        &stray_page,
        "+++\ntitle = \"データの横\"\ndescription = \"置き場所\"\nupdated = 2026-11-26\n+++\n本文。\n",
    )
    .unwrap();
    matches_clean(
        &mut session,
        &opts,
        "page under content/data",
        std::slice::from_ref(&stray_page),
    );
    std::fs::remove_file(&stray_page).unwrap();
    matches_clean(
        &mut session,
        &opts,
        "that page removed",
        std::slice::from_ref(&stray_page),
    );

    // A stray readme among the procedures.
    let readme = content.join("procedures/readme.md");
    std::fs::write(&readme, "notes\n").unwrap();
    matches_clean(
        &mut session,
        &opts,
        "stray readme.md",
        std::slice::from_ref(&readme),
    );
    std::fs::remove_file(&readme).unwrap();
    matches_clean(
        &mut session,
        &opts,
        "readme.md removed",
        std::slice::from_ref(&readme),
    );

    // A catalog broken, then fixed.
    broken_then_restored(
        &mut session,
        &opts,
        &good_files,
        &ko,
        "msgid \"unterminated\nmsgstr \"\n",
    );
}

/// Requests are answered by a bounded pool: 200 browser tabs waiting for
/// a reload hold no thread each, and a page is still served at once.
#[cfg(target_os = "linux")]
#[test]
fn serve_answers_pages_while_many_tabs_wait_for_reloads() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};

    fn request(addr: &str, path: &str) -> std::net::TcpStream {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        stream
    }
    fn body(mut stream: std::net::TcpStream) -> String {
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response
    }

    let site = SiteTest::fixture("i18n");
    let (mut child, addr) = super::start_serve(site.root(), None, std::process::Stdio::null());
    let version = body(request(&addr, "/__livereload?since=-1"));
    let version = version
        .rsplit("\r\n\r\n")
        .next()
        .unwrap()
        .trim()
        .to_string();
    let threads = || -> usize {
        std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap()
    };
    let waiting: Vec<_> = (0..200)
        .map(|_| request(&addr, &format!("/__livereload?since={version}")))
        .collect();
    // The HTTP library's own threads that read the requests go once idle;
    // a thread held by each waiting poll would stay for 25 s.
    let settle = Instant::now();
    let mut during = threads();
    while during >= 100 && settle.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
        during = threads();
    }
    let started = Instant::now();
    let page = body(request(&addr, "/en/guide/fees/"));
    let took = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    drop(waiting);
    assert_eq!(page.split_whitespace().nth(1), Some("200"), "{page}");
    assert!(
        took < Duration::from_secs(5),
        "a page waited {took:?} behind the reload polls"
    );
    assert!(
        during < 100,
        "{during} threads for 200 waiting connections: the pool is not bounded"
    );
}
