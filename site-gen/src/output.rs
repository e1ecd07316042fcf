//! Static files and writing the output folder.
//!
//! CSS and JS under `static/` get a content hash in their name
//! (`css/site.css` → `css/site.1a2b3c4d5e.css`) so they can be cached forever.
//! The output is written to a sibling temporary folder and swapped in only
//! when everything is written, so a failed build never touches the old site.
//! Every file goes through [`Staging::write`], which also writes its
//! precompressed copies (`.br`, `.gz`: see [`crate::precompress`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

/// Output path of a static file: fingerprinted for CSS and JS.
pub fn asset_name(rel: &str, bytes: &[u8]) -> String {
    let fingerprint = matches!(
        Path::new(rel).extension().and_then(|e| e.to_str()),
        Some("css" | "js" | "mjs")
    );
    if !fingerprint {
        return rel.to_string();
    }
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match rel.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hex}.{ext}"),
        None => format!("{rel}.{hex}"),
    }
}

/// Whether a file name carries a content hash, so the file never changes
/// under its name: site-gen's own (`site.1a2b3c4d5e.css`, [`asset_name`])
/// or trunk's (`checker-app-<hash>.js`, `checker-app-<hash>_bg.wasm`, with
/// `filehash = true`, as `Trunk.release.toml` sets): at least 8 hex digits
/// after the last `.` or `-` of the name without its extension.
pub fn hashed_name(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let Some((stem, _ext)) = file.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once(['.', '-']) else {
        return false;
    };
    hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why writing the output failed, and whether the previous output is intact.
#[derive(Debug)]
pub struct WriteError {
    pub message: String,
    /// True when the output folder is exactly as it was before.
    pub unchanged: bool,
}

/// The output was written; `leftover` names an old copy that could not be
/// deleted (the new site is in place all the same).
#[derive(Debug, Default)]
pub struct Written {
    pub leftover: Option<String>,
    /// How many files, and bytes, the new site has (precompressed copies
    /// included).
    pub files: usize,
    pub bytes: usize,
    /// Of which precompressed copies (`.br`, `.gz`).
    pub copies: usize,
    pub copy_bytes: usize,
}

/// A new output folder being written: a sibling temporary folder of `out`
/// that [`Staging::commit`] swaps in. Files may be written from many
/// threads at once; dropping it uncommitted deletes it, so `out` is never
/// touched unless every file was written.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    dir: tempfile::TempDir,
    /// Whether each compressible file gets its `.br` and `.gz` copies.
    precompress: bool,
    files: AtomicUsize,
    bytes: AtomicUsize,
    copies: AtomicUsize,
    copy_bytes: AtomicUsize,
}

fn unchanged(out: &Path, what: String) -> WriteError {
    WriteError {
        message: format!("{what}; `{}` was left as it was", out.display()),
        unchanged: true,
    }
}

