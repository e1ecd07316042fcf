//! The vendored Yew, checked byte for byte: `checker-app/vendor/yew` must be
//! the published crate's files listed in `checker-app/vendor/yew.sha256`
//! (their SHA-256, recorded once from the `.crate` cargo verified) with
//! `checker-app/vendor/yew-size.patch` applied, nothing more or less; and the
//! pins that keep cargo on that copy must hold (`yew = "=VERSION"` in
//! `checker-app/Cargo.toml`, `yew-macro` `=VERSION` in the copy's
//! Cargo.toml, Cargo.lock's `yew` from the path).
//!
//! A file the patch changes is checked both ways: the patch undone on the
//! copy must give the published file (its SHA-256), and the patch applied to
//! that file must give the copy. So the check runs offline, from committed
//! files only, and fails, naming the file, when a byte of the copy changes,
//! a file is added or removed, or the patch is edited without the copy.
//!
//! `cargo xtask verify-yew` runs it; `cargo xtask verify-yew --record DIR`
//! first writes the manifest and the patch from DIR, the published crate
//! unpacked, to the copy (changing the patch, upgrading Yew:
//! `checker-app/vendor/README.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Component, Path};

use diffy::patch_set::{FileOperation, ParseOptions, PatchSet};
use sha2::{Digest, Sha256};

/// The copy, the manifest and the patch, relative to the repository root.
const COPY: &str = "checker-app/vendor/yew";
const MANIFEST: &str = "checker-app/vendor/yew.sha256";
const PATCH: &str = "checker-app/vendor/yew-size.patch";
const PINS: &str = "checker-app/Cargo.toml";
const LOCK: &str = "Cargo.lock";

/// Checks the repository's vendored Yew; `Ok` is a one-line summary, `Err`
/// every problem found, one per line, each naming its file.
pub fn verify_yew() -> Result<String, String> {
    verify_at(&crate::root())
}

/// `cargo xtask verify-yew [--record DIR]`.
pub fn command(args: &[String]) -> Result<(), String> {
    match args {
        [] => {}
        [flag, dir] if flag == "--record" => {
            let written = record(&crate::root(), Path::new(dir))?;
            eprintln!("verify-yew: {written}");
        }
        _ => {
            return Err("usage: cargo xtask verify-yew [--record PUBLISHED_CRATE_DIR]".to_owned());
        }
    }
    let summary = verify_yew()?;
    eprintln!("verify-yew: {summary}");
    Ok(())
}

/// One file's part of the patch.
struct FilePatch<'a> {
    /// `true`: the patch creates the file (`--- /dev/null`).
    created: bool,
    patch: diffy::Patch<'a, str>,
}

