//! Offline once visited: the service worker (`sw.js` at the site root) and
//! the external module that registers it (`offline.<hash>.js`). The worker
//! is generated per build: the assets it may keep, each when a kept page
//! names it (the stylesheet, the favicon, the checker's boot module, glue
//! and wasm, the registering module) and its version, a hash of that list
//! and of its own code, so a build with new fingerprints installs a new
//! worker, whose `activate` deletes the caches of the old one. `serve`
//! publishes a worker that only unregisters itself and pages that register
//! none, so dev pages are never kept. Pure: no I/O.

use sha2::{Digest, Sha256};

use crate::output;

/// The worker's file, at the site root (its scope is the whole site).
pub const WORKER: &str = "sw.js";

const WORKER_JS: &str = include_str!("../templates/sw.js");
const DEV_WORKER_JS: &str = include_str!("../templates/sw-dev.js");
const REGISTER_JS: &str = include_str!("../templates/offline.js");

/// The registering module's path in the output (fingerprinted).
pub fn register_path() -> String {
    output::asset_name("offline.js", REGISTER_JS.as_bytes())
}

/// The registering module's bytes.
pub fn register_js() -> &'static [u8] {
    REGISTER_JS.as_bytes()
}

/// The worker of a build whose pages use `assets` (output paths relative
/// to the site root), under `base_path` (`/` or `/sub/`).
pub fn worker<'a>(base_path: &str, assets: impl IntoIterator<Item = &'a str>) -> String {
    let mut paths: Vec<String> = assets
        .into_iter()
        .map(|a| format!("{base_path}{a}"))
        .collect();
    paths.sort();
    paths.dedup();
    let list = serde_json::to_string(&paths).unwrap_or_else(|_| "[]".into());
    let mut hash = Sha256::new();
    hash.update(WORKER_JS.as_bytes());
    hash.update(list.as_bytes());
    let version: String = hash
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    WORKER_JS
        .replace("@VERSION@", &version)
        .replace("@ASSETS@", &list)
}

/// The worker `serve` publishes: it removes one a build installed.
pub fn dev_worker() -> &'static [u8] {
    DEV_WORKER_JS.as_bytes()
}

/// The version a generated worker carries.
pub fn version_of(worker: &str) -> Option<&str> {
    let rest = worker.split("const VERSION = \"").nth(1)?;
    rest.split('"').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_the_assets_and_nothing_else() {
        let a = worker(
            "/",
            ["css/site.0123456789.css", "checker/app-1234abcd_bg.wasm"],
        );
        let b = worker(
            "/",
            ["checker/app-1234abcd_bg.wasm", "css/site.0123456789.css"],
        );
        let c = worker(
            "/",
            ["css/site.9876543210.css", "checker/app-1234abcd_bg.wasm"],
        );
        assert_eq!(a, b, "order does not matter");
        assert_ne!(
            version_of(&a),
            version_of(&c),
            "a new fingerprint, a new version"
        );
        assert_eq!(version_of(&a).map(str::len), Some(12));
        assert!(
            a.contains(
                r#"const ASSETS = ["/checker/app-1234abcd_bg.wasm","/css/site.0123456789.css"];"#
            ),
            "{a}"
        );
        assert!(!a.contains('@'), "every placeholder filled");
        let sub = worker("/sub/", ["css/site.0123456789.css"]);
        assert!(sub.contains(r#"["/sub/css/site.0123456789.css"]"#), "{sub}");
    }

    #[test]
    fn the_worker_keeps_no_answer_and_asks_for_nothing() {
        let w = worker("/", ["css/site.0123456789.css"]);
        // Requests with a query (the only place an answer could travel) are
        // left alone; the worker has no push, notification or sync handler
        // and no storage but its cache.
        assert!(w.contains("url.search) return;"));
        for absent in [
            "\"push\"",
            "notificationclick",
            "\"sync\"",
            "showNotification",
            "localStorage",
            "indexedDB",
            "beforeinstallprompt",
        ] {
            assert!(!w.contains(absent), "{absent}");
        }
        assert!(register_path().starts_with("offline.") && register_path().ends_with(".js"));
    }
}
