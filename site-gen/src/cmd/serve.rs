//! `site-gen serve`: builds into memory, serves on 127.0.0.1, watches
//! `content/`, `templates/` and `static/` (folders made later included,
//! links not followed: the build reads only links that stay inside their
//! folder, which is watched already) and builds again when a file changes —
//! the same build as `site-gen build`, with a [`Cache`] that skips each step
//! whose inputs did not change ([`Session`]) — then reloads the browser by
//! long polling. Requests are answered by a fixed pool of threads. A build
//! still running after a few seconds is reported in the terminal and the
//! browser (a pathological input must never look like a frozen server). A failed build is shown in the
//! browser and the terminal; the server keeps running and keeps the last
//! good pages. Watcher errors (such as the inotify watch limit) are printed
//! with what to do, and a watcher that cannot start falls back to polling.
//! Responses carry the headers of the build's own `_headers` file (the CSP
//! with frame-ancestors, nosniff, Referrer-Policy, Cache-Control), read
//! back with [`headers::Rules::parse`], so the dev server answers as a
//! host following that file would; it does not compress.
//!
//! The checker's folder (`--checker`, trunk's output) may not be there yet:
//! `cargo xtask serve` serves the guidance pages while it builds the
//! checker in the background. Until the folder holds the wasm and its JS
//! glue, checker pages say that the interactive checker is being built and
//! open the blank form (`Options::checker_may_wait`); the folder is looked
//! at every second, and when it appears or changes the checker pages are
//! built again and the browsers reload.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};
use tiny_http::{Header, Request, Response, Server};

use crate::cache::{Bytes, Cache};
use crate::checker;
use crate::diag::{Diagnostic, Sources};
use crate::headers::{self, Rules};
use crate::site::{self, Options};

/// `serve`'s builds: the last good output and the cache between builds.
pub struct Session {
    opts: Options,
    cache: Cache,
    files: BTreeMap<String, Bytes>,
    /// The last build's problems, with the sources they point into.
    problems: Option<(Sources, Vec<Diagnostic>)>,
}

/// The result of one build of a [`Session`].
pub struct Outcome {
    /// Pages whose Markdown or template ran (the others were kept).
    pub rendered: usize,
    /// Pages of the site.
    pub pages: usize,
    /// The build's errors and warnings, as `site-gen build` prints them
    /// (plain text), when it failed; the output is then left as it was.
    pub errors: Option<String>,
    /// On success: every output file that differs from the last good
    /// output, with its new bytes (`None`: gone).
    pub changed: Vec<(String, Option<Bytes>)>,
}

impl Session {
    /// Builds the whole site.
    pub fn new(opts: Options) -> (Session, Outcome) {
        let mut session = Session {
            opts,
            cache: Cache::new(),
            files: BTreeMap::new(),
            problems: None,
        };
        let outcome = session.build();
        (session, outcome)
    }

    /// The output of the last successful build.
    pub fn files(&self) -> &BTreeMap<String, Bytes> {
        &self.files
    }

    /// Prints the last build's problems (in colour on a terminal).
    pub fn print(&self) {
        if let Some((sources, problems)) = &self.problems
            && !problems.is_empty()
        {
            crate::diag::print(sources, problems);
        }
    }

    /// Builds again after the watcher reported `changes` (paths under the
    /// site root, or trunk's output folder); `None` when none of them is
    /// anything a build reads.
    pub fn apply(&mut self, changes: &[PathBuf]) -> Option<Outcome> {
        let checker = self
            .opts
            .checker_dist
            .as_ref()
            .is_some_and(|dist| changes.iter().any(|p| p.starts_with(dist)));
        let sources = self.cache.changed(&self.opts.root, changes, plain_file);
        (sources || checker).then(|| self.build())
    }

    fn build(&mut self) -> Outcome {
        // The last good output goes into the build, which says what changed.
        self.cache.lend_output(std::mem::take(&mut self.files));
        match site::generate_cached(&self.opts, &mut self.cache) {
            Ok(built) => {
                let changed = built.changed;
                self.files = built.files;
                // The last build's sources are let go on a thread of their
                // own: 16k files take milliseconds to free.
                let old_problems = self.problems.replace((built.sources, built.warnings));
                std::thread::spawn(move || drop(old_problems));
                Outcome {
                    rendered: built.rendered,
                    pages: built.pages,
                    errors: None,
                    changed,
                }
            }
            Err(failed) => {
                self.files = self.cache.take_lent().unwrap_or_default();
                let errors = failed.render_plain();
                self.problems = Some((failed.sources, failed.diags));
                Outcome {
                    rendered: 0,
                    pages: 0,
                    errors: Some(errors),
                    changed: Vec::new(),
                }
            }
        }
    }
}

