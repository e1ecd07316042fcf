//! What the tests share: `SiteTest`, a fixture site in a temporary folder
//! (mdBook's `BookTest`), the `Output` of its build, the CLI, and
//! snapshots of what `site-gen` says.
//!
//! ```ignore
//! let site = SiteTest::fixture("i18n").overlay("invalid/broken-link");
//! site.write("templates/page.html", "…").edit("content/guide/fees.en.md", |t| t + "…");
//! site.build().check_file("en/index.html", &["…"]).check_absent("en/index.html", &["…"]);
//! let stderr = site.run(&["check"]).failure();
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use site_gen::Options;

/// The folder of the fixture sites, `tests/fixtures/`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// The real site, the repository's root.
pub fn real_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Files at a fixture's top that describe the case rather than belong to
/// the site: they are not copied.
const CASE_FILES: [&str; 2] = ["expect.txt", super::invalid::SNAPSHOT];

/// Copies a fixture; symbolic links are recreated as links (replacing
/// what the overlaid site has there).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if CASE_FILES.iter().any(|f| rel.as_os_str() == *f) {
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
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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

/// Every file under the site root except the output, with its bytes.
pub fn sources_of(root: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(root)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("public/") && !k.starts_with(".public"))
        .collect()
}

/// How often `what` occurs in `text`.
pub fn count(text: &str, what: &str) -> usize {
    text.matches(what).count()
}

/// Fills every empty msgstr of a catalog with `f(msgid)`.
pub fn translate_catalog(path: &Path, f: impl Fn(&str) -> String) {
    let mut po = rspolib::pofile(path.to_str().unwrap()).unwrap();
    for e in &mut po.entries {
        if e.msgstr.as_deref().is_none_or(str::is_empty) {
            e.msgstr = Some(f(&e.msgid));
        }
    }
    rspolib::prelude::Save::save(&po, path.to_str().unwrap());
}

/// Starts `site-gen serve` on a free port for the site at `root` (with the
/// checker build `checker`, if given; its standard error to `stderr`) and
/// returns the child and the `host:port` it printed.
pub fn start_serve(
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

/// A fixture site copied into a temporary folder, built into `<tmp>/public`.
pub struct SiteTest {
    dir: Rc<tempfile::TempDir>,
}

/// A finished build's output folder.
pub struct Output {
    pub out: PathBuf,
    /// Keeps the temporary site alive as long as its output is checked.
    _dir: Rc<tempfile::TempDir>,
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join(name), dir.path());
        SiteTest { dir: Rc::new(dir) }
    }

    /// A copy of the real site's `content/` and `static/`, to change.
    pub fn real_site() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["content", "static"] {
            copy_tree(&real_site().join(sub), &dir.path().join(sub));
        }
        SiteTest { dir: Rc::new(dir) }
    }

    /// Lays `tests/fixtures/<case>/` over the site.
    pub fn overlay(self, case: &str) -> Self {
        copy_tree(&fixtures().join(case), self.dir.path());
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `path` under the site root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes a file of the site, making its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
        self
    }

    /// A file of the site as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Rewrites a file of the site with `f` of its text; panics if `f`
    /// changes nothing (an edit that no longer applies tests nothing).
    pub fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) -> &Self {
        let before = self.read(rel);
        let after = f(before.clone());
        assert_ne!(before, after, "the edit of {rel} changed nothing");
        self.write(rel, after)
    }

    /// The options `site-gen build` uses on this site.
    pub fn options(&self) -> Options {
        Options::new(self.root())
    }

    /// The options with `today` set to `day` (`YYYY-MM-DD`).
    pub fn on_day(&self, day: &str) -> Options {
        let mut opts = self.options();
        opts.today = site_gen::config::Date::parse(day).unwrap();
        opts
    }

    /// `site-gen i18n update`: the catalogs it created or changed; panics
    /// with the rendered error if it fails.
    pub fn i18n_update(&self) -> Vec<site_gen::i18n::Updated> {
        match site_gen::i18n::update(&self.options()) {
            Ok((_, updated, _)) => updated,
            Err(e) => panic!("i18n update failed:\n{}", e.render_plain()),
        }
    }

    /// Writes a stand-in for trunk's output into `dist/` (the glue
    /// `app-1234.js`: `export default function init() {}`, the wasm
    /// `app-1234_bg.wasm`: `\0asm\x01\0\0\0`, and trunk's own
    /// `index.html`) and returns the options that build the checker from it.
    pub fn with_stand_in_checker(&self) -> Options {
        self.write("dist/app-1234.js", "export default function init() {}")
            .write("dist/app-1234_bg.wasm", b"\0asm\x01\0\0\0")
            .write("dist/index.html", "<!-- trunk's own page, not used -->");
        let mut opts = self.options();
        opts.checker_dist = Some(self.path("dist"));
        opts
    }

    pub fn try_build(&self) -> Result<Output, site_gen::Failed> {
        site_gen::build(&self.options(), &self.out())?;
        Ok(self.output())
    }

    pub fn build_with(&self, opts: Options) -> Output {
        match site_gen::build(&opts, &self.out()) {
            Ok(_) => self.output(),
            Err(e) => panic!("build failed:\n{}", e.render_plain()),
        }
    }

    pub fn build(&self) -> Output {
        match self.try_build() {
            Ok(o) => o,
            Err(e) => panic!("build failed:\n{}", e.render_plain()),
        }
    }

    /// Builds, expecting it to fail; what it says, as the CLI prints it
    /// without colour.
    pub fn build_err(&self) -> String {
        match self.try_build() {
            Ok(_) => panic!("the build succeeded; expected it to fail"),
            Err(e) => e.render_plain(),
        }
    }

    /// `site-gen --root <site> <args>`, to run as a process.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_site-gen"));
        cmd.arg("--root").arg(self.root()).args(args);
        cmd
    }

    /// Runs `site-gen --root <site> <args>` and waits for it.
    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.cmd(args).output().unwrap())
    }

    fn output(&self) -> Output {
        Output {
            out: self.out(),
            _dir: Rc::clone(&self.dir),
        }
    }
}

