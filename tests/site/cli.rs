//! The command line on the file system: `check` writes nothing, `--out`
//! never overwrites the sources, unreadable files are errors naming them,
//! output failures say what was written, `serve` rebuilds on change and
//! shows build errors. (Which source files may touch the file system is
//! `cargo xtask tidy`'s to check.)

use std::process::Command;

use crate::support::{SiteTest, sources_of, start_serve, tree};

#[test]
fn check_writes_nothing() {
    let site = SiteTest::fixture("i18n");
    site.run(&["check"]).success();
    assert!(!site.out().exists());
}

/// `build --out X` where X is, holds or lies inside the sources (or is a
/// file) is refused before anything is touched: every source file is still
/// there byte for byte, the previous output too, and the CLI exits non-zero.
#[test]
fn out_that_would_overwrite_the_sources_is_refused() {
    let site = SiteTest::fixture("i18n");
    site.build();
    site.write(".git/config", "[core]\n");
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
        let err = site_gen::build(&site.options(), &site.root().join(&out))
            .err()
            .unwrap_or_else(|| panic!("--out {out} built"))
            .render_plain();
        assert!(err.contains(message), "{err}");
    }
    // A linked `static` folder counts where it points.
    std::fs::rename(site.root().join("static"), site.root().join("assets")).unwrap();
    std::os::unix::fs::symlink("assets", site.root().join("static")).unwrap();
    let err = site_gen::build(&site.options(), &site.root().join("assets"))
        .err()
        .unwrap()
        .render_plain();
    assert!(
        err.contains("lies inside the site's `static/` folder"),
        "{err}"
    );
    assert!(site.root().join("assets/css/site.css").exists());
}

/// Makes every folder of the site `rwxr-xr-x` (the root `rwxrwxrwx`) and
/// every file `rw-r--r--`, so that a build as `nobody` can read them all.
fn open_to_everyone(site: &SiteTest) {
    use std::os::unix::fs::PermissionsExt;
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
    open_to_everyone(&site);
    site.write("content/guide/locked/x.ja.md", "+++\n");
    let locked = site.path("content/guide/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    for file in [
        "content/guide/fees.ja.md",
        "content/data/fees.toml",
        "content/procedures/apply.toml",
    ] {
        let path = site.root().join(file);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    }

    let mut cmd = site.cmd(&["build"]);
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
    open_to_everyone(&site);
    site.write("public/locked/old.txt", "old");
    let locked = site.out().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let as_builder = |cmd: &mut Command| {
        if std::fs::File::create(locked.join("probe")).is_ok() {
            // Privileged: the lock only holds for an ordinary user.
            let _ = std::fs::remove_file(locked.join("probe"));
            cmd.uid(65534).gid(65534);
        }
    };
    let mut cmd = site.cmd(&["build"]);
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
    site.write("blocker", "a file");
    let blocked = site.path("blocker/public");
    let stderr = site
        .run(&["build", "--out", blocked.to_str().unwrap()])
        .failure();
    assert!(
        stderr.contains("was left as it was") && stderr.contains("nothing was written"),
        "{stderr}"
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

    let good = site.read("content/guide/fees.en.md");
    site.write(
        "content/guide/fees.en.md",
        format!("{good}\n{{{{ nope() }}}}\n"),
    );
    wait_for("the build error page", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 500 && body.contains("unknown shortcode `nope`")
    });
    // The server keeps running and serves the last good CSS meanwhile.
    let (status, _) = get(&addr, "/favicon.svg");
    assert_eq!(status, 200);

    site.write(
        "content/guide/fees.en.md",
        good.replace("About the fees.", "About the fees, fixed."),
    );
    wait_for("the fixed page", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 200 && body.contains("About the fees, fixed.")
    });
    let (status, _) = get(&addr, "/no/such/page/");
    assert_eq!(status, 404);

    // A folder made after start is watched: a page written into it later
    // is served too.
    site.write(
        "content/later/_index.ja.md",
        "+++\ntitle = \"後で\"\ndescription = \"新しい節\"\nupdated = 2026-11-26\n+++\n本文。\n",
    );
    wait_for("the new folder's page", || {
        get(&addr, "/ja/later/").0 == 200
    });
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "content/later/second.ja.md",
        "+++\ntitle = \"二番目\"\ndescription = \"後から\"\nupdated = 2026-11-26\n+++\n二番目の本文。\n",
    );
    wait_for("a page written into the new folder", || {
        let (status, body) = get(&addr, "/ja/later/second/");
        status == 200 && body.contains("二番目の本文。")
    });

    // A template that includes itself (once a stack overflow that killed
    // the server) is an error page; the server lives on and recovers.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{% include \"page.html\" %}{% endblock main %}",
    );
    wait_for("the recursion error page", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 500 && body.contains("template `page.html` includes itself")
    });
    std::fs::remove_file(site.path("templates/page.html")).unwrap();
    wait_for("the page again", || {
        let (status, body) = get(&addr, "/en/guide/fees/");
        status == 200 && body.contains("About the fees, fixed.")
    });
    assert!(child.try_wait().unwrap().is_none(), "the server stopped");
    child.kill().unwrap();
    let _ = child.wait();
}
