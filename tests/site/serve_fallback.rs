//! `serve` before the checker is built (`cargo xtask serve` serves the
//! pages while it installs the tools and builds the wasm): checker pages
//! show the blank form, open, with a line in the reader's language saying
//! the interactive checker is being built; when trunk's folder appears the
//! checker pages get their scripts and lose the line. `build` and `check`
//! never wait: without the checker they fail, saying how to build it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use site_gen::Options;
use site_gen::serve::Session;

use crate::SiteTest;

const EN_LINE: &str = "The interactive checker is being built.";
const JA_LINE: &str = "確認ツールはいま作成中です。";
const CHECKER_PAGE: &str = "en/guide/fees/index.html";
const JA_CHECKER_PAGE: &str = "ja/guide/fees/index.html";
/// The boot module's tag, under the site's base path (`/guide/`; the
/// server's own address has `/`).
const BOOT_SCRIPT: &str = "<script type=\"module\" src=\"/guide/checker/boot.";
const SERVED_BOOT_SCRIPT: &str = "<script type=\"module\" src=\"/checker/boot.";

/// What trunk writes: a JS glue and a wasm (and its own page, unused).
fn write_bundle(dist: &Path) {
    std::fs::create_dir_all(dist).unwrap();
    std::fs::write(
        dist.join("app-1234.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(dist.join("app-1234_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("index.html"), "<!-- trunk's page -->").unwrap();
}

fn serve_opts(root: &Path, dist: &Path) -> Options {
    Options {
        checker_dist: Some(dist.to_path_buf()),
        checker_may_wait: true,
        ..Options::new(root)
    }
}

fn page(session: &Session, path: &str) -> String {
    let bytes = session
        .files()
        .get(path)
        .unwrap_or_else(|| panic!("{path} was not built"));
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn checker_pages_show_the_fallback_line_until_the_wasm_exists() {
    let site = SiteTest::fixture("i18n");
    let dist = site.root().join("target/checker-dist");
    let (mut session, outcome) = Session::new(serve_opts(site.root(), &dist));
    assert_eq!(
        outcome.errors, None,
        "a missing checker is no error in serve"
    );

    // Before: the line in the reader's language, the blank form open, no
    // scripts (nothing to load) and the failure message still hidden.
    let en = page(&session, CHECKER_PAGE);
    assert!(
        en.contains(&format!(
            "<p class=\"notice checker-building\" role=\"status\">{EN_LINE}"
        )),
        "{en}"
    );
    assert!(en.contains("<details class=\"blank-form\" open>"), "{en}");
    assert!(
        !en.contains(BOOT_SCRIPT) && !en.contains("modulepreload"),
        "{en}"
    );
    assert!(en.contains("id=\"checker-failed\" role=\"alert\" hidden>"));
    let ja = page(&session, JA_CHECKER_PAGE);
    assert!(ja.contains(JA_LINE) && !ja.contains(EN_LINE), "{ja}");
    assert!(ja.contains("<details class=\"blank-form\" open>"), "{ja}");
    // A page without a checker says nothing of it.
    let other = page(&session, "en/guide/index.html");
    assert!(!other.contains(EN_LINE));

    // trunk's folder appears: the checker pages are built again with the
    // scripts, the line gone and the blank form closed.
    write_bundle(&dist);
    let outcome = session
        .apply(std::slice::from_ref(&dist))
        .expect("the checker's folder is a change");
    assert_eq!(outcome.errors, None);
    let changed: Vec<&str> = outcome.changed.iter().map(|(p, _)| p.as_str()).collect();
    assert!(changed.contains(&CHECKER_PAGE), "{changed:?}");
    assert!(
        changed.contains(&"checker/app-1234_bg.wasm"),
        "the wasm is served: {changed:?}"
    );
    assert!(
        !changed.contains(&"en/guide/index.html"),
        "pages without a checker stay: {changed:?}"
    );
    let en = page(&session, CHECKER_PAGE);
    assert!(!en.contains(EN_LINE), "{en}");
    assert!(en.contains(BOOT_SCRIPT), "{en}");
    assert!(en.contains("<details class=\"blank-form\">"), "{en}");

    // The same page as a build with the checker makes.
    let built = site_gen::generate(&Options {
        checker_dist: Some(dist.clone()),
        ..Options::new(site.root())
    })
    .unwrap_or_else(|e| panic!("{}", e.render_plain()));
    assert_eq!(
        String::from_utf8_lossy(&built.files[CHECKER_PAGE]),
        en,
        "serve's page equals the build's"
    );
}

#[test]
fn build_and_check_without_the_checker_fail_clearly() {
    let site = SiteTest::fixture("i18n");
    let dist = site.root().join("target/checker-dist");
    // `build` and `check` never wait (`checker_may_wait` is serve's).
    {
        let opts = Options {
            checker_dist: Some(dist.clone()),
            ..Options::new(site.root())
        };
        let failed = match site_gen::build(&opts, &site.out()) {
            Ok(_) => panic!("built without the checker"),
            Err(f) => f.render_plain(),
        };
        assert!(
            failed.contains("cannot read the checker build")
                && failed.contains("cargo xtask build"),
            "{failed}"
        );
        assert!(!site.out().exists(), "nothing was written");
        assert!(site_gen::generate(&opts).is_err(), "check fails too");
    }
    // A folder without trunk's files is no better.
    std::fs::create_dir_all(&dist).unwrap();
    let opts = Options {
        checker_dist: Some(dist.clone()),
        ..Options::new(site.root())
    };
    let failed = match site_gen::build(&opts, &site.out()) {
        Ok(_) => panic!("built without the checker"),
        Err(f) => f.render_plain(),
    };
    assert!(
        failed.contains("holds no `*_bg.wasm` and `*.js`"),
        "{failed}"
    );
}

fn get(addr: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// The real server: it serves the pages at once, says in the terminal that
/// the checker is not built yet, and brings the checker in by itself when
/// trunk's folder appears (it looks every second).
#[test]
fn serve_brings_the_checker_in_when_it_appears() {
    let site = SiteTest::fixture("i18n");
    let dist: PathBuf = site.root().join("target/checker-dist");
    let stderr = site.root().join("serve.log");
    let (mut child, addr) = crate::start_serve(
        site.root(),
        Some(&dist),
        std::fs::File::create(&stderr).unwrap().into(),
    );
    let result = std::panic::catch_unwind(|| {
        let before = get(&addr, "/en/guide/fees/");
        assert!(before.contains(" 200 OK"), "{before}");
        assert!(before.contains(EN_LINE), "{before}");
        let said = std::fs::read_to_string(&stderr).unwrap();
        assert!(said.contains("the checker is not built yet"), "{said}");
        write_bundle(&dist);
        let start = Instant::now();
        loop {
            let now = get(&addr, "/en/guide/fees/");
            if now.contains(SERVED_BOOT_SCRIPT) {
                assert!(!now.contains(EN_LINE), "{now}");
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the checker never came in:\n{now}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        let wasm = get(&addr, "/checker/app-1234_bg.wasm");
        assert!(wasm.contains(" 200 OK"), "{wasm}");
        let said = std::fs::read_to_string(&stderr).unwrap();
        assert!(said.contains("the checker is ready in"), "{said}");
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