/// A finished `site-gen` process.
pub struct Run(pub std::process::Output);

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Its standard output, after checking it exited 0.
    pub fn success(&self) -> String {
        assert!(
            self.0.status.success(),
            "site-gen failed:\n{}",
            self.stderr()
        );
        self.stdout()
    }

    /// Its standard error, after checking it exited non-zero.
    pub fn failure(&self) -> String {
        assert!(
            !self.0.status.success(),
            "site-gen exited 0:\n{}",
            self.stderr()
        );
        self.stderr()
    }
}

impl Output {
    pub fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel))
            .unwrap_or_else(|e| panic!("{rel} was not written: {e}"))
    }

    pub fn check_file(&self, rel: &str, expected: &[&str]) -> &Self {
        let text = self.file(rel);
        for e in expected {
            assert!(text.contains(e), "{rel} lacks {e:?}:\n{text}");
        }
        self
    }

    pub fn check_absent(&self, rel: &str, unexpected: &[&str]) -> &Self {
        let text = self.file(rel);
        for e in unexpected {
            assert!(!text.contains(e), "{rel} should not contain {e:?}");
        }
        self
    }
}

/// The environment variable that rewrites snapshots instead of comparing:
/// `SNAPSHOTS=overwrite cargo test -p site-gen --test site`.
pub const SNAPSHOTS: &str = "SNAPSHOTS";

/// Compares `actual` with the snapshot file `path` (relative to the
/// repository, for the message), or writes it when `SNAPSHOTS=overwrite`.
/// A difference fails with a line diff and how to accept it.
pub fn assert_snapshot(path: &Path, actual: &str) {
    let shown = path
        .strip_prefix(real_site())
        .unwrap_or(path)
        .display()
        .to_string();
    match std::env::var(SNAPSHOTS).as_deref() {
        Ok("overwrite") => {
            std::fs::write(path, actual).unwrap_or_else(|e| panic!("cannot write {shown}: {e}"));
            return;
        }
        Ok(other) => panic!("{SNAPSHOTS}={other}: the only value is `overwrite`"),
        Err(_) => {}
    }
    let expected = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => panic!(
            "no snapshot {shown} ({e}); what was said:\n{actual}\n\
             If that is right, run with {SNAPSHOTS}=overwrite to write it."
        ),
    };
    if expected != actual {
        panic!(
            "{shown} differs from what was said (- snapshot, + now):\n{}\n\
             If the change is intended, run with {SNAPSHOTS}=overwrite and review the diff.",
            line_diff(&expected, actual)
        );
    }
}

/// A line diff of `old` and `new` (longest common subsequence): each line
/// prefixed with `-` (only in `old`), `+` (only in `new`) or a space, the
/// unchanged ones only within three lines of a change (`…` between).
pub fn line_diff(old: &str, new: &str) -> String {
    const CONTEXT: usize = 3;
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    // lcs[i][j]: the common subsequence's length of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut lines) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            lines.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            lines.push(('-', a[i]));
            i += 1;
        } else {
            lines.push(('+', b[j]));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..lines.len()).filter(|&k| lines[k].0 != ' ').collect();
    let near = |k: usize| changed.iter().any(|&c| c.abs_diff(k) <= CONTEXT);
    let mut out = String::new();
    let mut skipped = false;
    for (k, (mark, line)) in lines.iter().enumerate() {
        if near(k) {
            if skipped {
                out += "…\n";
                skipped = false;
            }
            out += &format!("{mark} {line}\n");
        } else {
            skipped = true;
        }
    }
    if skipped && !changed.is_empty() {
        out += "…\n";
    }
    if old.ends_with('\n') != new.ends_with('\n') {
        out += "(the two differ in the final line break)\n";
    }
    out
}

#[test]
fn line_diff_marks_removed_added_and_kept_lines() {
    assert_eq!(
        line_diff("a\nb\nc\n", "a\nx\nc\nd\n"),
        "  a\n- b\n+ x\n  c\n+ d\n"
    );
    assert_eq!(
        line_diff("a\n", "a"),
        "(the two differ in the final line break)\n"
    );
    // Far from a change, unchanged lines are left out.
    let old: String = (1..=20).map(|n| format!("{n}\n")).collect();
    let new = old.replace("10\n", "ten\n");
    assert_eq!(
        line_diff(&old, &new),
        "…\n  7\n  8\n  9\n- 10\n+ ten\n  11\n  12\n  13\n…\n"
    );
}