fn verify_at(root: &Path) -> Result<String, String> {
    let mut problems = Vec::new();
    let manifest = read_manifest(root)?;
    let patch_text = std::fs::read_to_string(root.join(PATCH))
        .map_err(|e| format!("{PATCH}: cannot read: {e}"))?;
    let patches = read_patch(&patch_text, &manifest)?;
    let copy = files_under(&root.join(COPY))?;

    let mut unchanged = 0;
    let mut patched = 0;
    for rel in &copy {
        let shown = format!("{COPY}/{rel}");
        let bytes = std::fs::read(root.join(COPY).join(rel))
            .map_err(|e| format!("{shown}: cannot read: {e}"))?;
        match (patches.get(rel), manifest.get(rel)) {
            (None, Some(published)) => {
                let actual = sha256(&bytes);
                if &actual == published {
                    unchanged += 1;
                } else {
                    problems.push(format!(
                        "{shown}: changed: SHA-256 {actual}, the published file's is {published} \
                         ({MANIFEST}), and {PATCH} does not touch it; undo the edit, or make it \
                         part of the patch (checker-app/vendor/README.md)"
                    ));
                }
            }
            (None, None) => problems.push(format!(
                "{shown}: not a file of the published crate ({MANIFEST}) nor one {PATCH} \
                 creates; remove it, or make it part of the patch"
            )),
            (Some(file), published) => match check_patched(&shown, &bytes, file, published) {
                Ok(()) => patched += 1,
                Err(e) => problems.push(e),
            },
        }
    }
    let present: BTreeSet<&String> = copy.iter().collect();
    for rel in manifest.keys().chain(patches.keys()) {
        if !present.contains(rel) {
            problems.push(format!(
                "{COPY}/{rel}: missing: {} lists it; restore it from the published crate \
                 (checker-app/vendor/README.md), or record the manifest again if it is dropped \
                 on purpose",
                if manifest.contains_key(rel) {
                    MANIFEST
                } else {
                    PATCH
                }
            ));
        }
    }

    let version = copy_version(root)?;
    problems.extend(check_pins(root, &version)?);

    if problems.is_empty() {
        Ok(format!(
            "{COPY}: {} files, yew {version} as published ({unchanged} unchanged, {patched} \
             changed by {PATCH}); yew and yew-macro pinned to ={version}, and {LOCK} takes \
             yew from the copy",
            copy.len()
        ))
    } else {
        problems.sort();
        problems.dedup();
        Err(format!(
            "the vendored Yew is not the published crate plus its patch:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// A file the patch changes or creates: the patch undone must give the
/// published file, and the patch applied to that must give the copy.
fn check_patched(
    shown: &str,
    bytes: &[u8],
    file: &FilePatch,
    published: Option<&String>,
) -> Result<(), String> {
    let copy = std::str::from_utf8(bytes)
        .map_err(|_| format!("{shown}: not UTF-8, but {PATCH} changes it as text"))?;
    let patch = &file.patch;
    let original = if file.created {
        String::new()
    } else {
        let original = diffy::apply(copy, &patch.reverse()).map_err(|e| {
            format!(
                "{shown}: {PATCH} does not undo on it ({e}): the copy was edited where the patch \
                 changes it, or the patch without the copy; make them agree again \
                 (checker-app/vendor/README.md)"
            )
        })?;
        let actual = sha256(original.as_bytes());
        let published = published.map_or("", String::as_str);
        if actual != published {
            return Err(format!(
                "{shown}: with {PATCH} undone it is not the published file (SHA-256 {actual}, \
                 {MANIFEST} says {published}): the copy was edited outside what the patch \
                 changes, or the patch without the copy"
            ));
        }
        original
    };
    let applied = diffy::apply(&original, patch)
        .map_err(|e| format!("{shown}: {PATCH} does not apply to the published file ({e})"))?;
    if applied != copy {
        let line = applied
            .lines()
            .zip(copy.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| applied.lines().count().min(copy.lines().count()))
            + 1;
        return Err(format!(
            "{shown}:{line}: the published file with {PATCH} applied differs from the copy here"
        ));
    }
    Ok(())
}

/// The manifest: path (relative to the crate, `/`-separated) → SHA-256 in
/// lower-case hex. `sha256sum` lines; `#` starts a comment.
fn read_manifest(root: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(root.join(MANIFEST))
        .map_err(|e| format!("{MANIFEST}: cannot read: {e}"))?;
    let mut files = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let at = format!("{MANIFEST}:{}", n + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (hash, path) = line
            .split_once("  ")
            .filter(|(h, _)| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|(h, _)| !h.bytes().any(|b| b.is_ascii_uppercase()))
            .ok_or_else(|| {
                format!(
                    "{at}: expected `<64 lower-case hex digits>  <path>` (sha256sum's format); \
                     record the manifest with `cargo xtask verify-yew --record DIR`"
                )
            })?;
        let path = relative(path)
            .ok_or_else(|| format!("{at}: `{path}` is not a relative path inside the crate"))?;
        if files.insert(path.clone(), hash.to_owned()).is_some() {
            return Err(format!("{at}: `{path}` is listed twice"));
        }
    }
    if files.is_empty() {
        return Err(format!("{MANIFEST}: lists no file"));
    }
    Ok(files)
}

/// The patch, split by file. Paths lose their first component (`patch
/// -p1`); each file must be changed in place or created, once.
fn read_patch<'a>(
    text: &'a str,
    manifest: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, FilePatch<'a>>, String> {
    let mut files = BTreeMap::new();
    for (n, parsed) in PatchSet::parse(text, ParseOptions::unidiff()).enumerate() {
        let parsed = parsed.map_err(|e| format!("{PATCH}: {e}"))?;
        let which = format!("{PATCH}, file {}", n + 1);
        let (path, created) = match parsed.operation().strip_prefix(1) {
            FileOperation::Modify { original, modified } if original == modified => {
                (original.into_owned(), false)
            }
            FileOperation::Create(path) => (path.into_owned(), true),
            other => {
                return Err(format!(
                    "{which}: {other:?}: only changes to a file in place and new files are \
                     supported (drop a file by removing it from the copy and the manifest)"
                ));
            }
        };
        let path = relative(&path)
            .ok_or_else(|| format!("{which}: `{path}` is not a relative path inside the crate"))?;
        let diffy::patch_set::PatchKind::Text(patch) = parsed.into_patch() else {
            return Err(format!(
                "{which} ({path}): a binary patch; only text is supported"
            ));
        };
        if created == manifest.contains_key(&path) {
            return Err(if created {
                format!("{which}: creates {path}, which the published crate has ({MANIFEST})")
            } else {
                format!("{which}: changes {path}, which {MANIFEST} does not list")
            });
        }
        if files
            .insert(path.clone(), FilePatch { created, patch })
            .is_some()
        {
            return Err(format!("{which}: a second part for {path}; make it one"));
        }
    }
    if files.is_empty() {
        return Err(format!("{PATCH}: changes no file"));
    }
    Ok(files)
}

/// A `/`-separated relative path with no `.`/`..` and no empty component.
fn relative(path: &str) -> Option<String> {
    let ok = !path.is_empty()
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| path.to_owned())
}

/// Every file under `dir`, relative, `/`-separated, sorted. Anything but
/// a file or a folder (a symbolic link) is an error.
fn files_under(dir: &Path) -> Result<Vec<String>, String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
            let name = entry.file_name();
            let name = name
                .to_str()
                .ok_or_else(|| format!("{}: a file name that is not UTF-8", dir.display()))?;
            let rel = format!("{prefix}{name}");
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            if kind.is_dir() {
                walk(&entry.path(), &format!("{rel}/"), out)?;
            } else if kind.is_file() {
                out.push(rel);
            } else {
                return Err(format!(
                    "{}: neither a file nor a folder",
                    entry.path().display()
                ));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The copy's version: its Cargo.toml's `[package]` `version` (the file
/// itself is checked against the manifest).
fn copy_version(root: &Path) -> Result<String, String> {
    let path = format!("{COPY}/Cargo.toml");
    let text = std::fs::read_to_string(root.join(&path))
        .map_err(|e| format!("{path}: cannot read: {e}"))?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && let Some(v) = string_value(line, "version") {
            return Ok(v);
        }
    }
    Err(format!("{path}: no `version` in [package]"))
}

/// `key = "value"` → `value`.
fn string_value(line: &str, key: &str) -> Option<String> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let inner = rest.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.to_owned())
}

/// The pins: `checker-app/Cargo.toml` asks for `yew` `=VERSION` and the
/// copy's Cargo.toml for `yew-macro` `=VERSION` (through the patch: a
/// direct dependency of checker-app would change the wasm's import hashes),
/// and Cargo.lock has `yew` VERSION from the path (no `source`: the
/// `[patch.crates-io]` is in use) and `yew-macro` VERSION.
fn check_pins(root: &Path, version: &str) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    let pin = format!("\"={version}\"");
    let app = std::fs::read_to_string(root.join(PINS))
        .map_err(|e| format!("{PINS}: cannot read: {e}"))?;
    let yew = app.lines().enumerate().find(|(_, l)| {
        l.strip_prefix("yew")
            .is_some_and(|r| r.trim_start().starts_with('='))
    });
    match yew {
        Some((_, l)) if l.contains(&format!("version = {pin}")) => {}
        Some((n, l)) => problems.push(format!(
            "{PINS}:{}: `{}`: pin yew to exactly the vendored version, `version = {pin}` \
             (checker-app/vendor/README.md)",
            n + 1,
            l.trim()
        )),
        None => problems.push(format!(
            "{PINS}: no `yew = ` dependency; add it with `version = {pin}`"
        )),
    }
    let copy_manifest = format!("{COPY}/Cargo.toml");
    let copy = std::fs::read_to_string(root.join(&copy_manifest))
        .map_err(|e| format!("{copy_manifest}: cannot read: {e}"))?;
    let mut in_macro = false;
    let mut macro_pin = None;
    for (n, line) in copy.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_macro = line == "[dependencies.yew-macro]";
        } else if in_macro && let Some(v) = string_value(line, "version") {
            macro_pin = Some((n + 1, v));
        }
    }
    match macro_pin {
        Some((_, v)) if v == format!("={version}") => {}
        Some((n, v)) => problems.push(format!(
            "{copy_manifest}:{n}: yew-macro `{v}`: pin it to {pin}, the version this yew was \
             published with (a hunk of {PATCH})"
        )),
        None => problems.push(format!(
            "{copy_manifest}: no [dependencies.yew-macro] version; pin it to {pin}"
        )),
    }

    let lock = std::fs::read_to_string(root.join(LOCK))
        .map_err(|e| format!("{LOCK}: cannot read: {e}"))?;
    let packages: Vec<Vec<&str>> = lock
        .split("[[package]]")
        .skip(1)
        .map(|block| block.lines().map(str::trim).collect())
        .collect();
    let field = |lines: &[&str], key: &str| lines.iter().find_map(|l| string_value(l, key));
    for name in ["yew", "yew-macro"] {
        let found: Vec<_> = packages
            .iter()
            .filter(|p| field(p, "name").as_deref() == Some(name))
            .collect();
        let [package] = found.as_slice() else {
            problems.push(format!(
                "{LOCK}: {} packages named {name}; expected one, {version} (run `cargo update -p \
                 {name}` after pinning it)",
                found.len()
            ));
            continue;
        };
        let locked = field(package, "version").unwrap_or_default();
        if locked != version {
            problems.push(format!(
                "{LOCK}: {name} {locked}, but the vendored Yew is {version}; pin {pin} in {PINS} \
                 and build once"
            ));
        }
        let source = field(package, "source");
        if name == "yew" && source.is_some() {
            problems.push(format!(
                "{LOCK}: yew comes from {}, not from {COPY}: the root Cargo.toml's \
                 [patch.crates-io] is unused (cargo warns `Patch yew … was not used`)",
                source.unwrap_or_default()
            ));
        }
    }
    Ok(problems)
}

