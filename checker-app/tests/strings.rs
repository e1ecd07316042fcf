//! `STRING_KEYS` lists exactly the interface strings the app's code asks
//! for, so site-gen can refuse a default language that lacks one.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

#[test]
fn string_keys_list_every_string_the_app_uses() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut used = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        // The list itself is not a use.
        if let Some(start) = text.find("pub const STRING_KEYS") {
            let end = start + text[start..].find("];").unwrap();
            text.replace_range(start..end, "");
        }
        for (i, _) in text.match_indices("\"checker_") {
            let rest = &text[i + 1..];
            let end = rest.find('"').unwrap();
            used.insert(rest[..end].to_string());
        }
    }
    let listed: BTreeSet<String> = checker_app::STRING_KEYS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(used, listed);
}
