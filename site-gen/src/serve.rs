//! `site-gen serve`: builds into memory, serves on 127.0.0.1, rebuilds when a
//! file under `content/`, `templates/` or `static/` changes, and reloads the
//! browser by long polling. A failed build is shown in the browser and the
//! terminal; the server keeps running and keeps the last good pages.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};
use tiny_http::{Header, Request, Response, Server};

use crate::site::{self, CSP, Options};

struct State {
    files: BTreeMap<String, Vec<u8>>,
    error: Option<String>,
    version: u64,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// Runs the development server until the process is stopped.
pub fn serve(root: &Path, port: u16, checker_dist: Option<&Path>) -> Result<(), String> {
    let server = Server::http(("127.0.0.1", port)).map_err(|e| {
        format!("cannot listen on 127.0.0.1:{port}: {e} (try --port with another number)")
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .map_or_else(|| format!("127.0.0.1:{port}"), |a| a.to_string());
    let url = format!("http://{addr}/");
    let opts = Options {
        base_url: Some(url.clone()),
        livereload: true,
        checker_dist: checker_dist.map(Path::to_path_buf),
        ..Options::new(root)
    };
    let shared: Shared = Arc::new((
        Mutex::new(State {
            files: BTreeMap::new(),
            error: None,
            version: 0,
        }),
        Condvar::new(),
    ));
    // The state the first build sees, taken before it and before the server
    // answers: a change made any time after this is rebuilt, never missed.
    let mut last = snapshot(root);
    rebuild(&opts, &shared);

    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(200), tx)
        .map_err(|e| format!("cannot watch files: {e}"))?;
    for dir in ["content", "templates", "static"] {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watcher()
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        }
    }
    let watch_shared = Arc::clone(&shared);
    let watch_root = root.to_path_buf();
    std::thread::spawn(move || {
        // Events come only from folders that existed at start: a look every
        // second also catches a `templates/` or `static/` created later.
        while let Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            rx.recv_timeout(Duration::from_secs(1))
        {
            // Coalesce a burst of saves into one rebuild.
            while rx.try_recv().is_ok() {}
            // Reading files also raises events: rebuild only on real changes.
            let now = snapshot(&watch_root);
            if now != last {
                last = now;
                rebuild(&opts, &watch_shared);
            }
        }
    });

    eprintln!("serving {} at {url}  (Ctrl-C to stop)", root.display());
    println!("{url}");
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || respond(request, &shared));
    }
    drop(debouncer);
    Ok(())
}

/// Path, size and modification time of every watched file.
fn snapshot(root: &Path) -> Vec<(std::path::PathBuf, u64, Option<std::time::SystemTime>)> {
    ["content", "templates", "static"]
        .iter()
        .flat_map(|dir| walkdir::WalkDir::new(root.join(dir)).sort_by_file_name())
        .filter_map(Result::ok)
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.into_path(), meta.len(), meta.modified().ok()))
        })
        .collect()
}

fn rebuild(opts: &Options, shared: &Shared) {
    let started = Instant::now();
    // A bug in the generator must not take the server down with it.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| site::generate(opts)))
        .unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            Err(site::Failed {
                sources: crate::diag::Sources::default(),
                diags: vec![
                    crate::diag::Diagnostic::error(format!("site-gen crashed while building: {what}"))
                        .help("this is a bug in site-gen: please report it with the change that caused it"),
                ],
            })
        });
    let (lock, cvar) = &**shared;
    let Ok(mut state) = lock.lock() else { return };
    match result {
        Ok(built) => {
            if !built.warnings.is_empty() {
                crate::diag::print(&built.sources, &built.warnings);
            }
            eprintln!(
                "built {} pages in {} ms",
                built.pages,
                started.elapsed().as_millis()
            );
            state.files = built.files;
            state.error = None;
        }
        Err(failed) => {
            crate::diag::print(&failed.sources, &failed.diags);
            eprintln!("build failed: serving the last good pages and the errors");
            state.error = Some(failed.render_plain());
        }
    }
    state.version += 1;
    cvar.notify_all();
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn send(request: Request, status: u16, ctype: &str, body: Vec<u8>) {
    let mut resp = Response::from_data(body).with_status_code(status);
    for h in [
        header("Content-Type", ctype),
        header("Cache-Control", "no-store"),
        header("Content-Security-Policy", CSP),
        header("X-Content-Type-Options", "nosniff"),
    ]
    .into_iter()
    .flatten()
    {
        resp.add_header(h);
    }
    let _ = request.respond(resp);
}

fn respond(request: Request, shared: &Shared) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let (lock, cvar) = &**shared;
    if path == "/__livereload" {
        let since: i64 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1);
        let Ok(guard) = lock.lock() else { return };
        let guard = if since < 0 {
            guard
        } else {
            match cvar.wait_timeout_while(guard, Duration::from_secs(25), |s| {
                s.version as i64 == since
            }) {
                Ok((g, _)) => g,
                Err(_) => return,
            }
        };
        let v = guard.version.to_string().into_bytes();
        drop(guard);
        send(request, 200, "text/plain; charset=utf-8", v);
        return;
    }
    let Ok(state) = lock.lock() else { return };
    let rel = percent_decode(path.trim_start_matches('/'));
    let mut candidate = rel.clone();
    if candidate.is_empty() || candidate.ends_with('/') {
        candidate.push_str("index.html");
    }
    let is_page = candidate.ends_with(".html");
    if is_page && let Some(err) = &state.error {
        let body = error_page(err);
        drop(state);
        send(request, 500, "text/html; charset=utf-8", body.into_bytes());
        return;
    }
    if let Some(body) = state.files.get(&candidate) {
        let body = body.clone();
        drop(state);
        send(request, 200, content_type(&candidate), body);
        return;
    }
    if state.files.contains_key(&format!("{rel}/index.html")) {
        drop(state);
        let mut resp = Response::empty(301);
        if let Some(h) = header("Location", &format!("/{rel}/")) {
            resp.add_header(h);
        }
        let _ = request.respond(resp);
        return;
    }
    let body = state.files.get("404.html").cloned().unwrap_or_default();
    drop(state);
    send(request, 404, "text/html; charset=utf-8", body);
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn error_page(err: &str) -> String {
    let escaped = err
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Build error</title></head><body><main>\
         <h1>The site did not build</h1><p>Fix the errors below and save: this page reloads by itself.</p>\
         <pre>{escaped}</pre></main><script type=\"module\" src=\"/{}\"></script></body></html>\n",
        site::LIVERELOAD_JS
    )
}