/// Records the copy against `published`, the published crate unpacked
/// (its `.crate` extracted, or cargo's `~/.cargo/registry/src/*/yew-V/`):
/// the manifest, the SHA-256 of each of its files that the copy keeps; and
/// the patch, from those files to the copy (so it holds whatever was edited
/// in the copy). Returns what it wrote.
fn record(root: &Path, published: &Path) -> Result<String, String> {
    let manifest = record_manifest(root, published)?;
    let patch = record_patch(root, published)?;
    Ok(format!("{manifest}; {patch}"))
}

/// Writes the patch: for each file of the copy that is not the published
/// one, a unified diff (`patch -p1` applies it in the copy's folder).
fn record_patch(root: &Path, published: &Path) -> Result<String, String> {
    let version = copy_version(root)?;
    let mut text = String::new();
    let (mut changed, mut created) = (0, 0);
    for rel in files_under(&root.join(COPY))? {
        let shown = format!("{COPY}/{rel}");
        let copy = std::fs::read(root.join(COPY).join(&rel))
            .map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let was = published.join(&rel);
        let (original, from, diff) = if was.is_file() {
            let original =
                std::fs::read(&was).map_err(|e| format!("{}: cannot read: {e}", was.display()))?;
            if original == copy {
                continue;
            }
            changed += 1;
            (original, format!("yew-{version}/{rel}"), "diff -ru")
        } else {
            created += 1;
            (Vec::new(), "/dev/null".to_owned(), "diff -ruN")
        };
        let as_text = |bytes: Vec<u8>, what: &str| {
            String::from_utf8(bytes)
                .map_err(|_| format!("{what}: not UTF-8: cannot diff it as text"))
        };
        let original = as_text(original, &was.display().to_string())?;
        let copy = as_text(copy, &shown)?;
        let patch = diffy::DiffOptions::new()
            .set_original_filename(from)
            .set_modified_filename(format!("yew/{rel}"))
            .create_patch(&original, &copy);
        // Blank context lines as a space, as `diff -u` writes them.
        let patch = diffy::PatchFormatter::new()
            .suppress_blank_empty(false)
            .fmt_patch(&patch)
            .to_string();
        let _ = write!(text, "{diff} yew-{version}/{rel} yew/{rel}\n{patch}");
    }
    std::fs::write(root.join(PATCH), text).map_err(|e| format!("{PATCH}: cannot write: {e}"))?;
    Ok(format!(
        "{PATCH}: {changed} files changed, {created} created"
    ))
}

