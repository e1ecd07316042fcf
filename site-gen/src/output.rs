//! Static files and writing the output folder.
//!
//! CSS and JS under `static/` get a content hash in their name
//! (`css/site.css` → `css/site.1a2b3c4d5e.css`) so they can be cached forever.
//! The output is written to a sibling temporary folder and swapped in only
//! when everything is written, so a failed build never touches the old site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// Writes `files` (path relative to the output root → bytes) into `out`,
/// replacing what was there only once every file is written.
pub fn write_atomically(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)?;
    for (rel, bytes) in files {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
    }
    let staged = staging.keep();
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)?;
        let old_path = old.keep();
        std::fs::remove_dir(&old_path)?;
        std::fs::rename(out, &old_path)?;
        if let Err(e) = std::fs::rename(&staged, out) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old_path, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        std::fs::remove_dir_all(&old_path)?;
    } else if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(())
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
    }

    #[test]
    fn replaces_the_output_folder_whole() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("stale"))?;
        std::fs::write(out.join("stale/index.html"), "old")?;
        let files = BTreeMap::from([("a/index.html".to_string(), b"new".to_vec())]);
        write_atomically(&out, &files)?;
        assert_eq!(std::fs::read(out.join("a/index.html"))?, b"new");
        assert!(!out.join("stale").exists());
        let leftovers = std::fs::read_dir(dir.path())?.count();
        assert_eq!(leftovers, 1, "no staging folders left behind");
        Ok(())
    }
}
