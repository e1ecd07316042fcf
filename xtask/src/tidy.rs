//! `cargo xtask tidy`: the project's rules that no compiler checks, each a
//! fast scan of the source (no build), each failure naming the file and
//! line and what to do (as rust-lang/rust's `tidy`):
//!
//! 1. **file system**: which source files may touch the disk, the network,
//!    the clock or processes and the environment ([`MAY_TOUCH`]; every other
//!    file of site-gen, the checker and the rules core works on memory).
//! 2. **import cycles**: no cycle among site-gen's modules
//!    (`use crate::…`), except the ones [`ALLOWED_CYCLES`] lists as debt;
//!    and every module is named in lib.rs's layer list (its `//!`
//!    documentation, bottom up) and uses only modules named before it.
//! 3. **codemap**: every path ARCHITECTURE.md's codemap names exists, and
//!    every source file is named in it (a folder's entry covers its files).
//! 4. **vendored Yew**: [`crate::vendor::verify_yew`].
//! 5. **message text**: no code decides by the text of an error message,
//!    beyond what [`MESSAGE_MATCHING`] allows (nothing).
//! 6. **formatting**: `cargo fmt --all -- --check`.
//! 7. **test files**: none longer than [`MAX_TEST_LINES`] (800) lines.
//!
//! The lists of allowed debt must be exact: a cycle or a message match
//! that is gone fails too, with the line to write instead, so the lists
//! only shrink. Code inside `#[cfg(test)]` items is not scanned (tests may
//! time themselves, write temporary files and read messages).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// 1. Who may touch the disk, the network, the clock, processes.

/// What a source file does beyond computing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Access {
    /// The file system: `std::fs`, `File`, `read_dir`, metadata, walkdir,
    /// notify, tempfile, …
    Disk,
    /// Sockets and HTTP: `std::net`, `TcpStream`, ureq, tiny_http.
    Network,
    /// Reading the clock: `Instant::now`, `SystemTime::now`, `now_utc`.
    Clock,
    /// Child processes and the environment: `std::process`, `Command`,
    /// `std::env`.
    Process,
    /// Any of `std::io` (streams, readers, writers): looked for only in
    /// [`NO_IO_ROOTS`] (site-gen's pure modules write into buffers with it).
    Io,
}

use Access::{Clock, Disk, Io, Network, Process};

impl Access {
    fn what(self) -> &'static str {
        match self {
            Disk => "the file system",
            Network => "the network",
            Clock => "the clock",
            Process => "processes or the environment",
            Io => "std::io",
        }
    }
}

/// The folders whose `.rs` files (recursively) the file-system rule scans.
const ACCESS_ROOTS: &[&str] = &["site-gen/src", "checker-app/src", "checker-app/core/src"];

/// Where even `std::io` is not used: the rules core does no I/O at all.
const NO_IO_ROOTS: &[&str] = &["checker-app/core/src"];

/// The only source files under [`ACCESS_ROOTS`] that may touch the disk,
/// the network, the clock or processes, and what each may touch (as
/// ARCHITECTURE.md, "Invariants", says). Everything else works on memory.
const MAY_TOUCH: &[(&str, &[Access])] = &[
    // Reading the site root; checking `--out` before anything is written.
    ("site-gen/src/load.rs", &[Disk]),
    // Writing: the staging folder, catalogs, review sheets.
    ("site-gen/src/output.rs", &[Disk]),
    // Reading trunk's output folder.
    ("site-gen/src/checker.rs", &[Disk]),
    // Watching, serving, timing builds.
    ("site-gen/src/cmd/serve.rs", &[Disk, Network, Clock]),
    // `check-served`: HTTP to the published site.
    ("site-gen/src/served.rs", &[Network]),
    // The CLI: `checker-data --out`, the build's time, arguments, exit code.
    ("site-gen/src/main.rs", &[Disk, Clock, Process]),
    // `today_utc`: the one place the build reads the date.
    ("site-gen/src/register.rs", &[Clock]),
];

/// Module names that are access when used as a path segment
/// (`std::fs::read`, `fs::write`, `use std::{fs, …}`).
const ACCESS_MODULES: &[(&str, Access)] = &[
    ("fs", Disk),
    ("net", Network),
    ("process", Process),
    ("env", Process),
];

/// Names that are access wherever they appear.
const ACCESS_NAMES: &[(&str, Access)] = &[
    ("walkdir", Disk),
    ("WalkDir", Disk),
    ("tempfile", Disk),
    ("notify", Disk),
    ("TcpStream", Network),
    ("TcpListener", Network),
    ("UdpSocket", Network),
    ("ToSocketAddrs", Network),
    ("ureq", Network),
    ("tiny_http", Network),
    ("Command", Process),
];

/// Names that are access when called (`path.is_file()`, `read_dir(…)`),
/// not as a field or a variable (`po.metadata`, `let is_file`).
const ACCESS_CALLS: &[(&str, Access)] = &[
    ("read_dir", Disk),
    ("canonicalize", Disk),
    ("metadata", Disk),
    ("symlink_metadata", Disk),
    ("read_link", Disk),
    ("exists", Disk),
    ("try_exists", Disk),
    ("is_dir", Disk),
    ("is_file", Disk),
    ("is_symlink", Disk),
    ("set_permissions", Disk),
];

/// Types that are access through their functions (`File::open`), not as a
/// name of something else (`Entry::File`).
const ACCESS_TYPES: &[(&str, Access)] = &[("File", Disk), ("OpenOptions", Disk)];

/// Names that read the clock when called through a path (`Instant::now()`,
/// `SystemTime::now()`, `OffsetDateTime::now_utc()`); a `SystemTime` held
/// (a file's mtime) reads no clock.
const CLOCK_CALLS: &[&str] = &["now", "now_utc", "now_local"];

/// What each line of a file touches: (line, access, the name found);
/// `std::io` too when `io`.
fn accesses(tokens: &[Token], io: bool) -> Vec<(usize, Access, String)> {
    let mut found = Vec::new();
    let mut in_use = false;
    for (i, t) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| tokens[p].text.as_str());
        let next = tokens.get(i + 1).map(|n| n.text.as_str());
        match t.text.as_str() {
            "use" => in_use = true,
            ";" => in_use = false,
            _ => {}
        }
        let in_path = prev == Some("::") || next == Some("::") || in_use;
        let access = ACCESS_MODULES
            .iter()
            .find(|(m, _)| *m == t.text && in_path)
            .or_else(|| ACCESS_NAMES.iter().find(|(n, _)| *n == t.text))
            .or_else(|| {
                ACCESS_CALLS
                    .iter()
                    .find(|(n, _)| *n == t.text && next == Some("("))
            })
            .or_else(|| {
                ACCESS_TYPES
                    .iter()
                    .find(|(n, _)| *n == t.text && next == Some("::"))
            })
            .map(|(_, a)| *a)
            .or_else(|| {
                (CLOCK_CALLS.contains(&t.text.as_str()) && prev == Some("::")).then_some(Clock)
            })
            .or_else(|| (io && t.text == "io" && in_path).then_some(Io));
        if let Some(access) = access {
            found.push((t.line, access, t.text.clone()));
        }
    }
    found
}