impl Staging {
    /// A staging folder for `out`; with `precompress`, every compressible
    /// file written gets its precompressed copies.
    pub fn new(out: &Path, precompress: bool) -> Result<Staging, WriteError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| unchanged(out, format!("cannot create `{}`: {e}", parent.display())))?;
        let name = out
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(&parent)
            .map_err(|e| {
                unchanged(
                    out,
                    format!("cannot create a folder in `{}`: {e}", parent.display()),
                )
            })?;
        Ok(Staging {
            out: out.to_path_buf(),
            parent,
            name,
            dir,
            precompress,
            files: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            copies: AtomicUsize::new(0),
            copy_bytes: AtomicUsize::new(0),
        })
    }

    /// Writes one file of the new site (`rel`: path relative to its root)
    /// and, when precompressing, its `.br` and `.gz` copies (each only if it
    /// is smaller than the file). Safe to call from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.write_one(rel, bytes)?;
        if self.precompress {
            for (copy, packed) in crate::precompress::copies(rel, bytes) {
                self.write_one(&copy, &packed)?;
                self.copies.fetch_add(1, Ordering::Relaxed);
                self.copy_bytes.fetch_add(packed.len(), Ordering::Relaxed);
            }
        }
        Ok(())
    }

    fn write_one(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.dir.path().join(rel);
        match path.parent() {
            Some(dir) => std::fs::create_dir_all(dir),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(&path, bytes))
        .map_err(|e| {
            unchanged(
                &self.out,
                format!("cannot write `{rel}` of the new site: {e}"),
            )
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(())
    }

    /// Puts the new site in place of `out`. On Linux the new folder and the
    /// old one trade places in one atomic `renameat2` (`RENAME_EXCHANGE`), so
    /// a web server serving `out` never finds it missing; where the OS or
    /// file system refuses that, two renames are used.
    pub fn commit(self) -> Result<Written, WriteError> {
        let Staging {
            out,
            parent,
            name,
            dir: staging,
            precompress: _,
            files,
            bytes,
            copies,
            copy_bytes,
        } = self;
        let out = out.as_path();
        let done = |leftover: Option<String>| Written {
            leftover,
            files: files.load(Ordering::Relaxed),
            bytes: bytes.load(Ordering::Relaxed),
            copies: copies.load(Ordering::Relaxed),
            copy_bytes: copy_bytes.load(Ordering::Relaxed),
        };
        if std::fs::symlink_metadata(out).is_err() {
            let staged = staging.keep();
            return match std::fs::rename(&staged, out) {
                Ok(()) => Ok(done(None)),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&staged);
                    Err(unchanged(
                        out,
                        format!("cannot move the new site into place: {e}"),
                    ))
                }
            };
        }
        match exchange(staging.path(), out) {
            Ok(()) => {
                // The staging folder now holds the previous site.
                let old = staging.path().to_path_buf();
                Ok(match staging.close() {
                    Ok(()) => done(None),
                    Err(e) => done(Some(format!("{}: {e}", old.display()))),
                })
            }
            Err(_) => {
                // No atomic exchange here: move the old site aside, then the new one in.
                let staged = staging.keep();
                let old = match tempfile::Builder::new()
                    .prefix(&format!(".{name}.old-"))
                    .tempdir_in(&parent)
                {
                    Ok(d) => d.keep(),
                    Err(e) => {
                        let _ = std::fs::remove_dir_all(&staged);
                        return Err(unchanged(
                            out,
                            format!("cannot create a folder in `{}`: {e}", parent.display()),
                        ));
                    }
                };
                let _ = std::fs::remove_dir(&old);
                if let Err(e) = std::fs::rename(out, &old) {
                    let _ = std::fs::remove_dir_all(&staged);
                    return Err(unchanged(
                        out,
                        format!("cannot move the previous site aside: {e}"),
                    ));
                }
                if let Err(e) = std::fs::rename(&staged, out) {
                    let restored = std::fs::rename(&old, out).is_ok();
                    let _ = std::fs::remove_dir_all(&staged);
                    return Err(if restored {
                        unchanged(out, format!("cannot move the new site into place: {e}"))
                    } else {
                        WriteError {
                            message: format!(
                                "cannot move the new site into place: {e}; the previous site is in `{}`",
                                old.display()
                            ),
                            unchanged: false,
                        }
                    });
                }
                Ok(match std::fs::remove_dir_all(&old) {
                    Ok(()) => done(None),
                    Err(e) => done(Some(format!("{}: {e}", old.display()))),
                })
            }
        }
    }
}

/// Writes `files` (path relative to the output root → bytes) into `out`,
/// without precompressed copies, replacing what was there only once every
/// file is written (see [`Staging`]).
pub fn write_atomically(
    out: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Written, WriteError> {
    let staging = Staging::new(out, false)?;
    for (rel, bytes) in files {
        staging.write(rel, bytes)?;
    }
    staging.commit()
}

/// Replaces one file whole: written next to it, then renamed over it, so a
/// reader (or a crash) sees the old file or the new one, never half of it.
/// `site-gen i18n update` writes catalogs this way.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    let perms = match std::fs::metadata(path) {
        Ok(m) => m.permissions(),
        Err(_) => std::os::unix::fs::PermissionsExt::from_mode(0o644),
    };
    tmp.as_file().set_permissions(perms)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Swaps two folders in one atomic step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Writes a file that is not part of the site (a review sheet) at `rel`