struct State {
    /// Reload polls waiting for the site to change: the request, the
    /// version it has, until when it waits.
    polls: Vec<(Request, i64, Instant)>,
    /// A build running since then, after a change to these paths.
    building: Option<(Instant, String)>,
    files: BTreeMap<String, Bytes>,
    /// The headers of responses: the output's `_headers`.
    rules: Rules,
    error: Option<String>,
    version: u64,
}

/// The rules before a build has given its `_headers` (or when it cannot
/// be read): the headers every response carries.
fn fallback_rules() -> Rules {
    Rules::for_output([], |_| false, false, "/")
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// The server's state before the first build.
fn new_shared() -> Shared {
    Arc::new((
        Mutex::new(State {
            polls: Vec::new(),
            building: None,
            files: BTreeMap::new(),
            rules: fallback_rules(),
            error: None,
            version: 0,
        }),
        Condvar::new(),
    ))
}

/// The source folders watched (recursively) below the site root.
const WATCHED: [&str; 3] = ["content", "templates", "static"];

/// How long the watcher waits for a burst of events (an editor's save, a
/// copied folder) to end before rebuilding, and at most.
const QUIET: Duration = Duration::from_millis(15);
const BURST_MAX: Duration = Duration::from_millis(1000);

/// Runs the development server until the process is stopped.
pub fn serve(root: &Path, port: u16, checker_dist: Option<&Path>) -> Result<(), String> {
    // The watcher reports absolute paths: the root is made absolute too.
    let root = &std::path::absolute(root)
        .map_err(|e| format!("cannot find the site root {}: {e}", root.display()))?;
    let server = Server::http(("127.0.0.1", port)).map_err(|e| {
        format!("cannot listen on 127.0.0.1:{port}: {e} (try --port with another number)")
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .map_or_else(|| format!("127.0.0.1:{port}"), |a| a.to_string());
    let url = format!("http://{addr}/");
    let checker_dist = match checker_dist {
        Some(dist) => Some(
            std::path::absolute(dist)
                .map_err(|e| format!("cannot find the checker folder {}: {e}", dist.display()))?,
        ),
        None => None,
    };
    let opts = Options {
        base_url: Some(url.clone()),
        livereload: true,
        checker_dist: checker_dist.clone(),
        checker_may_wait: true,
        ..Options::new(root)
    };
    let shared = new_shared();
    // Watching starts before the first build: a change made any time after
    // this is rebuilt, never missed.
    let (watch, events) = Watch::start(root)?;
    if let Some(dist) = &checker_dist {
        let sig = checker::dist_signature(dist);
        if !checker::bundle_present(dist) {
            eprintln!(
                "the checker is not built yet ({}): its pages show the blank form and a line \
                 saying so, and reload by themselves when it is there",
                dist.display()
            );
        }
        watch_checker(dist.clone(), sig, watch.sender());
    }
    let started = Instant::now();
    let mut session = match guarded(|| Session::new(opts.clone())) {
        Some((session, outcome)) => {
            publish(&session, &outcome, &shared, started);
            Some(session)
        }
        None => {
            crashed(&shared);
            None
        }
    };
    let watch_shared = Arc::clone(&shared);
    watch_builds(Arc::clone(&shared));
    answer_polls(Arc::clone(&shared));
    std::thread::spawn(move || {
        let mut watch = watch;
        while let Some(changes) = watch.next_changes(&events) {
            let started = Instant::now();
            building(&watch_shared, Some((started, changed_list(&changes))));
            let result = match session.take() {
                Some(mut s) => guarded(move || {
                    let outcome = s.apply(&changes);
                    (s, outcome)
                }),
                None => guarded(|| {
                    let (s, outcome) = Session::new(opts.clone());
                    (s, Some(outcome))
                }),
            };
            match result {
                Some((s, Some(outcome))) => {
                    publish(&s, &outcome, &watch_shared, started);
                    session = Some(s);
                }
                Some((s, None)) => session = Some(s),
                // The session is dropped: the next change builds afresh.
                None => crashed(&watch_shared),
            }
            building(&watch_shared, None);
        }
    });

    eprintln!("serving {} at {url}  (Ctrl-C to stop)", root.display());
    println!("{url}");
    // A fixed pool answers requests (more wait in the server's queue).
    let server = Arc::new(server);
    let workers: Vec<_> = (0..POOL)
        .map(|_| {
            let (server, shared) = (Arc::clone(&server), Arc::clone(&shared));
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    respond(request, &shared);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// Threads answering requests. A browser tab's reload poll holds none:
/// it waits in [`State::polls`] (at most [`MAX_POLLS`]; more are answered
/// at once) until the site changes or [`POLL_FOR`] passes.
const POOL: usize = 8;
const MAX_POLLS: usize = 1024;
const POLL_FOR: Duration = Duration::from_secs(25);

/// Answers a reload poll with the site's version.
fn answer_poll(request: Request, version: u64, mut extra: Vec<(String, String)>) {
    // A long poll's answer is never kept.
    extra.retain(|(n, _)| !n.eq_ignore_ascii_case("Cache-Control"));
    extra.push(("Cache-Control".into(), "no-store".into()));
    send(
        request,
        200,
        "text/plain; charset=utf-8",
        version.to_string().into_bytes(),
        extra,
    );
}

/// Answers the waiting reload polls when the site changes, or when they
/// have waited [`POLL_FOR`].
fn answer_polls(shared: Shared) {
    std::thread::spawn(move || {
        let (lock, cvar) = &*shared;
        let Ok(mut state) = lock.lock() else { return };
        loop {
            state = match cvar.wait_timeout(state, Duration::from_secs(1)) {
                Ok((s, _)) => s,
                Err(_) => return,
            };
            let now = Instant::now();
            let version = state.version;
            let (due, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut state.polls)
                .into_iter()
                .partition(|(_, since, until)| *since != version as i64 || *until <= now);
            state.polls = wait;
            if due.is_empty() {
                continue;
            }
            let rules = state.rules.lookup("/__livereload");
            drop(state);
            for (request, _, _) in due {
                answer_poll(request, version, rules.clone());
            }
            state = match lock.lock() {
                Ok(s) => s,
                Err(_) => return,
            };
        }
    });
}

/// After how long a running build is reported as slow, in the terminal
/// and (later) in the browser.
const SLOW: Duration = Duration::from_secs(5);
const SLOW_IN_BROWSER: Duration = Duration::from_secs(10);

/// The paths of a change list, as printed (the first few).
fn changed_list(changes: &[PathBuf]) -> String {
    let mut shown: Vec<String> = changes
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect();
    if changes.len() > 3 {
        shown.push(format!("and {} more", changes.len() - 3));
    }
    shown.join(", ")
}

fn building(shared: &Shared, now: Option<(Instant, String)>) {
    let (lock, _) = &**shared;
    if let Ok(mut state) = lock.lock() {
        state.building = now;
    }
}

/// Reports a build that runs long (a pathological input, a huge site) in
/// the terminal every few seconds and, from [`SLOW_IN_BROWSER`], in the
/// browser: never a silent, frozen server.
fn watch_builds(shared: Shared) {
    std::thread::spawn(move || {
        let mut reported: Option<(Instant, u64)> = None;
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let (lock, cvar) = &*shared;
            let Ok(mut state) = lock.lock() else { return };
            let Some((since, what)) = state.building.clone() else {
                reported = None;
                continue;
            };
            let secs = since.elapsed().as_secs();
            let last = reported.filter(|(s, _)| *s == since).map_or(0, |(_, n)| n);
            if since.elapsed() >= SLOW && secs >= last + 5 {
                eprintln!(
                    "still building after {secs} s (changed: {what}); the last good pages are                      served meanwhile. If it never ends, the change may hold something                      pathological: undo it and save, or stop with Ctrl-C"
                );
                reported = Some((since, secs));
            }
            if since.elapsed() >= SLOW_IN_BROWSER && state.error.is_none() {
                state.error = Some(format!(
                    "site-gen is still building after {secs} s, since a change to {what}.\n\
                     The page reloads when the build ends. If it never ends, the change may \
                     hold something pathological: undo it and save.\n"
                ));
                state.version += 1;
                cvar.notify_all();
            }
        }
    });
}

/// Runs `f`, turning a panic (a bug in site-gen) into `None`: it must not
/// take the server down with it.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(t) => Some(t),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            eprintln!("error: site-gen crashed while building: {what}");
            None
        }
    }
}

fn crashed(shared: &Shared) {
    let (lock, cvar) = &**shared;
    let Ok(mut state) = lock.lock() else { return };
    state.error = Some(
        "error: site-gen crashed while building\n  = help: this is a bug in site-gen: please \
         report it with the change that caused it; the next change builds the whole site again\n"
            .into(),
    );
    state.version += 1;
    cvar.notify_all();
}

/// Hands a build's outcome to the server and the browsers.
fn publish(session: &Session, outcome: &Outcome, shared: &Shared, started: Instant) {
    session.print();
    let ms = started.elapsed().as_millis();
    match &outcome.errors {
        None => eprintln!(
            "built in {ms} ms: {} of {} pages rendered, {} files changed",
            outcome.rendered,
            outcome.pages,
            outcome.changed.len()
        ),
        Some(_) => eprintln!("build failed: serving the last good pages and the errors"),
    }
    let (lock, cvar) = &**shared;
    let Ok(mut state) = lock.lock() else { return };
    let mut changed = !outcome.changed.is_empty() || state.error != outcome.errors;
    if state.version == 0 && outcome.errors.is_none() {
        changed = true;
    }
    for (path, bytes) in &outcome.changed {
        match bytes {
            Some(bytes) => {
                state.files.insert(path.clone(), bytes.clone());
            }
            None => {
                state.files.remove(path);
            }
        }
    }
    state.rules = state
        .files
        .get(headers::HEADERS_FILE)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|text| Rules::parse(text).ok())
        .unwrap_or_else(fallback_rules);
    state.error.clone_from(&outcome.errors);
    if changed {
        state.version += 1;
        cvar.notify_all();
    }
}

/// How often `serve` looks at the checker's folder.
const CHECKER_POLL: Duration = Duration::from_secs(1);

/// Looks at trunk's output folder every second (it may not exist yet, and
/// trunk replaces its files) and reports it as changed through `events`
/// once it has changed and then stayed the same for one look (trunk moves
/// several files in).
fn watch_checker(dist: PathBuf, start: Option<checker::Signature>, events: EventSender) {
    std::thread::spawn(move || {
        let mut reported = start;
        let mut last = reported.clone();
        loop {
            std::thread::sleep(CHECKER_POLL);
            let now = checker::dist_signature(&dist);
            if now != reported && now == last {
                let ready = checker::bundle_present(&dist);
                eprintln!(
                    "{}: building the checker pages again",
                    if ready {
                        format!("the checker is ready in {}", dist.display())
                    } else {
                        format!("the checker's folder {} changed", dist.display())
                    }
                );
                let event = notify::Event::new(EventKind::Any).add_path(dist.clone());
                if events.send(Ok(event)).is_err() {
                    return;
                }
                reported = now.clone();
            }
            last = now;
        }
    });
}

type EventSender = std::sync::mpsc::Sender<notify::Result<notify::Event>>;

/// The file watcher: notify's recommended watcher (inotify on Linux), or
/// polling when it cannot start (such as at the inotify limits).
struct Watch {
    root: PathBuf,
    watcher: Box<dyn Watcher + Send>,
    /// Where the watcher's events go (for events of our own).
    tx: EventSender,
    /// Source folders being watched.
    watched: BTreeSet<&'static str>,
}

type Events = Receiver<notify::Result<notify::Event>>;

impl Watch {
    fn start(root: &Path) -> Result<(Watch, Events), String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let watcher: Box<dyn Watcher + Send> = match notify::RecommendedWatcher::new(
            tx.clone(),
            // The build follows only links that stay inside their source
            // folder, which is watched already; following a link out of it
            // would watch what no build reads (a link into /usr: thousands).
            notify::Config::default().with_follow_symlinks(false),
        ) {
            Ok(w) => Box::new(w),
            Err(e) => {
                eprintln!("{}", watch_problem(&e, root));
                Box::new(poller(tx.clone())?)
            }
        };
        let mut watch = Watch {
            root: root.to_path_buf(),
            watcher,
            tx,
            watched: BTreeSet::new(),
        };
        // The root itself, alone: a source folder made later is seen.
        if let Err(e) = watch.watcher.watch(root, RecursiveMode::NonRecursive) {
            return Err(format!("cannot watch {}: {e}", root.display()));
        }
        if let Err(e) = watch.watch_sources() {
            eprintln!("{}", watch_problem(&e, root));
            eprintln!("warning: watching by polling the files every second instead");
            let (tx, rx) = std::sync::mpsc::channel();
            watch.watcher = Box::new(poller(tx.clone())?);
            watch.tx = tx;
            watch.watched.clear();
            watch
                .watcher
                .watch(root, RecursiveMode::NonRecursive)
                .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
            watch
                .watch_sources()
                .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
            return Ok((watch, rx));
        }
        Ok((watch, rx))
    }

    /// A sender of events into the watcher's own channel.
    fn sender(&self) -> EventSender {
        self.tx.clone()
    }

    /// Watches each source folder that exists and is not watched yet.
    fn watch_sources(&mut self) -> notify::Result<()> {
        for dir in WATCHED {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(dir) {
                self.watcher.watch(&path, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }

    /// Waits for changes; returns the paths touched by one burst of events.
    /// Watcher errors are printed with what to do, and count as a change of
    /// everything (an event may have been lost).
    fn next_changes(&mut self, events: &Events) -> Option<Vec<PathBuf>> {
        loop {
            let first = events.recv().ok()?;
            let mut paths = BTreeSet::new();
            self.take(first, &mut paths);
            let start = Instant::now();
            while start.elapsed() < BURST_MAX {
                match events.recv_timeout(QUIET) {
                    Ok(event) => self.take(event, &mut paths),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            // A source folder made (or made again) after start.
            for dir in WATCHED {
                let path = self.root.join(dir);
                if paths.contains(&path) {
                    self.watched.remove(dir);
                    let _ = self.watcher.unwatch(&path);
                }
            }
            if let Err(e) = self.watch_sources() {
                eprintln!("{}", watch_problem(&e, &self.root));
                paths.insert(self.root.clone());
            }
            if !paths.is_empty() {
                return Some(paths.into_iter().collect());
            }
        }
    }

    fn take(&self, event: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) {
        match event {
            Ok(event) => {
                let relevant = match event.kind {
                    // Reading a file (the build does) is no change.
                    EventKind::Access(notify::event::AccessKind::Close(
                        notify::event::AccessMode::Write,
                    )) => true,
                    EventKind::Access(_) => false,
                    EventKind::Modify(notify::event::ModifyKind::Metadata(
                        notify::event::MetadataKind::AccessTime,
                    )) => false,
                    _ => true,
                };
                if relevant {
                    paths.extend(event.paths);
                }
            }
            Err(e) => {
                eprintln!("{}", watch_problem(&e, &self.root));
                paths.insert(self.root.clone());
            }
        }
    }
}

fn poller(
    tx: std::sync::mpsc::Sender<notify::Result<notify::Event>>,
) -> Result<notify::PollWatcher, String> {
    notify::PollWatcher::new(
        tx,
        notify::Config::default()
            .with_poll_interval(Duration::from_secs(1))
            .with_follow_symlinks(false),
    )
    .map_err(|e| format!("cannot watch files, not even by polling: {e}"))
}

/// A watcher error as the user sees it: what happened and what to do.
fn watch_problem(e: &notify::Error, root: &Path) -> String {
    let paths: Vec<String> = e.paths.iter().map(|p| p.display().to_string()).collect();
    let at = if paths.is_empty() {
        String::new()
    } else {
        format!(" ({})", paths.join(", "))
    };
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => format!(
            "error: cannot watch more folders{at}: the system's limit on inotify watches \
             (fs.inotify.max_user_watches) is reached, so changes there are not seen\n  \
             = help: raise the limit, e.g. `sudo sysctl fs.inotify.max_user_watches=524288` \
             (add `fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it), or \
             stop other programs that watch many files; then restart `site-gen serve`"
        ),
        notify::ErrorKind::Io(io) if io.raw_os_error() == Some(24) => format!(
            "error: cannot start watching files{at}: {io}; the system's limit on inotify \
             instances (fs.inotify.max_user_instances) or open files is reached\n  \
             = help: raise it, e.g. `sudo sysctl fs.inotify.max_user_instances=1024`, or \
             close other programs that watch files; then restart `site-gen serve`"
        ),
        _ => format!(
            "error: watching files under {} failed{at}: {e}\n  = help: the site is \
             built again from all its files; if changes stop showing, restart `site-gen serve`",
            root.display()
        ),
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The `Content-Type` of an output file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
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

/// Answers with `body`, its type and `extra` (the headers the rules give
/// its URL path); without a `Cache-Control` among them, it is revalidated.
fn send(request: Request, status: u16, ctype: &str, body: Vec<u8>, extra: Vec<(String, String)>) {
    let mut resp = Response::from_data(body).with_status_code(status);
    let has_cache = extra
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Cache-Control"));
    let cache =
        (!has_cache).then(|| ("Cache-Control".to_string(), headers::REVALIDATE.to_string()));
    for (name, value) in [("Content-Type".to_string(), ctype.to_string())]
        .into_iter()
        .chain(extra)
        .chain(cache)
    {
        if let Some(h) = header(&name, &value) {
            resp.add_header(h);
        }
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
        let Ok(mut state) = lock.lock() else { return };
        if since >= 0 && state.version as i64 == since && state.polls.len() < MAX_POLLS {
            // Held without a thread: answered by `answer_polls`.
            state
                .polls
                .push((request, since, Instant::now() + POLL_FOR));
            cvar.notify_all();
            return;
        }
        let (version, rules) = (state.version, state.rules.lookup(path));
        drop(state);
        answer_poll(request, version, rules);
        return;
    }
    let Ok(state) = lock.lock() else { return };
    let rel = percent_decode(path.trim_start_matches('/'));
    let extra = state.rules.lookup(&format!("/{rel}"));
    let mut candidate = rel.clone();
    if candidate.is_empty() || candidate.ends_with('/') {
        candidate.push_str("index.html");
    }
    let is_page = candidate.ends_with(".html");
    if is_page && let Some(err) = &state.error {
        let body = error_page(err);
        drop(state);
        send(
            request,
            500,
            "text/html; charset=utf-8",
            body.into_bytes(),
            extra,
        );
        return;
    }
    if let Some(body) = state.files.get(&candidate) {
        let body = Bytes::clone(body);
        drop(state);
        send(request, 200, content_type(&candidate), body.to_vec(), extra);
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
    let body = state.files.get("404.html").cloned();
    // A missing file: the not-found page's headers, never a long lifetime.
    let extra = state.rules.lookup("/404.html");
    drop(state);
    send(
        request,
        404,
        "text/html; charset=utf-8",
        body.map(|b| b.to_vec()).unwrap_or_default(),
        extra,
    );
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
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

/// Whether `path` is now a plain file (not a link, a folder or missing):
/// what [`Cache::changed`] asks of each path the watcher reports.
pub fn plain_file(path: &Path) -> bool {
    crate::load::entry(path) == crate::load::Entry::File
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_never_panics() {
        assert_eq!(percent_decode("ja/%E6%97%A5/"), "ja/日/");
        // A `%` before a multi-byte character, at the end, or before
        // non-hex digits stays as it is (this once panicked on a slice).
        for s in ["%é", "a%", "%4", "%zz", "%%41", "日%本"] {
            let _ = percent_decode(s);
        }
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn a_long_build_is_reported_in_the_browser() {
        let shared = new_shared();
        watch_builds(Arc::clone(&shared));
        answer_polls(Arc::clone(&shared));
        let since = Instant::now()
            .checked_sub(SLOW_IN_BROWSER + Duration::from_secs(1))
            .expect("the machine has been up for seconds");
        building(&shared, Some((since, "content/x.ja.md".into())));
        std::thread::sleep(Duration::from_millis(1500));
        let state = shared.0.lock().expect("no panic while locked");
        let error = state.error.clone().unwrap_or_default();
        assert!(
            error.contains("still building") && error.contains("content/x.ja.md"),
            "{error}"
        );
        assert_eq!(state.version, 1, "the browsers are told");
    }

    #[test]
    fn the_rules_before_a_build_carry_the_security_headers() {
        let names: Vec<String> = fallback_rules()
            .lookup("/en/")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                "Content-Security-Policy",
                "X-Content-Type-Options",
                "Referrer-Policy"
            ]
        );
    }
}