fn check_file_system(root: &Path) -> Result<String, Vec<String>> {
    file_system(root, MAY_TOUCH)
}

/// The file-system rule with `may_touch` as the allowed list.
fn file_system(root: &Path, may_touch: &[(&str, &[Access])]) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let mut used: BTreeMap<&str, BTreeSet<Access>> = BTreeMap::new();
    let mut files = 0;
    for dir in ACCESS_ROOTS {
        let paths = match source_files(root, dir, &|p| p.ends_with(".rs")) {
            Ok(p) => p,
            Err(e) => return Err(vec![e]),
        };
        for path in paths {
            files += 1;
            let tokens = match read_tokens(root, &path) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let allowed = may_touch
                .iter()
                .find(|(f, _)| *f == path)
                .map_or(&[][..], |(_, a)| *a);
            let io = NO_IO_ROOTS
                .iter()
                .any(|r| path.starts_with(&format!("{r}/")));
            for (line, access, name) in accesses(&tokens, io) {
                if let Some((f, _)) = may_touch.iter().find(|(f, _)| *f == path) {
                    used.entry(f).or_default().insert(access);
                }
                if !allowed.contains(&access) {
                    let who: Vec<String> = may_touch
                        .iter()
                        .filter(|(_, a)| a.contains(&access))
                        .map(|(f, _)| format!("`{f}`"))
                        .collect();
                    problems.push(format!(
                        "{path}:{line}: `{name}` touches {what}, which {who} may: \
                         do it there and pass the result in; if this file's job is I/O, \
                         add it to MAY_TOUCH in xtask/src/tidy.rs and to ARCHITECTURE.md \
                         (Invariants)",
                        what = access.what(),
                        who = if who.is_empty() {
                            "no file".to_owned()
                        } else {
                            format!("only {}", who.join(", "))
                        },
                    ));
                }
            }
        }
    }
    // The list stays true: no entry for a file that is gone or an access
    // it no longer makes.
    for (file, allowed) in may_touch {
        let used = used.get(file).cloned().unwrap_or_default();
        if !root.join(file).is_file() {
            problems.push(format!(
                "xtask/src/tidy.rs: MAY_TOUCH names `{file}`, which does not exist: \
                 remove or rename its entry (and in ARCHITECTURE.md, Invariants)"
            ));
            continue;
        }
        for access in *allowed {
            if !used.contains(access) {
                problems.push(format!(
                    "xtask/src/tidy.rs: MAY_TOUCH lets `{file}` touch {}, which it no \
                     longer does: remove {access:?} from its entry (and from ARCHITECTURE.md)",
                    access.what()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{files} files; {} may touch the disk, network, clock or processes",
            may_touch.len()
        ))
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// 2. Import cycles among site-gen's modules.

/// site-gen's library source.
const MODULES_ROOT: &str = "site-gen/src";

/// The cycles allowed among site-gen's modules as debt, each strongly
/// connected component by its members (sorted). None since issue #22 ("no
/// module imports a module above it"): a cycle fails, naming each use; were
/// one ever listed here, an entry that no longer matches would fail too
/// (the cycle shrank or is gone: write what tidy says).
const ALLOWED_CYCLES: &[&[&str]] = &[];

/// Where one module first uses another: (file, line).
type Edges = BTreeMap<String, BTreeMap<String, (String, usize)>>;

/// The module a file under `site-gen/src` belongs to, as a path:
/// `translate/catalog.rs` → `[translate, catalog]`, `translate/mod.rs` →
/// `[translate]`; the crate roots (`lib.rs`, `main.rs`) → `[]`.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        parts.clear();
    }
    parts
}

/// The names a path continues with after `crate::` at `at`: one name, or
/// the first name of each item of a group (`crate::{a::X, b}` → a, b).
fn path_heads(tokens: &[Token], at: usize) -> Vec<&Token> {
    match tokens.get(at) {
        Some(t) if t.text == "{" => {
            let mut heads = Vec::new();
            let mut depth = 0;
            let mut expect = true;
            for t in &tokens[at..] {
                match t.text.as_str() {
                    "{" => {
                        depth += 1;
                        expect = depth == 1;
                        continue;
                    }
                    "}" => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    "," if depth == 1 => {
                        expect = true;
                        continue;
                    }
                    _ if expect && depth == 1 && is_ident(&t.text) => heads.push(t),
                    _ => {}
                }
                expect = false;
            }
            heads
        }
        Some(t) if is_ident(&t.text) => vec![t],
        _ => Vec::new(),
    }
}

fn is_ident(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// The top-level modules a file's tokens use, with the line of each use:
/// `crate::x`, `site_gen::x` (the binary's name for the library),
/// `super::…::x` reaching the crate root, and names the library root
/// re-exports (`crate::Options` → `site`).
fn uses(
    tokens: &[Token],
    own: &[String],
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let resolve = |name: &str| {
        if modules.contains(name) {
            Some(name.to_owned())
        } else {
            reexports.get(name).cloned()
        }
    };
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let starts_path = i == 0 || tokens[i - 1].text != "::";
        let next_is_path = tokens.get(i + 1).is_some_and(|n| n.text == "::");
        if starts_path && next_is_path && matches!(t.text.as_str(), "crate" | "site_gen") {
            for head in path_heads(tokens, i + 2) {
                if let Some(m) = resolve(&head.text) {
                    found.push((m, head.line));
                }
            }
        } else if starts_path && next_is_path && t.text == "super" {
            let mut ups = 0;
            let mut j = i;
            while tokens.get(j).is_some_and(|t| t.text == "super")
                && tokens.get(j + 1).is_some_and(|t| t.text == "::")
            {
                ups += 1;
                j += 2;
            }
            // From the crate root only: inside its own module it is no edge.
            if ups >= own.len() {
                for head in path_heads(tokens, j) {
                    if let Some(m) = resolve(&head.text) {
                        found.push((m, head.line));
                    }
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    found
}

/// The names `lib.rs` re-exports, each with the module it comes from
/// (`pub use site::{Options, build}` → Options → site, build → site).
fn reexports(tokens: &[Token], modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].text == "use" {
            let end = tokens[i..]
                .iter()
                .position(|t| t.text == ";")
                .map_or(tokens.len(), |p| i + p);
            let statement = &tokens[i + 1..end];
            let module = statement
                .iter()
                .map(|t| t.text.as_str())
                .find(|t| !matches!(*t, "crate" | "self" | "::"));
            if let Some(module) = module.filter(|m| modules.contains(*m)) {
                for t in statement {
                    if is_ident(&t.text)
                        && !modules.contains(&t.text)
                        && !matches!(t.text.as_str(), "crate" | "self" | "as")
                    {
                        out.insert(t.text.clone(), module.to_owned());
                    }
                }
            }
            i = end;
        }
        i += 1;
    }
    out
}

/// site-gen's module graph: who uses whom, and where first.
fn module_graph(root: &Path) -> Result<(BTreeSet<String>, Edges), Vec<String>> {
    let src = root.join(MODULES_ROOT);
    let files = source_files(root, MODULES_ROOT, &|p| p.ends_with(".rs")).map_err(|e| vec![e])?;
    let rels: Vec<String> = files
        .iter()
        .map(|f| f[MODULES_ROOT.len() + 1..].to_owned())
        .collect();
    let modules: BTreeSet<String> = rels
        .iter()
        .filter_map(|r| module_path(r).into_iter().next())
        .collect();
    let lib = Path::new(MODULES_ROOT).join("lib.rs");
    let reexported = if src.join("lib.rs").is_file() {
        reexports(
            &read_tokens(root, &lib.to_string_lossy()).map_err(|e| vec![e])?,
            &modules,
        )
    } else {
        BTreeMap::new()
    };
    let mut edges = Edges::new();
    let mut problems = Vec::new();
    for (file, rel) in files.iter().zip(&rels) {
        let own = module_path(rel);
        let Some(from) = own.first() else {
            continue; // lib.rs and main.rs: the roots, above every module.
        };
        let tokens = match read_tokens(root, file) {
            Ok(t) => t,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        edges.entry(from.clone()).or_default();
        for (to, line) in uses(&tokens, &own, &modules, &reexported) {
            if &to != from {
                edges
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| (file.clone(), line));
            }
        }
    }
    if problems.is_empty() {
        Ok((modules, edges))
    } else {
        Err(problems)
    }
}

/// The strongly connected components of more than one module (Tarjan),
/// each sorted; in the order of their smallest member.
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    struct Tarjan<'a> {
        edges: &'a Edges,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.edges.get(v).into_iter().flat_map(BTreeMap::keys) {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.found.sort();
    t.found
}

/// The uses inside one component, one per line, each with its place.
fn cycle_edges(edges: &Edges, members: &[String]) -> String {
    let mut out = String::new();
    for from in members {
        for (to, (file, line)) in edges.get(from).into_iter().flatten() {
            if members.contains(to) {
                out.push_str(&format!("\n    {from} → {to}  ({file}:{line})"));
            }
        }
    }
    out
}

fn check_import_cycles(root: &Path) -> Result<String, Vec<String>> {
    import_cycles(root, ALLOWED_CYCLES)
}

/// The import-cycle rule with `allowed_cycles` as the debt.
fn import_cycles(root: &Path, allowed_cycles: &[&[&str]]) -> Result<String, Vec<String>> {
    let (modules, edges) = module_graph(root)?;
    let found = cycles(&edges);
    let allowed: Vec<Vec<String>> = allowed_cycles
        .iter()
        .map(|c| {
            let mut c: Vec<String> = c.iter().map(|m| (*m).to_owned()).collect();
            c.sort();
            c
        })
        .collect();
    let mut problems = Vec::new();
    for component in &found {
        if allowed.contains(component) {
            continue;
        }
        let list = format!("[\"{}\"]", component.join("\", \""));
        let within = allowed
            .iter()
            .find(|a| component.iter().all(|m| a.contains(m)));
        problems.push(match within {
            Some(_) => format!(
                "xtask/src/tidy.rs: the cycle among site-gen's modules is smaller now: \
                 write {list} in ALLOWED_CYCLES in place of the larger entry. Its uses:{}",
                cycle_edges(&edges, component)
            ),
            None => format!(
                "site-gen/src: a new import cycle (or a module joined one) among {list}: \
                 make one of these uses go the other way (a lower module must not use a higher \
                 one: move the shared item down, or pass it in). Its uses:{}",
                cycle_edges(&edges, component)
            ),
        });
    }
    for a in &allowed {
        let still = found.iter().any(|c| c.iter().all(|m| a.contains(m)));
        if !still {
            problems.push(format!(
                "xtask/src/tidy.rs: ALLOWED_CYCLES lists [\"{}\"], which is no longer a cycle: \
                 remove the entry",
                a.join("\", \"")
            ));
        }
    }
    let layers = layer_order(root, &modules)?;
    if !layers.is_empty() {
        problems.extend(layer_problems(&modules, &edges, &layers));
    }
    if problems.is_empty() {
        let uses: usize = edges.values().map(BTreeMap::len).sum();
        let layered = if layers.is_empty() {
            String::new()
        } else {
            "; every use goes down lib.rs's layer list".to_owned()
        };
        Ok(format!(
            "{} modules, {uses} module uses; {} cycle(s), all listed as debt{layered}",
            modules.len(),
            found.len()
        ))
    } else {
        Err(problems)
    }
}

/// The order of lib.rs's layer list: the modules its `//!` documentation
/// names in backticks (`load`, [`config`], [`diag::Diagnostic`] → `diag`),
/// each at its first mention, bottom up. Empty when it names none.
fn layer_order(
    root: &Path,
    modules: &BTreeSet<String>,
) -> Result<BTreeMap<String, usize>, Vec<String>> {
    let lib = Path::new(MODULES_ROOT).join("lib.rs");
    let text = match std::fs::read_to_string(root.join(&lib)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(vec![format!("{}: cannot read: {e}", lib.display())]),
    };
    let mut order = BTreeMap::new();
    for line in text.lines() {
        let Some(doc) = line.trim_start().strip_prefix("//!") else {
            continue;
        };
        for (i, span) in doc.split('`').enumerate() {
            let name = span.split("::").next().unwrap_or_default();
            if i % 2 == 1 && modules.contains(name) && !order.contains_key(name) {
                order.insert(name.to_owned(), order.len());
            }
        }
    }
    Ok(order)
}

/// The uses that go up lib.rs's layer list, and the modules it leaves out.
fn layer_problems(
    modules: &BTreeSet<String>,
    edges: &Edges,
    layers: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for m in modules {
        if !layers.contains_key(m) {
            problems.push(format!(
                "{MODULES_ROOT}/lib.rs: its layer list does not name `{m}`: name it \
                 (in backticks) at its layer, above every module it uses"
            ));
        }
    }
    for (from, uses) in edges {
        for (to, (file, line)) in uses {
            if let (Some(f), Some(t)) = (layers.get(from), layers.get(to))
                && t > f
            {
                problems.push(format!(
                    "{file}:{line}: `{from}` uses `{to}`, which lib.rs's layer list puts \
                     above it: move what it needs down (or pass it in), or correct the list \
                     if the layers changed"
                ));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// 3. The codemap.

const ARCHITECTURE: &str = "ARCHITECTURE.md";

/// The source files every one of which the codemap must name: (folder,
/// which files), recursively (`vendor/`, `target/`, `node_modules/` and
/// dot-folders are never entered).
const CODEMAP_SOURCES: &[(&str, &str)] = &[
    ("site-gen/src", ".rs"),
    ("checker-app", ".rs"),
    ("xtask/src", ".rs"),
    ("tests", ".rs"),
    ("tests/e2e", ".mjs"),
];

/// The paths the codemap's rows name in their first column, each with its
/// line in ARCHITECTURE.md. A bare name (`offline.js`) is in the folder of
/// the path before it in the same cell (`site-gen/templates/sw.js`).
fn codemap_entries(text: &str) -> Result<Vec<(usize, String)>, String> {
    let mut lines = text.lines().enumerate().map(|(n, l)| (n + 1, l));
    let Some((start, _)) = lines.find(|(_, l)| l.trim() == "## Codemap") else {
        return Err(format!(
            "{ARCHITECTURE}: no `## Codemap` section: it must have one (a table: path | what)"
        ));
    };
    let mut entries = Vec::new();
    let mut in_table = false;
    for (n, line) in lines {
        let line = line.trim();
        if !line.starts_with('|') {
            if in_table || line.starts_with('#') {
                break;
            }
            continue;
        }
        in_table = true;
        let first = line[1..].split('|').next().unwrap_or("");
        let mut folder = String::new();
        for (k, piece) in first.split('`').enumerate() {
            if k % 2 == 0 || piece.is_empty() {
                continue;
            }
            let path = if piece.contains('/') {
                piece.to_owned()
            } else {
                format!("{folder}{piece}")
            };
            let base = path.trim_end_matches('/');
            folder = base
                .rfind('/')
                .map_or(String::new(), |i| base[..=i].to_owned());
            entries.push((n, path));
        }
    }
    if entries.is_empty() {
        return Err(format!(
            "{ARCHITECTURE}:{start}: the codemap names no path: its rows start with \
             `| \\`path\\` | what |`"
        ));
    }
    Ok(entries)
}

/// `<case>` in an entry stands for any one name.
fn segment_matches(pattern: &str, name: &str) -> bool {
    (pattern.starts_with('<') && pattern.ends_with('>')) || pattern == name
}

/// Whether a codemap entry names `file`: the file itself, or a folder
/// (`…/`) it lies under.
fn covers(entry: &str, file: &str) -> bool {
    let folder = entry.ends_with('/');
    let pattern: Vec<&str> = entry.trim_end_matches('/').split('/').collect();
    let parts: Vec<&str> = file.split('/').collect();
    let fits = if folder {
        parts.len() > pattern.len()
    } else {
        parts.len() == pattern.len()
    };
    fits && pattern
        .iter()
        .zip(&parts)
        .all(|(p, n)| segment_matches(p, n))
}

/// Whether an entry names something that exists (a folder for `…/`; for a
/// `<case>` entry, the folder up to it).
fn entry_exists(root: &Path, entry: &str) -> bool {
    if let Some(i) = entry.find('<') {
        return root.join(&entry[..i]).is_dir();
    }
    let path = root.join(entry);
    if entry.ends_with('/') {
        path.is_dir()
    } else {
        path.exists()
    }
}

fn check_codemap(root: &Path) -> Result<String, Vec<String>> {
    let text = std::fs::read_to_string(root.join(ARCHITECTURE))
        .map_err(|e| vec![format!("{ARCHITECTURE}: cannot read it: {e}")])?;
    let entries = codemap_entries(&text).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    for (line, entry) in &entries {
        if !entry_exists(root, entry) {
            problems.push(format!(
                "{ARCHITECTURE}:{line}: the codemap names `{entry}`, which does not exist: \
                 correct the path or remove it from the row"
            ));
        }
    }
    let mut files = BTreeSet::new();
    for (dir, ext) in CODEMAP_SOURCES {
        files.extend(source_files(root, dir, &|p| p.ends_with(ext)).map_err(|e| vec![e])?);
    }
    for file in &files {
        if !entries.iter().any(|(_, e)| covers(e, file)) {
            problems.push(format!(
                "{file}: not in {ARCHITECTURE}'s codemap: add a row \
                 `| \\`{file}\\` | what it is |` (its module doc says), or name its folder"
            ));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{} paths named, {} source files covered",
            entries.len(),
            files.len()
        ))
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// 4. The vendored Yew.

fn check_vendored_yew(_: &Path) -> Result<String, Vec<String>> {
    crate::vendor::verify_yew().map_err(|e| vec![e])
}

// ---------------------------------------------------------------------------
// 5. Deciding by the text of a message.

/// Where the rule applies (recursively).
const MESSAGE_ROOTS: &[&str] = &["site-gen/src", "checker-app/src", "checker-app/core/src"];

/// The places allowed to decide by the text of an error message: (file,
/// how many). None: diagnostics carry a kind, Tera's errors are told apart
/// by `tera::ErrorKind` and rspolib's by `SyntaxError`'s variants. A new
/// match fails; should one ever be unavoidable, list it here with why, and
/// the count must stay exact.
const MESSAGE_MATCHING: &[(&str, usize)] = &[];

/// Names that hold a message's text.
const MESSAGE_NAMES: &[&str] = &["message", "msg"];

/// What matching on text looks like.
const TEXT_TESTS: &[&str] = &[
    "contains",
    "starts_with",
    "ends_with",
    "find",
    "rfind",
    "split",
    "split_once",
    "strip_prefix",
    "strip_suffix",
    "matches",
];

/// The lines that test a message's text: `message.contains(…)`,
/// `d.message == …`, `msg.find(…)`, `e.to_string().starts_with(…)`.
fn message_matches(tokens: &[Token]) -> Vec<(usize, String)> {
    let text = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let mut found = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let (subject, after) = if MESSAGE_NAMES.contains(&t.text.as_str()) {
            (t.text.clone(), i + 1)
        } else if t.text == "to_string" && text(i + 1) == "(" && text(i + 2) == ")" {
            ("….to_string()".to_owned(), i + 3)
        } else {
            continue;
        };
        if matches!(text(after), "==" | "!=") {
            found.push((t.line, format!("{subject} {}", text(after))));
        } else if text(after) == "." && TEXT_TESTS.contains(&text(after + 1)) {
            found.push((t.line, format!("{subject}.{}(", text(after + 1))));
        }
    }
    found
}

fn check_message_matching(root: &Path) -> Result<String, Vec<String>> {
    message_matching(root, MESSAGE_MATCHING)
}

/// The message-text rule with `allowed` as the debt.
fn message_matching(root: &Path, allowed_list: &[(&str, usize)]) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let mut counted: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for dir in MESSAGE_ROOTS {
        for path in source_files(root, dir, &|p| p.ends_with(".rs")).map_err(|e| vec![e])? {
            match read_tokens(root, &path) {
                Ok(tokens) => {
                    let found = message_matches(&tokens);
                    if !found.is_empty() {
                        counted.insert(path, found);
                    }
                }
                Err(e) => problems.push(e),
            }
        }
    }
    for (path, found) in &counted {
        let allowed = allowed_list
            .iter()
            .find(|(f, _)| f == path)
            .map_or(0, |(_, n)| *n);
        if found.len() > allowed {
            for (line, what) in found {
                problems.push(format!(
                    "{path}:{line}: `{what}` decides by the text of a message ({} here, {allowed} \
                     allowed as debt): give the error a kind (an enum) and match on that",
                    found.len()
                ));
            }
        }
    }
    for (file, allowed) in allowed_list {
        let now = counted.get(*file).map_or(0, Vec::len);
        if now < *allowed {
            problems.push(if now == 0 {
                format!(
                    "xtask/src/tidy.rs: MESSAGE_MATCHING allows {allowed} in `{file}`, which has \
                     none now: remove its entry"
                )
            } else {
                format!(
                    "xtask/src/tidy.rs: MESSAGE_MATCHING allows {allowed} in `{file}`, which has \
                     {now} now: write {now}"
                )
            });
        }
    }
    if problems.is_empty() {
        let total: usize = counted.values().map(Vec::len).sum();
        Ok(if total == 0 {
            "no code decides by a message's text".to_string()
        } else {
            format!("{total} allowed, in {} files", counted.len())
        })
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// 6. Formatting.

fn check_formatting(root: &Path) -> Result<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let present = Command::new(&cargo)
        .args(["fmt", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        eprintln!("tidy: installing the rustup component rustfmt");
        crate::run(Command::new("rustup").args(["component", "add", "rustfmt"]))
            .map_err(|e| vec![e])?;
    }
    let out = Command::new(&cargo)
        .args(["fmt", "--all", "--", "--check", "--files-with-diff"])
        .current_dir(root)
        .output()
        .map_err(|e| vec![format!("cannot start `cargo fmt`: {e}")])?;
    if out.status.success() {
        return Ok("cargo fmt --all -- --check".to_owned());
    }
    let mut problems: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let shown = Path::new(l).strip_prefix(root).unwrap_or(Path::new(l));
            format!(
                "{}: not formatted: run `cargo fmt --all` and commit",
                shown.display()
            )
        })
        .collect();
    if problems.is_empty() {
        problems.push(format!(
            "`cargo fmt --all -- --check` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Err(problems)
}

// ---------------------------------------------------------------------------
// 7. Test files a reader can hold in their head (checked last, after the
// formatting, as listed in `CHECKS`).

/// Where tests live: the generator's, the checker's, the core's, the
/// browser suite (`node_modules` is never entered).
const TEST_ROOTS: &[&str] = &["tests", "checker-app/tests", "checker-app/core/tests"];

/// The longest a test file may be (issue #22: "about 800 lines"); a longer
/// one is split by area, as `tests/site/` and the core's tests are.
const MAX_TEST_LINES: usize = 800;

fn check_test_files(root: &Path) -> Result<String, Vec<String>> {
    test_file_lengths(root, MAX_TEST_LINES)
}

fn test_file_lengths(root: &Path, max: usize) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let mut count = 0;
    let mut longest = (0, String::new());
    for dir in TEST_ROOTS {
        if !root.join(dir).is_dir() {
            continue;
        }
        let keep = |p: &str| p.ends_with(".rs") || p.ends_with(".mjs");
        for path in source_files(root, dir, &keep).map_err(|e| vec![e])? {
            let text = std::fs::read_to_string(root.join(&path))
                .map_err(|e| vec![format!("{path}: cannot read it: {e}")])?;
            let lines = text.lines().count();
            count += 1;
            if lines > longest.0 {
                longest = (lines, path.clone());
            }
            if lines > max {
                problems.push(format!(
                    "{path}:{}: {lines} lines, over {max}: split it by area into files \
                     of their own (shared helpers in a `common` or `support` module)",
                    max + 1
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{count} test files, the longest {} ({} lines; at most {max})",
            longest.1, longest.0
        ))
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// The command.

type Check = fn(&Path) -> Result<String, Vec<String>>;

/// Every check, in the order they run.
const CHECKS: &[(&str, Check)] = &[
    ("file system", check_file_system),
    ("import cycles", check_import_cycles),
    ("codemap", check_codemap),
    ("vendored yew", check_vendored_yew),
    ("message text", check_message_matching),
    ("formatting", check_formatting),
    ("test files", check_test_files),
];

/// `cargo xtask tidy`: every check, each printed with ok/FAIL and its time
/// (and a failure's problems below it); fails if any failed.
pub fn tidy(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("tidy takes no arguments (got `{arg}`)"));
    }
    let root = crate::root();
    let mut failed = Vec::new();
    for (name, check) in CHECKS {
        let started = Instant::now();
        let result = check(&root);
        let took = started.elapsed();
        eprintln!("{}", report_line(name, took, &result));
        if result.is_err() {
            failed.push(*name);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "tidy: {} of {} checks failed ({})",
            failed.len(),
            CHECKS.len(),
            failed.join(", ")
        ))
    }
}

fn report_line(name: &str, took: Duration, result: &Result<String, Vec<String>>) -> String {
    let time = format!("{:.2} s", took.as_secs_f64());
    match result {
        Ok(summary) => format!("tidy: {name:<15} ok    {time:>7}  {summary}"),
        Err(problems) => {
            let mut out = format!(
                "tidy: {name:<15} FAIL  {time:>7}  {} problem(s):",
                problems.len()
            );
            for p in problems {
                out.push_str("\n  ");
                out.push_str(&p.replace('\n', "\n  "));
            }
            out
        }
    }
}

// ---------------------------------------------------------------------------
// Reading the source.

/// The files under `dir` (relative to `root`, recursively, sorted) whose
/// path `keep` accepts, as `/`-separated paths relative to `root`; never
/// entering `target/`, `node_modules/`, `vendor/` or a dot-folder.
fn source_files(
    root: &Path,
    dir: &str,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(dir) = todo.pop() {
        let entries = std::fs::read_dir(root.join(&dir))
            .map_err(|e| format!("{dir}: cannot list it: {e}"))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{dir}: cannot list it: {e}"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{dir}/{name}");
            let kind = entry
                .file_type()
                .map_err(|e| format!("{rel}: cannot read it: {e}"))?;
            if kind.is_dir() {
                if !matches!(name.as_str(), "target" | "node_modules" | "vendor") {
                    todo.push(rel);
                }
            } else if keep(&rel) {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A Rust file's tokens, without its `#[cfg(test)]` items.
fn read_tokens(root: &Path, rel: &str) -> Result<Vec<Token>, String> {
    let text = std::fs::read_to_string(root.join(rel))
        .map_err(|e| format!("{rel}: cannot read it: {e}"))?;
    Ok(without_tests(tokens(&text)))
}

/// A token of Rust source: a name (identifier or keyword) or punctuation
/// (`::`, `==`, `!=` as one token, any other character alone), with its
/// line. Comments, string, character and number literals and lifetimes'
/// quotes are left out, so what a comment or a message says is never
/// taken for code.
#[derive(Clone, Debug, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

fn tokens(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Past a quoted literal whose body starts at `i` (escapes skipped),
    // counting its lines.
    let skip_quoted = |mut i: usize, quote: char, line: &mut usize| {
        while i < c.len() {
            match c[i] {
                '\\' => {
                    if at(i + 1) == '\n' {
                        *line += 1;
                    }
                    i += 2;
                    continue;
                }
                '\n' => *line += 1,
                q if q == quote => return i + 1,
                _ => {}
            }
            i += 1;
        }
        i
    };
    while i < c.len() {
        let ch = c[i];
        match ch {
            '\n' => {
                line += 1;
                i += 1;
            }
            _ if ch.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if c[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => i = skip_quoted(i + 1, '"', &mut line),
            '\'' => {
                if at(i + 1) == '\\' {
                    // '\n', '\'', '\u{..}'
                    i = skip_quoted(i + 1, '\'', &mut line);
                } else if at(i + 2) == '\'' {
                    i += 3; // 'x'
                } else {
                    i += 1; // a lifetime: its name follows
                }
            }
            _ if ch.is_alphabetic() || ch == '_' => {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                let word: String = c[start..i].iter().collect();
                // Raw strings r"…", r#"…"#, br"…"; byte and C strings b"…", c"…".
                if matches!(word.as_str(), "r" | "br" | "cr") && matches!(at(i), '"' | '#') {
                    let mut j = i;
                    while at(j) == '#' {
                        j += 1;
                    }
                    let hashes = j - i;
                    if at(j) == '"' {
                        j += 1;
                        while j < c.len() {
                            if c[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                                j += 1 + hashes;
                                break;
                            }
                            if c[j] == '\n' {
                                line += 1;
                            }
                            j += 1;
                        }
                        i = j;
                        continue;
                    }
                }
                if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                    i = skip_quoted(i + 1, '"', &mut line);
                    continue;
                }
                if word == "b" && at(i) == '\'' {
                    i = skip_quoted(i + 1, '\'', &mut line);
                    continue;
                }
                out.push(Token { text: word, line });
            }
            _ if ch.is_ascii_digit() => {
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
            _ => {
                let two: String = [ch, at(i + 1)].iter().collect();
                let text = if matches!(two.as_str(), "::" | "==" | "!=") {
                    i += 2;
                    two
                } else {
                    i += 1;
                    ch.to_string()
                };
                out.push(Token { text, line });
            }
        }
    }
    out
}

/// The tokens without the items marked `#[cfg(test)]` (a `mod tests { … }`,
/// a function, a `use`), and none at all for a file marked `#![cfg(test)]`.
fn without_tests(tokens: Vec<Token>) -> Vec<Token> {
    let is = |i: usize, words: &[&str]| {
        words
            .iter()
            .enumerate()
            .all(|(k, w)| tokens.get(i + k).is_some_and(|t| t.text == *w))
    };
    const ATTRIBUTE: &[&str] = &["#", "[", "cfg", "(", "test", ")", "]"];
    const INNER: &[&str] = &["#", "!", "[", "cfg", "(", "test", ")", "]"];
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if is(i, INNER) {
            return Vec::new();
        }
        if !is(i, ATTRIBUTE) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        // Skip the item: up to its `;` or the `}` closing its body.
        i += ATTRIBUTE.len();
        let mut depth = 0i32;
        while i < tokens.len() {
            let t = tokens[i].text.as_str();
            i += 1;
            match t {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" => depth -= 1,
                "}" => {
                    depth -= 1;
                    if depth <= 0 {
                        break;
                    }
                }
                ";" if depth <= 0 => break,
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_test_file_fails() {
        let long = "#[test]\nfn t() {}\n".repeat(6);
        let root = tree(&[
            ("tests/site/short.rs", "#[test]\nfn t() {}\n"),
            ("checker-app/core/tests/long.rs", long.as_str()),
            ("tests/e2e/node_modules/x/huge.mjs", long.as_str()),
        ]);
        let problems = test_file_lengths(root.path(), 10).expect_err("over 10 lines");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("checker-app/core/tests/long.rs:11: 12 lines"),
            "{problems:?}"
        );
        let ok = test_file_lengths(root.path(), 12).expect("12 lines are allowed");
        assert!(ok.starts_with("2 test files"), "{ok}");
    }

    /// A small tree: each (path, text) written under a temporary root,
    /// which has the folders the rules scan.
    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temporary folder");
        for scanned in ACCESS_ROOTS.iter().chain(MESSAGE_ROOTS) {
            std::fs::create_dir_all(dir.path().join(scanned)).expect("folder");
        }
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn words(src: &str) -> Vec<(usize, String)> {
        tokens(src).into_iter().map(|t| (t.line, t.text)).collect()
    }

    /// The one problem of a failed check (or the panic says what it got).
    fn problems(result: Result<String, Vec<String>>) -> Vec<String> {
        match result {
            Ok(summary) => panic!("passed: {summary}"),
            Err(p) => p,
        }
    }

    #[test]
    fn comments_strings_and_literals_are_not_code() {
        let src = "// std::fs::read\n\
                   let a = \"std::fs \\\" fs::x\"; /* fs::\n nested /* fs:: */ */\n\
                   let b = r#\"fs::read \"quoted\"\n\"#; let c = b\"fs::\"; let d = '\\'';\n\
                   let e = 'x'; fn f<'a>(x: &'a str) {}\n\
                   m::n == o != p";
        let got = words(src);
        assert!(!got.iter().any(|(_, w)| w == "fs"), "{got:?}");
        // Lines are counted across comments and strings.
        assert!(got.contains(&(2, "a".to_owned())), "{got:?}");
        assert!(got.contains(&(4, "b".to_owned())), "{got:?}");
        assert!(got.contains(&(6, "e".to_owned())), "{got:?}");
        assert!(got.contains(&(6, "f".to_owned())), "{got:?}");
        let last: Vec<&str> = got
            .iter()
            .filter(|(l, _)| *l == 7)
            .map(|(_, w)| w.as_str())
            .collect();
        assert_eq!(last, ["m", "::", "n", "==", "o", "!=", "p"]);
    }

    #[test]
    fn test_items_are_left_out() {
        let src = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn b() { if x { y } }\n}\n\
                   #[cfg(test)]\nuse std::fs;\nfn c() {}\n";
        let left: Vec<String> = without_tests(tokens(src))
            .into_iter()
            .filter(|t| is_ident(&t.text))
            .map(|t| t.text)
            .collect();
        assert_eq!(left, ["fn", "a", "fn", "c"]);
        assert!(without_tests(tokens("#![cfg(test)]\nuse std::fs;")).is_empty());
    }

    const ALLOW: &[(&str, &[Access])] = &[("site-gen/src/load.rs", &[Disk])];

    #[test]
    fn file_system_access_outside_the_list_fails_at_its_line() {
        let load = ("site-gen/src/load.rs", "fn f() { std::fs::read(\"x\"); }\n");
        // Nothing else touches anything: passes (names in comments, strings,
        // tests, a variable `is_file`, a variant `Entry::File`, a held
        // `SystemTime` are not access).
        let clean = tree(&[
            load,
            (
                "site-gen/src/markdown.rs",
                "// std::fs::read\nfn f(e: Entry, t: std::time::SystemTime) -> &'static str {\n\
                 let is_file = e == Entry::File; po.metadata.len(); \"fs::read\"\n}\n\
                 #[cfg(test)]\nmod tests { fn t() { std::fs::write(\"x\", \"\"); \
                 std::time::Instant::now(); } }\n",
            ),
        ]);
        assert!(file_system(clean.path(), ALLOW).is_ok());
        // Planted, at any depth: each kind, each at its line.
        let planted = tree(&[
            load,
            (
                "site-gen/src/translate/deep/blocks.rs",
                "use std::{collections::BTreeMap, fs};\n\nfn f(p: &Path) -> bool {\n\
                 p.is_file()\n}\n",
            ),
            (
                "site-gen/src/markdown.rs",
                "fn f() {\n    let t = Instant::now();\n    let s = TcpStream::connect(a);\n\
                 let c = Command::new(\"git\");\n    let v = std::env::var(\"X\");\n\
                 let f = File::open(p);\n}\n",
            ),
            (
                "checker-app/core/src/eval/walk.rs",
                "fn f() { fs::read(p); }\nuse std::io::Write;\n",
            ),
            // site-gen's pure modules may write into buffers.
            ("site-gen/src/precompress.rs", "use std::io::Write;\n"),
        ]);
        let found = problems(file_system(planted.path(), ALLOW));
        let places: Vec<&str> = found
            .iter()
            .map(|p| p.split(": ").next().expect("a place"))
            .collect();
        assert_eq!(
            places,
            [
                "site-gen/src/markdown.rs:2",
                "site-gen/src/markdown.rs:3",
                "site-gen/src/markdown.rs:4",
                "site-gen/src/markdown.rs:5",
                "site-gen/src/markdown.rs:6",
                "site-gen/src/translate/deep/blocks.rs:1",
                "site-gen/src/translate/deep/blocks.rs:4",
                "checker-app/core/src/eval/walk.rs:1",
                "checker-app/core/src/eval/walk.rs:2",
            ],
            "{found:#?}"
        );
        assert!(found[0].contains("`now` touches the clock, which no file may"));
        assert!(found[1].contains("touches the network"), "{}", found[1]);
        assert!(found[3].contains("processes or the environment"));
        assert!(
            found[5].contains("touches the file system, which only `site-gen/src/load.rs` may")
                && found[5].contains("add it to MAY_TOUCH"),
            "{}",
            found[5]
        );
    }

    #[test]
    fn an_allowance_no_longer_used_fails() {
        let t = tree(&[("site-gen/src/load.rs", "fn f() {}\n")]);
        let found = problems(file_system(t.path(), ALLOW));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("`site-gen/src/load.rs` touch the file system, which it no longer")
        );
        let gone = tree(&[("site-gen/src/site.rs", "fn f() {}\n")]);
        let found = problems(file_system(gone.path(), ALLOW));
        assert!(found[0].contains("names `site-gen/src/load.rs`, which does not exist"));
    }

    /// site-gen with a ↔ b (through a group, a re-export and `super::super`)
    /// and c using a.
    fn modules(extra: &[(&str, &str)]) -> tempfile::TempDir {
        let mut files = vec![
            (
                "site-gen/src/lib.rs",
                "mod a;\nmod b;\nmod c;\npub use b::Thing;\n",
            ),
            (
                "site-gen/src/a.rs",
                "use crate::{b::Thing, c};\n// crate::d::x\n",
            ),
            ("site-gen/src/b/mod.rs", "mod inner;\npub struct Thing;\n"),
            (
                "site-gen/src/b/inner.rs",
                "use super::Thing;\nfn f() { super::super::a::g(); }\n",
            ),
            ("site-gen/src/c.rs", "fn f() -> crate::Thing { todo!() }\n"),
            ("site-gen/src/main.rs", "use site_gen::a;\n"),
        ];
        files.extend_from_slice(extra);
        tree(&files)
    }

    #[test]
    fn a_new_import_cycle_fails_naming_each_use() {
        let t = modules(&[]);
        let (_, edges) = module_graph(t.path()).expect("the graph");
        let edge = |f: &str, to: &str| edges[f].get(to).cloned();
        assert_eq!(edge("a", "b"), Some(("site-gen/src/a.rs".to_owned(), 1)));
        assert_eq!(edge("a", "c"), Some(("site-gen/src/a.rs".to_owned(), 1)));
        assert_eq!(
            edge("b", "a"),
            Some(("site-gen/src/b/inner.rs".to_owned(), 2))
        );
        assert_eq!(edge("c", "b"), Some(("site-gen/src/c.rs".to_owned(), 1)));
        assert_eq!(edges["a"].len(), 2, "no edge from a comment: {edges:?}");
        assert_eq!(cycles(&edges), [["a", "b", "c"]]);

        let found = problems(import_cycles(t.path(), &[]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with(
            "site-gen/src: a new import cycle (or a module joined one) among [\"a\", \"b\", \"c\"]"
        ));
        assert!(
            found[0].contains("\n    b → a  (site-gen/src/b/inner.rs:2)"),
            "{}",
            found[0]
        );
        // Listed as debt: passes.
        assert!(import_cycles(t.path(), &[&["c", "a", "b"]]).is_ok());
        // A module joining a listed cycle fails.
        let joined = modules(&[("site-gen/src/d.rs", "use crate::a::x;\n")]);
        let joined_b = std::fs::read_to_string(joined.path().join("site-gen/src/b/mod.rs"))
            .expect("read")
            + "fn g() { crate::d::y(); }\n";
        std::fs::write(joined.path().join("site-gen/src/b/mod.rs"), joined_b).expect("write");
        let found = problems(import_cycles(joined.path(), &[&["a", "b", "c"]]));
        assert!(
            found[0].contains("among [\"a\", \"b\", \"c\", \"d\"]"),
            "{found:?}"
        );
        // A listed cycle that shrank or went away fails with what to write.
        let found = problems(import_cycles(t.path(), &[&["a", "b", "c", "x"]]));
        assert!(
            found[0].contains("smaller now: write [\"a\", \"b\", \"c\"]"),
            "{found:?}"
        );
        let found = problems(import_cycles(t.path(), &[&["a", "b", "c"], &["x", "y"]]));
        assert!(found[0].contains("[\"x\", \"y\"], which is no longer a cycle"));
    }

    #[test]
    fn a_use_up_lib_rs_s_layer_list_fails() {
        // b → c only: no cycle, so only the layer list can be wrong.
        let layered = |doc: &str| {
            tree(&[
                ("site-gen/src/lib.rs", &format!("{doc}\nmod b;\nmod c;\n")),
                ("site-gen/src/b.rs", "use crate::c::x;\n"),
                ("site-gen/src/c.rs", "pub fn x() {}\n"),
            ])
        };
        let t = layered("//! Layers: [`c::x`] → `b`.");
        let ok = import_cycles(t.path(), &[]).expect("c below b: passes");
        assert!(ok.contains("every use goes down"), "{ok}");
        let t = layered("//! Layers: `b` → [`c`].");
        let found = problems(import_cycles(t.path(), &[]));
        assert_eq!(
            found,
            [
                "site-gen/src/b.rs:1: `b` uses `c`, which lib.rs's layer list puts above it: \
              move what it needs down (or pass it in), or correct the list if the layers changed"
            ]
        );
        let t = layered("//! Layers: `c`.");
        let found = problems(import_cycles(t.path(), &[]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("does not name `b`"), "{found:?}");
    }

    const ARCH: &str = "# A\n\n## Codemap\n\n| where | what |\n|---|---|\n\
        | `site-gen/src/a.rs` | a |\n\
        | `site-gen/templates/sw.js`, `offline.js` | two in one folder |\n\
        | `tests/e2e/` | the browser suite |\n\
        | `tests/fixtures/invalid/<case>/` | cases |\n\
        | `xtask/src/main.rs` | |\n\n## Invariants\n\n| `not/a/codemap/row.rs` | |\n";

    #[test]
    fn the_codemap_names_what_exists_and_every_source_file() {
        let files = [
            ("ARCHITECTURE.md", ARCH),
            ("site-gen/src/a.rs", ""),
            ("site-gen/templates/sw.js", ""),
            ("site-gen/templates/offline.js", ""),
            ("tests/e2e/walk.test.mjs", ""),
            ("tests/e2e/node_modules/x/y.mjs", ""),
            ("tests/fixtures/invalid/one/expect.txt", ""),
            ("xtask/src/main.rs", ""),
            ("checker-app/vendor/yew/src/lib.rs", ""),
        ];
        let t = tree(&files);
        assert!(
            check_codemap(t.path()).is_ok(),
            "{:?}",
            check_codemap(t.path())
        );
        let entries = codemap_entries(ARCH).expect("the codemap");
        assert!(entries.contains(&(8, "site-gen/templates/offline.js".to_owned())));
        // A source file named nowhere, a named file gone.
        let mut more = files.to_vec();
        more.push(("site-gen/src/translate/b.rs", ""));
        more.push(("tests/site/new.rs", ""));
        more.retain(|(p, _)| *p != "site-gen/templates/offline.js");
        let t = tree(&more);
        let found = problems(check_codemap(t.path()));
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with(
            "ARCHITECTURE.md:8: the codemap names `site-gen/templates/offline.js`, which does not exist"
        ));
        assert!(
            found[1].starts_with("site-gen/src/translate/b.rs: not in ARCHITECTURE.md's codemap")
        );
        assert!(found[2].starts_with("tests/site/new.rs: not in"));
    }

    #[test]
    fn deciding_by_message_text_beyond_the_debt_fails() {
        let src = "fn f(d: &Diagnostic, e: Error) -> bool {\n\
                   // d.message.contains(\"x\")\n\
                   let s = \"msg.contains(\";\n\
                   d.message.contains(\"cannot\")\n\
                   || d.message == \"x\"\n\
                   || e.to_string().starts_with(\"y\")\n}\n\
                   #[cfg(test)]\nmod tests { fn t() { assert!(d.message.contains(\"z\")); } }\n";
        let t = tree(&[
            ("site-gen/src/a.rs", src),
            ("checker-app/src/b.rs", "fn f() {}\n"),
        ]);
        let found = problems(message_matching(t.path(), &[]));
        let places: Vec<&str> = found
            .iter()
            .map(|p| p.split(": ").next().expect("a place"))
            .collect();
        assert_eq!(
            places,
            [
                "site-gen/src/a.rs:4",
                "site-gen/src/a.rs:5",
                "site-gen/src/a.rs:6"
            ],
            "{found:#?}"
        );
        assert!(
            found[0].contains(
                "`message.contains(` decides by the text of a message (3 here, 0 allowed"
            )
        );
        assert!(
            found[2].contains("`….to_string().starts_with(`"),
            "{}",
            found[2]
        );
        assert!(message_matching(t.path(), &[("site-gen/src/a.rs", 3)]).is_ok());
        let found = problems(message_matching(t.path(), &[("site-gen/src/a.rs", 4)]));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("allows 4 in `site-gen/src/a.rs`, which has 3 now: write 3"));
        let found = problems(message_matching(
            t.path(),
            &[("site-gen/src/a.rs", 3), ("checker-app/src/b.rs", 1)],
        ));
        assert!(found[0].contains("`checker-app/src/b.rs`, which has none now: remove its entry"));
    }

    #[test]
    fn each_check_prints_its_name_status_and_time() {
        let ok = report_line("codemap", Duration::from_millis(30), &Ok("12 paths".into()));
        assert_eq!(ok, "tidy: codemap         ok     0.03 s  12 paths");
        let failed = report_line(
            "file system",
            Duration::from_millis(1250),
            &Err(vec!["a.rs:1: x".into(), "b.rs:2: y\n  z".into()]),
        );
        assert_eq!(
            failed,
            "tidy: file system     FAIL   1.25 s  2 problem(s):\n  a.rs:1: x\n  b.rs:2: y\n    z"
        );
    }

    /// The real tree passes every check but formatting's (run by `cargo
    /// xtask tidy` itself) and the vendored Yew's (vendor.rs's own tests).
    #[test]
    fn the_real_tree_passes() {
        let root = crate::root();
        for check in [
            check_file_system,
            check_import_cycles,
            check_codemap,
            check_message_matching,
        ] {
            if let Err(problems) = check(&root) {
                panic!("{}", problems.join("\n"));
            }
        }
    }
}