/// under `root`, creating its folder; returns its absolute path.
pub fn write_beside_site(root: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let path = std::path::absolute(root.join(rel))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    replace_file(&path, bytes)?;
    Ok(path)
}

/// A `file://` URL of `rel` under `root` (absolute, percent-encoded), for
/// a file opened from disk to link the site's stylesheet.
pub fn file_url(root: &Path, rel: &str) -> String {
    let path = std::path::absolute(root.join(rel)).unwrap_or_else(|_| root.join(rel));
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_are_fingerprinted_by_content() {
        let a = asset_name("css/site.css", b"body{}");
        let b = asset_name("css/site.css", b"body{color:red}");
        assert!(a.starts_with("css/site.") && a.ends_with(".css"));
        assert_ne!(a, b);
        assert_eq!(a.len(), "css/site..css".len() + 10);
        assert_eq!(asset_name("img/logo.svg", b"<svg/>"), "img/logo.svg");
        assert!(hashed_name(&a) && hashed_name(&format!("checker/{a}")));
    }

    #[test]
    fn hashed_names_are_site_gens_and_trunks() {
        for name in [
            "boot.0123456789.js",
            "checker/checker-app-1a2b3c4d5e6f7a8b.js",
            "checker/checker-app-1a2b3c4d5e6f7a8b_bg.wasm",
            "checker-app-8d1e2f03a7c4b5e6a1f2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4_bg.wasm",
        ] {
            assert!(hashed_name(name), "{name}");
        }
        for name in [
            "checker-app.js",
            "checker-app_bg.wasm",
            "app-1234_bg.wasm",
            "site.css",
            "favicon.svg",
            "2026-11-26.html",
            "deadbeef",
            "a.zzzzzzzzzz.css",
        ] {
            assert!(!hashed_name(name), "{name}");
        }
    }

    #[test]
    fn replaces_the_output_folder_whole() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("stale"))?;
        std::fs::write(out.join("stale/index.html"), "old")?;
        let files = BTreeMap::from([("a/index.html".to_string(), b"new".to_vec())]);
        write_atomically(&out, &files).map_err(|e| std::io::Error::other(e.message))?;
        assert_eq!(std::fs::read(out.join("a/index.html"))?, b"new");
        assert!(!out.join("stale").exists());
        let leftovers = std::fs::read_dir(dir.path())?.count();
        assert_eq!(leftovers, 1, "no staging folders left behind");
        Ok(())
    }

    /// A reader of `out` (a web server) finds the site at every moment of
    /// many swaps: the folder never goes missing.
    #[test]
    fn the_output_folder_never_goes_missing_during_a_swap() -> std::io::Result<()> {
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("public");
        let files = BTreeMap::from([("index.html".to_string(), b"site".to_vec())]);
        write_atomically(&out, &files).map_err(|e| std::io::Error::other(e.message))?;
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let watcher = {
            let (done, page) = (std::sync::Arc::clone(&done), out.join("index.html"));
            std::thread::spawn(move || {
                let mut misses = 0;
                while !done.load(Ordering::Relaxed) {
                    if !page.exists() {
                        misses += 1;
                    }
                }
                misses
            })
        };
        for _ in 0..200 {
            write_atomically(&out, &files).map_err(|e| std::io::Error::other(e.message))?;
        }
        done.store(true, Ordering::Relaxed);
        let misses = watcher
            .join()
            .map_err(|_| std::io::Error::other("watcher"))?;
        assert_eq!(
            misses, 0,
            "the site was missing {misses} times during swaps"
        );
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1, "leftovers");
        Ok(())
    }
}