/// Writes the manifest: the SHA-256 of each file of `published` that the
/// copy keeps (has a file of that path).
fn record_manifest(root: &Path, published: &Path) -> Result<String, String> {
    let kept: BTreeSet<String> = files_under(&root.join(COPY))?.into_iter().collect();
    let mut lines = String::new();
    let mut dropped = Vec::new();
    let mut listed = 0;
    for rel in files_under(published)? {
        // Cargo's own marker in ~/.cargo/registry/src, not the crate's.
        if rel == ".cargo-ok" {
            continue;
        }
        if !kept.contains(&rel) {
            dropped.push(rel);
            continue;
        }
        let bytes = std::fs::read(published.join(&rel))
            .map_err(|e| format!("{}: cannot read: {e}", published.join(&rel).display()))?;
        let _ = writeln!(lines, "{}  {rel}", sha256(&bytes));
        listed += 1;
    }
    let version = copy_version(root)?;
    let mut text = format!(
        "# yew {version} as published: the SHA-256 of each file of yew-{version}.crate kept in\n\
         # yew/, as `sha256sum` prints them. `cargo xtask verify-yew` checks yew/ against them\n\
         # and yew-size.patch; recorded with `cargo xtask verify-yew --record DIR`\n\
         # (checker-app/vendor/README.md). Not kept (cargo does not read them to build yew\n\
         # as a dependency):"
    );
    let mut width = 87; // starts a new line
    for rel in dropped
        .iter()
        .map(String::as_str)
        .chain(dropped.is_empty().then_some("none"))
    {
        if width + rel.len() > 86 {
            text.push_str("\n#");
            width = 1;
        }
        text.push(' ');
        text.push_str(rel);
        width += rel.len() + 1;
    }
    text.push('\n');
    text.push_str(&lines);
    std::fs::write(root.join(MANIFEST), text)
        .map_err(|e| format!("{MANIFEST}: cannot write: {e}"))?;
    Ok(format!(
        "{MANIFEST}: {listed} files of {} recorded, {} left out",
        published.display(),
        dropped.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small stand-in for the repository: a published crate, the copy
    /// (published + patch), the manifest recorded from the crate, the pins.
    struct Fixture {
        dir: tempfile::TempDir,
    }

    const LIB: &str = "pub mod a;\npub mod b;\n";
    const A: &str = "fn one() {}\n\nfn name() -> &'static str {\n    &\"onclick\"[2..]\n}\n\nfn three() {}\n\nfn four() {}\n";
    const B: &str = "pub fn b() {}\n";
    const CARGO: &str = "[package]\nname = \"yew\"\nversion = \"0.23.0\"\n\n[dependencies.yew-macro]\nversion = \"=0.23.0\"\n";
    const PATCH_TEXT: &str = "\
diff -ru yew-0.23.0/src/a.rs yew/src/a.rs
--- yew-0.23.0/src/a.rs
+++ yew/src/a.rs
@@ -1,7 +1,7 @@
 fn one() {}
 
 fn name() -> &'static str {
-    &\"onclick\"[2..]
+    \"onclick\".get(2..).unwrap_or_default()
 }
 
 fn three() {}
";
    const PINS_TEXT: &str =
        "[dependencies]\nyew = { version = \"=0.23.0\", default-features = false }\n";
    const LOCK_TEXT: &str = "version = 4\n\n[[package]]\nname = \"yew\"\nversion = \"0.23.0\"\ndependencies = [\n \"yew-macro\",\n]\n\n[[package]]\nname = \"yew-macro\"\nversion = \"0.23.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

    impl Fixture {
        fn new() -> Fixture {
            let dir = tempfile::tempdir().expect("temporary folder");
            let f = Fixture { dir };
            let published = f.path("published");
            for (rel, text) in [
                ("Cargo.toml", CARGO),
                ("src/lib.rs", LIB),
                ("src/a.rs", A),
                ("src/b.rs", B),
                ("README.md", "dropped\n"),
                (".cargo-ok", "{\"v\":1}"),
            ] {
                write(&published.join(rel), text);
            }
            for (rel, text) in [
                ("Cargo.toml", CARGO),
                ("src/lib.rs", LIB),
                (
                    "src/a.rs",
                    &A.replace(
                        "&\"onclick\"[2..]",
                        "\"onclick\".get(2..).unwrap_or_default()",
                    ),
                ),
                ("src/b.rs", B),
            ] {
                write(&f.path(COPY).join(rel), text);
            }
            write(&f.path(PINS), PINS_TEXT);
            write(&f.path(LOCK), LOCK_TEXT);
            let recorded = record(f.dir.path(), &published).expect("record");
            assert!(recorded.contains("4 files of"), "{recorded}");
            assert!(
                recorded.contains("1 files changed, 0 created"),
                "{recorded}"
            );
            assert!(recorded.contains("1 left out"), "{recorded}");
            // The patch recorded is the one `diff -ru` writes.
            let patch = std::fs::read_to_string(f.path(PATCH)).expect("patch");
            assert_eq!(patch, PATCH_TEXT);
            f
        }

        fn path(&self, rel: &str) -> std::path::PathBuf {
            self.dir.path().join(rel)
        }

        fn edit(&self, rel: &str, from: &str, to: &str) {
            let path = self.path(rel);
            let text = std::fs::read_to_string(&path).expect("read");
            assert!(text.contains(from), "{rel} has no `{from}`");
            std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
        }

        fn verify(&self) -> Result<String, String> {
            verify_at(self.dir.path())
        }

        /// The check fails, and its message names `file` and says `what`.
        fn fails(&self, file: &str, what: &str) {
            let err = self.verify().expect_err("the check should fail");
            assert!(err.contains(file), "names {file}: {err}");
            assert!(err.contains(what), "says `{what}`: {err}");
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn the_copy_as_published_plus_the_patch_passes() {
        let f = Fixture::new();
        let ok = f.verify().expect("passes");
        assert!(
            ok.contains("4 files, yew 0.23.0 as published (3 unchanged, 1 changed"),
            "{ok}"
        );
        let manifest = std::fs::read_to_string(f.path(MANIFEST)).expect("manifest");
        assert!(manifest.contains("\n# README.md\n"), "{manifest}");
        assert!(!manifest.contains(".cargo-ok"), "{manifest}");
    }

    #[test]
    fn a_changed_byte_in_a_file_the_patch_does_not_touch_fails() {
        let f = Fixture::new();
        f.edit(&format!("{COPY}/src/b.rs"), "b()", "c()");
        f.fails(
            "checker-app/vendor/yew/src/b.rs: changed: SHA-256",
            "does not touch it",
        );
    }

    #[test]
    fn a_changed_byte_outside_the_patched_lines_fails() {
        let f = Fixture::new();
        f.edit(&format!("{COPY}/src/a.rs"), "fn four", "fn for");
        f.fails(
            "checker-app/vendor/yew/src/a.rs: with checker-app/vendor/yew-size.patch undone it is \
             not the published file",
            "edited outside what the patch changes",
        );
    }

    #[test]
    fn a_changed_byte_in_the_patched_lines_fails() {
        let f = Fixture::new();
        f.edit(&format!("{COPY}/src/a.rs"), "get(2..)", "get(3..)");
        f.fails("checker-app/vendor/yew/src/a.rs", "does not undo on it");
    }

    #[test]
    fn an_added_file_fails() {
        let f = Fixture::new();
        write(&f.path(COPY).join("src/extra.rs"), "");
        f.fails(
            "checker-app/vendor/yew/src/extra.rs: not a file of the published crate",
            "remove it",
        );
    }

    #[test]
    fn a_removed_file_fails() {
        let f = Fixture::new();
        std::fs::remove_file(f.path(COPY).join("src/b.rs")).expect("remove");
        f.fails("checker-app/vendor/yew/src/b.rs: missing", MANIFEST);
    }

    #[test]
    fn the_patch_edited_without_the_copy_fails() {
        let f = Fixture::new();
        f.edit(
            PATCH,
            "+    \"onclick\".get(2..)",
            "+    \"onclick\".get(3..)",
        );
        f.fails("checker-app/vendor/yew/src/a.rs", "does not undo on it");
    }

    #[test]
    fn a_removed_line_of_the_patch_edited_fails() {
        // The patch still undoes and applies, but what it gives back is not
        // the published file.
        let f = Fixture::new();
        f.edit(PATCH, "-    &\"onclick\"[2..]", "-    &\"onclick\"[3..]");
        f.fails(
            "checker-app/vendor/yew/src/a.rs: with checker-app/vendor/yew-size.patch undone it is \
             not the published file",
            "or the patch without the copy",
        );
    }

    #[test]
    fn a_context_line_of_the_patch_edited_fails() {
        let f = Fixture::new();
        f.edit(PATCH, "\n fn three() {}\n", "\n fn three() {} \n");
        f.fails("checker-app/vendor/yew/src/a.rs", "does not undo on it");
    }

    #[test]
    fn a_changed_manifest_fails() {
        let f = Fixture::new();
        let manifest = std::fs::read_to_string(f.path(MANIFEST)).expect("manifest");
        let line = manifest
            .lines()
            .find(|l| l.ends_with("  src/lib.rs"))
            .expect("lib.rs listed");
        let flipped = format!(
            "{}{}",
            if line.starts_with('0') { "1" } else { "0" },
            &line[1..]
        );
        f.edit(MANIFEST, line, &flipped);
        f.fails(
            "checker-app/vendor/yew/src/lib.rs: changed",
            "published file's is",
        );
    }

    #[test]
    fn a_loose_pin_or_an_unused_patch_fails() {
        let f = Fixture::new();
        f.edit(PINS, "version = \"=0.23.0\"", "version = \"0.23\"");
        f.fails("checker-app/Cargo.toml:2", "pin yew to exactly");
        let f = Fixture::new();
        f.edit(&format!("{COPY}/Cargo.toml"), "\"=0.23.0\"", "\"^0.23.0\"");
        f.fails(
            "checker-app/vendor/yew/Cargo.toml:6: yew-macro `^0.23.0`",
            "pin it to \"=0.23.0\"",
        );
        let f = Fixture::new();
        f.edit(
            LOCK,
            "name = \"yew\"\nversion = \"0.23.0\"\n",
            "name = \"yew\"\nversion = \"0.23.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
        );
        f.fails("Cargo.lock: yew 0.23.1", "[patch.crates-io] is unused");
    }

    #[test]
    fn a_bad_manifest_line_names_its_line() {
        let f = Fixture::new();
        f.edit(MANIFEST, "  src/b.rs", " src/b.rs");
        let err = f.verify().expect_err("fails");
        assert!(err.starts_with(&format!("{MANIFEST}:")), "{err}");
        assert!(err.contains("sha256sum's format"), "{err}");
    }

    #[test]
    fn recording_again_takes_edits_and_new_files_into_the_patch() {
        let f = Fixture::new();
        f.edit(&format!("{COPY}/src/b.rs"), "b()", "c()");
        write(&f.path(COPY).join("src/new.rs"), "pub fn new() {}\n");
        assert!(f.verify().is_err());
        let recorded = record(f.dir.path(), &f.path("published")).expect("record");
        assert!(
            recorded.contains("2 files changed, 1 created"),
            "{recorded}"
        );
        let patch = std::fs::read_to_string(f.path(PATCH)).expect("patch");
        assert!(
            patch.contains("diff -ruN yew-0.23.0/src/new.rs yew/src/new.rs\n--- /dev/null\n"),
            "{patch}"
        );
        let ok = f.verify().expect("passes");
        assert!(
            ok.contains("5 files, yew 0.23.0 as published (2 unchanged, 3 changed"),
            "{ok}"
        );
    }

    /// The repository's own copy: the published yew plus yew-size.patch.
    #[test]
    fn the_repository_copy_passes() {
        let ok = verify_yew().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            ok.contains("changed by checker-app/vendor/yew-size.patch"),
            "{ok}"
        );
    }
}
