//! `cargo xtask`: the project's own commands. Each one first installs what
//! is missing on a fresh machine, then does its job.
//!
//! - `cargo xtask serve [--release] [--port N]`: build and serve the site, rebuild on change.
//! - `cargo xtask build [--out DIR] [--no-precompress]`: build the site into
//!   `public/` (or DIR), with `.br`/`.gz` copies and `_headers`.
//! - `cargo xtask bench [--shape S[,S...]] [--pages N[,N...]] [--langs L] [--runs R] [--serve]`:
//!   site-gen on synthetic sites of the shapes real sites have (fixed and
//!   growing sections, flat, catalog languages, many errors), against Hugo
//!   where both build it, and `serve`'s edit-to-reload (see `bench.rs`).
//! - `cargo xtask tidy`: the rules no compiler checks (`tidy.rs`), in seconds.
//! - `cargo xtask test`: tidy, lints, every test, a check of the real
//!   site, and the browser suite (tests/e2e) on a fresh build of it; then
//!   the time each step took.
//!
//! Every command answers `--help` (and `-h`) without doing anything else.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

mod background;
mod bench;
mod e2e;
mod setup;
mod tidy;
mod vendor;

const USAGE: &str = "\
usage: cargo xtask <command> [options]   (cargo xtask <command> --help: more)

Each command first installs what is missing (the wasm target, trunk,
wasm-bindgen-cli, wasm-opt; for `test` also Chromium, Firefox ESR,
WebKitGTK's WebDriver, Xvfb and the browser suite's tools), then does its job.

commands:
  serve [--release] [--port N]
                     build the site, serve it on 127.0.0.1 and rebuild on change
  build [--out DIR]  build the site into public/ (or DIR), ready to publish
  tidy               the rules no compiler checks (file access, import cycles, codemap,
                     vendored Yew, message matching, formatting); seconds, no build
  test [ARGS]        tidy, lints, every test and the browser suite; times each step
  bench [--shape S[,S...]] [--pages N[,N...]] [--langs L] [--runs R] [--serve]
                     time site-gen on synthetic sites of several shapes (and Hugo)
  verify-yew [--record DIR]  check checker-app/vendor/yew against the published crate
";

const SERVE_HELP: &str = "\
usage: cargo xtask serve [--release] [--port N]

Builds site-gen (unoptimized, so the first page comes soon: about 2 to 3
minutes on 2 cores the first time; the real site then builds in about
3 s) and serves the site from memory on
http://127.0.0.1:8000/ (or port N) as soon as it is compiled: every
change under content/, templates/ or static/ rebuilds what it affects
and reloads the browser. Meanwhile, in the background, it installs what
the checker needs (the wasm target, trunk, wasm-bindgen-cli, wasm-opt:
about 6 to 8 minutes on 2 cores the first time) and builds the checker with
trunk (release) into target/checker-dist, printing a line when each
step starts and every 30 seconds (the tools' output:
target/checker-build.log). Until the checker is there, checker pages
show the blank form and a line saying it is being built; then they
reload with it. Responses carry the headers of the build's _headers
file (CSP, nosniff, Referrer-Policy, Cache-Control); the dev server does
not compress.

options:
  --release  site-gen optimized (about 4 to 6 minutes the first time),
             for large sites: a rebuild of a 4,000-page site is then
             tens of milliseconds (cargo xtask bench --shape serve)
  --port N   the port (default 8000; 0: any free port, printed; site-gen serve's)
";

const BUILD_HELP: &str = "\
usage: cargo xtask build [--out DIR] [--no-precompress]

Builds the checker (trunk, release; prints its brotli size against the
budget) and the site with site-gen's release build into public/ (or DIR),
replaced whole only when the build succeeds: the pages, .br and .gz
copies of every compressible file, and _headers (the response headers
for Netlify and Cloudflare Pages). How to publish it: docs/deploy.md;
how to check a published site: site-gen check-served <URL>.

options (site-gen build's):
  --out DIR          the output folder (default: public/)
  --no-precompress   no .br/.gz copies (for hosts that compress by themselves)
";

const TEST_HELP: &str = "\
usage: cargo xtask test [ARGS]

Runs, in order: `cargo xtask tidy` (formatting among its checks), setup
of the lints (rustfmt, clippy, the wasm target), then side by side: the
setup of what is missing (trunk, wasm-bindgen-cli, wasm-opt, the browser
suite's Debian and npm packages; output held, shown if a step fails) and
the checker's release build with its size budget; and one compile of the
tests and the dev site-gen, linted by clippy as it compiles (`cargo test
--workspace --features site-gen/https --no-run` with clippy's driver),
then clippy on the checker's wasm code. Then a build of the real site with
that site-gen (every check of `site-gen check`, and the browser suite's
site, with its .br/.gz copies), then side by side `cargo test [ARGS]` (the
same compile) and the browser suite (tests/e2e) on that site, its test
files and long walks run several at once, the longest files first
(E2E_CONCURRENCY, default: the machine's cores, 1 to 4; each report
printed whole when it ends, then each file's time); budgets.test.mjs,
which reports timings, runs alone after them when all passed. Stops
after the first failing step (steps side by side both run to their end);
prints the time each step took at the end, also after a failure.

ARGS go to `cargo test` (e.g. `cargo xtask test -- --nocapture`).
";

const TIDY_HELP: &str = "\
usage: cargo xtask tidy

Checks, without building anything, each printed with ok/FAIL and its
time, each problem with its file:line and what to do (xtask/src/tidy.rs):
  file system     only the files MAY_TOUCH names (load, output, checker,
                  serve, served, main, register) touch the disk, network,
                  clock or processes; every .rs under site-gen/src,
                  checker-app/src and checker-app/core/src, recursively
  import cycles   no cycle among site-gen's modules (`use crate::...`)
                  beyond the ones ALLOWED_CYCLES lists as debt
  codemap         every path ARCHITECTURE.md's codemap names exists, and
                  every source file is named in it
  vendored yew    checker-app/vendor/yew is the published crate plus
                  yew-size.patch (as `cargo xtask verify-yew`)
  message text    no code decides by an error message's text beyond the
                  places MESSAGE_MATCHING lists as debt
  formatting      cargo fmt --all -- --check
`#[cfg(test)]` code is not scanned. The debt lists must be exact: a cycle
or a match that is gone fails too, saying what to write instead.
`cargo xtask test` runs it first.
";

const BENCH_HELP: &str = "\
usage: cargo xtask bench [--shape S[,S...]] [--pages N[,N...]] [--langs L] [--runs R] [--serve]

Writes deterministic synthetic sites under target/bench/ (one generator,
about 5 KB of Markdown per page with headings, lists, a table and @/
links; cached per shape and size) and times site-gen (release build, no
precompressed copies) on them, against Debian's Hugo (installed when
missing) on equivalent templates where both can build the site. Runs
alternate between the tools, each into a fresh folder. Prints per shape
a table (median (min-max) wall time, median CPU time, pages per second,
peak RSS, ratio to Hugo), the growth from the smallest to the largest
size, the machine (CPUs, load average at the start and the end), and
every goal of issue #19 as met / NOT met / not measured with its figures.

shapes (--shape, a comma list; default: all):
  fixed     20 sections whatever the size (issue #11's corpus), L languages, vs Hugo
  sections  a section per 100 pages (40 at 4000, 160 at 16000), L languages, vs Hugo
  flat      every page directly under the home page, L languages, vs Hugo
  catalog   N Japanese pages + 14 catalog languages (catalogs made by
            `site-gen i18n update`, every entry filled with a translation that
            `site-gen check` accepts), against the same pages hand-written in
            15 languages: time per output page (goal: within 1.25x) and peak
            RSS (goal: 400 MiB at 4000)
  errors    10,000 invalid procedure steps in one file, then a catalog with
            10,000 entries that each break a rule: the time until
            `site-gen check` reports them, and how many it reported (goal: 2 s)
  serve     serve's edit-to-reload on the sections site at 4000 pages (or the
            largest --pages), L languages: 5 text and 5 title edits (goal: 100 ms)

options:
  --shape S[,S...]  shapes to run (default: all)
  --pages N[,N...]  pages per language, one site per size (default 4000,16000;
                    the goals are at 4000 and 16000: other sizes are labelled)
  --langs L         languages of fixed, sections, flat and serve, 1 to 15 (default 4)
  --runs R          runs per tool and size (default 1)
  --serve           the same as --shape serve

The default (every shape at 4000 and 16000 pages, one run) took 14.6
minutes on a 2-core machine with the catalog corpora already written (about
3 more minutes to write them) and writes up to about 20 GB under
target/bench/ (the 16000-page catalog site's build peaks at about 1.2 GiB);
every shape in about 10 minutes: --pages 500,2000.
";

/// The help of a command line: `Some` when it asks for help (`--help`,
/// `-h` or `help`, before any `--`), whatever else it says.
fn help_for(args: &[String]) -> Option<&'static str> {
    let asks = |a: &[String]| {
        a.iter()
            .take_while(|x| *x != "--")
            .any(|x| x == "--help" || x == "-h")
    };
    match args.first().map(String::as_str) {
        None | Some("--help" | "-h" | "help") => Some(USAGE),
        Some(cmd) if asks(&args[1..]) => Some(match cmd {
            "serve" => SERVE_HELP,
            "build" => BUILD_HELP,
            "test" => TEST_HELP,
            "tidy" => TIDY_HELP,
            "bench" => BENCH_HELP,
            _ => USAGE,
        }),
        Some(_) => None,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(help) = help_for(&args) {
        // Asked for: to stdout, success. Not asked for (no command): usage error.
        if args.is_empty() {
            eprint!("{help}");
            return ExitCode::from(2);
        }
        print!("{help}");
        return ExitCode::SUCCESS;
    }
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("build") => build(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("tidy") => tidy::tidy(&args[1..]),
        // Also a check of `tidy` (vendor::verify_yew); `--record` is its own.
        Some("verify-yew") => vendor::command(&args[1..]),
        Some(other) => {
            eprint!("xtask: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
        None => return ExitCode::from(2),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// `cargo test --workspace` as `cargo xtask test` runs it, which lints the
/// workspace's own crates as it compiles them: clippy's driver is cargo's
/// workspace wrapper, as `cargo clippy` sets it, with `-D warnings` in
/// `CLIPPY_ARGS` (the driver's list of arguments, each followed by
/// `__CLIPPY_HACKERY__`: how `cargo clippy` passes them), and the build
/// goes on to code. Dependencies are compiled by rustc as always. So one
/// compile serves the lints and the tests, where `cargo clippy` before it
/// checked every dependency a second time (3 minutes of a fresh run). Every
/// target `cargo clippy --all-targets` lints is built (the workspace has no
/// benches or examples), with site-gen's optional `https` client
/// (`check-served`) in: it is linted and its tests run.
fn cargo_tests() -> Command {
    let mut cmd = cargo();
    cmd.args(["test", "--workspace", "--features", "site-gen/https"])
        .env("RUSTC_WORKSPACE_WRAPPER", clippy_driver())
        .env(
            "CLIPPY_ARGS",
            "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__",
        );
    cmd
}

/// Clippy's driver of the toolchain cargo uses (rustup's `clippy`
/// component; `setup::for_lint` installs it).
fn clippy_driver() -> PathBuf {
    let sysroot = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "sysroot"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if sysroot.is_empty() {
        // rustup's proxy finds the same toolchain.
        return PathBuf::from("clippy-driver");
    }
    Path::new(&sysroot).join("bin/clippy-driver")
}

/// Runs a command, echoing it, and fails if it fails.
fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = shown(cmd);
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

fn checker_dist() -> PathBuf {
    root().join("target/checker-dist")
}

/// How site-gen is compiled for a command.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Profile {
    /// `serve`: `[profile.preview]`, unoptimized, so that the first page
    /// comes soon on a new machine (a fresh compile costs about half the
    /// CPU of release's; the real site builds in about 3 s, not 0.5).
    Preview,
    /// `build`, `bench` and `serve --release`: optimized.
    Release,
    /// `test`: the dev build `cargo test` makes anyway (one compile less;
    /// the output does not depend on the profile).
    Tests,
}

/// Builds site-gen with `profile` and returns its executable.
fn site_gen_binary(profile: Profile) -> Result<PathBuf, String> {
    let mut cmd = cargo();
    match profile {
        Profile::Preview => {
            cmd.args(["build", "--profile", "preview", "--package", "site-gen"]);
        }
        Profile::Release => {
            cmd.args(["build", "--release", "--package", "site-gen"]);
        }
        Profile::Tests => {
            // Exactly what the test step's `cargo test` builds (same
            // features, same lints), so it compiles nothing again.
            cmd = cargo_tests();
            cmd.arg("--no-run");
        }
    }
    cmd.arg("--message-format=json-render-diagnostics")
        .stderr(std::process::Stdio::inherit());
    let shown = shown(&cmd);
    eprintln!("$ {shown}");
    let out = cmd
        .output()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(site_gen_executable)
        .ok_or_else(|| format!("`{shown}` did not say where it put site-gen"))
}

/// The site-gen executable a line of cargo's JSON messages names, if any
/// (the binary itself, not its unit-test harness).
fn site_gen_executable(line: &str) -> Option<PathBuf> {
    if !(line.contains("\"reason\":\"compiler-artifact\"")
        && line.contains("\"kind\":[\"bin\"]")
        && line.contains("\"name\":\"site-gen\"")
        && line.contains("\"test\":false"))
    {
        return None;
    }
    let start = line.find("\"executable\":\"")? + "\"executable\":\"".len();
    let mut path = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(PathBuf::from(path)),
            '\\' => path.push(chars.next()?),
            c => path.push(c),
        }
    }
    None
}

fn site_gen(exe: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.current_dir(root())
        .arg("--root")
        .arg(root())
        .arg("--checker")
        .arg(checker_dist());
    cmd
}

/// The checker's size budget: wasm + JS glue, brotli, in bytes: 100 KB, the
/// target of issue #10 (98.1 KB then; 99.8 KB since the ruby readings, with the core's own binary page
/// data, one Yew component, talc, atob/btoa, no sort or `str::replace` in
/// the wasm, and Yew's size patches in checker-app/vendor: see
/// ARCHITECTURE.md).
const CHECKER_BUDGET: usize = 100_000;

/// The checker's build: trunk (release, `checker` profile, offline) into
/// target/checker-dist.
fn trunk_build() -> Command {
    // Trunk.release.toml: release.html, no sample-data hook; release.html
    // selects the size-tuned `checker` cargo profile.
    let mut cmd = Command::new(setup::cargo_bin().join("trunk"));
    cmd.args([
        "--config",
        "Trunk.release.toml",
        "build",
        "--release",
        "--offline=true",
        "--dist",
    ])
    .arg(checker_dist())
    .current_dir(root().join("checker-app"))
    .env("PATH", setup::tool_path())
    // The wasm keeps the source paths of the registry's crates (where a
    // panic would be reported), and the registry lives under CARGO_HOME:
    // the same code built from another CARGO_HOME was 99,141 B brotli
    // against 99,050 B. Remapped to one name, the checker's bytes do not
    // depend on where cargo keeps its files. The flags of a `--target`
    // build reach only the wasm's crates, not the host's build scripts.
    .env("CARGO_ENCODED_RUSTFLAGS", checker_rustflags());
    cmd
}

/// The cargo build trunk runs for the checker (`trunk_build`; its
/// arguments as trunk 0.21 passes them for checker-app/release.html: the
/// `checker` profile, `hydrate`, the one binary, and the same flags), run
/// ahead so that trunk finds it done (`cargo xtask test` runs it beside
/// the tools' installs). Not `--offline`, which trunk passes: on a new
/// machine the wasm's crates may not be downloaded yet (the native build
/// beside it downloads only its own), and this build fetches them, so
/// trunk's offline build then has them. Being offline is not part of what
/// cargo compares, so trunk finds the build done either way.
fn checker_cargo_build() -> setup::Step {
    let manifest = root().join("checker-app/Cargo.toml");
    let mut cmd = cargo();
    cmd.args([
        "build",
        "--target=wasm32-unknown-unknown",
        "--manifest-path",
    ])
    .arg(&manifest)
    .args([
        "--profile",
        "checker",
        "--bin",
        "checker-app",
        "--features",
        "hydrate",
    ])
    .current_dir(root().join("checker-app"))
    .env("CARGO_ENCODED_RUSTFLAGS", checker_rustflags());
    setup::Step {
        what: "compiling the checker's wasm (cargo, ahead of trunk)".into(),
        usually: "about a minute the first time, seconds when nothing changed",
        cmd,
    }
}

/// `CARGO_ENCODED_RUSTFLAGS` for the checker's build: the caller's own
/// (encoded, or plain `RUSTFLAGS`, which the encoded form would override)
/// plus the registry's path remapped.
fn checker_rustflags() -> String {
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(encoded) if !encoded.is_empty() => encoded.split('\x1f').map(String::from).collect(),
        _ => std::env::var("RUSTFLAGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect(),
    };
    flags.push(format!(
        "--remap-path-prefix={}=/cargo/registry/src",
        setup::cargo_home().join("registry/src").display()
    ));
    flags.join("\x1f")
}

/// Builds the checker with trunk and prints its size.
/// Returns the brotli size of wasm + JS glue.
fn build_checker() -> Result<usize, String> {
    run(&mut trunk_build())?;
    checker_size(true)
}

/// The brotli size of the checker's wasm + JS glue, each file printed
/// when `each`.
fn checker_size(each: bool) -> Result<usize, String> {
    let dist = checker_dist();
    // trunk replaces the folder, so nothing of an earlier build remains.
    let mut total = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dist)
        .map_err(|e| format!("cannot read {}: {e}", dist.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm" || x == "js"))
        .collect();
    entries.sort();
    for path in entries {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let br = brotli_size(&bytes);
        total += br;
        if each {
            eprintln!(
                "checker size: {:<48} {:>8} bytes, {:>7} bytes brotli -q 11",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default(),
                bytes.len(),
                br
            );
        }
    }
    eprintln!(
        "checker size: wasm + JS glue = {total} bytes = {:.1} KB = {:.1} KiB brotli (budget {:.1} KB)",
        total as f64 / 1000.0,
        total as f64 / 1024.0,
        CHECKER_BUDGET as f64 / 1000.0
    );
    Ok(total)
}

fn brotli_size(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out.len(),
        Err(_) => bytes.len(),
    }
}

fn serve(args: &[String]) -> Result<(), String> {
    let (profile, args): (_, Vec<&String>) = if args.iter().any(|a| a == "--release") {
        (
            Profile::Release,
            args.iter().filter(|a| *a != "--release").collect(),
        )
    } else {
        (Profile::Preview, args.iter().collect())
    };
    eprintln!(
        "serve: building site-gen ({}); then the pages are served while the checker builds in \
         the background",
        if profile == Profile::Release {
            "optimized: about 4 to 6 minutes on 2 cores the first time, seconds later"
        } else {
            "unoptimized, to serve soon: about 2 to 3 minutes on 2 cores the first time, seconds \
             later; --release for large sites"
        }
    );
    let exe = site_gen_binary(profile)?;
    let background = background::Checker::start();
    let result = run(site_gen(&exe).arg("serve").args(&args));
    background.stop();
    result
}

fn build(args: &[String]) -> Result<(), String> {
    setup::for_site()?;
    build_checker()?;
    let exe = site_gen_binary(Profile::Release)?;
    let mut cmd = site_gen(&exe);
    cmd.arg("build");
    if !args.iter().any(|a| a == "--out") {
        cmd.arg("--out").arg(root().join("public"));
    }
    run(cmd.args(args))
}

/// How many browser test files run at once, and how many pages at once
/// inside the long walks: `E2E_CONCURRENCY`, or the machine's cores (at
/// least 1, at most 4): on the shared 2-core VM two at a time paid even
/// under other engineers' load (the suite but `budgets`: 440 s one at a
/// time, 351 s two at a time; README, "Tests").
fn e2e_concurrency() -> usize {
    std::env::var("E2E_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .clamp(1, 4)
        })
}

/// The browser suite's test files run side by side, the longest first
/// (`node --test` starts them in this order as places free up, so no long
/// file starts last). The Firefox and WebKit walks are each a file of their
/// own, so a failure names the engine.
const E2E_FILES: &[&str] = &[
    "quality.test.mjs",
    "languages.test.mjs",
    "walkthroughs.test.mjs",
    "firefox.test.mjs",
    "readers.test.mjs",
    "webkit.test.mjs",
    "transfer.test.mjs",
    "offline.test.mjs",
    "print.test.mjs",
];

/// The file run alone after the others: it reports the time to
/// checker-ready, which tests running beside it would slow.
const E2E_ALONE: &str = "budgets.test.mjs";

/// How long each step of `cargo xtask test` took.
#[derive(Default)]
struct Timings {
    steps: Vec<(&'static str, Duration, bool)>,
    /// The time steps ran beside each other ([`Timings::beside`]), not
    /// counted twice in the total.
    overlap: Duration,
}

impl Timings {
    /// Runs one step, timing it.
    fn step<T>(
        &mut self,
        name: &'static str,
        f: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, String> {
        let started = Instant::now();
        let result = f();
        self.steps.push((name, started.elapsed(), result.is_ok()));
        result
    }

    /// Runs two steps at the same time, timing each; both run to the end
    /// whatever the other does.
    fn beside<A: Send, B>(
        &mut self,
        (a_name, a): (&'static str, impl FnOnce() -> Result<A, String> + Send),
        (b_name, b): (&'static str, impl FnOnce() -> Result<B, String>),
    ) -> (Result<A, String>, Result<B, String>) {
        let timed = |f: Box<dyn FnOnce() -> Result<A, String> + Send + '_>| {
            let started = Instant::now();
            let result = f();
            (result, started.elapsed())
        };
        let ((a, a_took), (b, b_took)) = std::thread::scope(|s| {
            let a = s.spawn(|| timed(Box::new(a)));
            let started = Instant::now();
            let b = b();
            let b_took = started.elapsed();
            let a = a
                .join()
                .unwrap_or_else(|_| (Err(format!("{a_name} panicked")), Duration::ZERO));
            (a, (b, b_took))
        });
        self.steps.push((a_name, a_took, a.is_ok()));
        self.steps.push((b_name, b_took, b.is_ok()));
        self.overlap += a_took.min(b_took);
        (a, b)
    }

    fn table(&self) -> String {
        let clock = |d: Duration| {
            // Rounded to tenths first: 359.97 s is 6:00.0, not 5:60.0.
            let s = (d.as_secs_f64() * 10.0).round() / 10.0;
            if s < 60.0 {
                format!("{s:.1} s")
            } else {
                format!("{}:{:04.1}", (s / 60.0).floor(), s % 60.0)
            }
        };
        let mut out = format!("\n{:<22} {:>8}\n", "step", "time");
        for (name, took, ok) in &self.steps {
            out.push_str(&format!(
                "{name:<22} {:>8}{}\n",
                clock(*took),
                if *ok { "" } else { "  failed" }
            ));
        }
        let total = self.steps.iter().map(|(_, d, _)| *d).sum::<Duration>() - self.overlap;
        out.push_str(&format!("{:<22} {:>8}\n", "total", clock(total)));
        out
    }
}

fn test(args: &[String]) -> Result<(), String> {
    let mut timings = Timings::default();
    let result = test_steps(args, &mut timings);
    eprint!("{}", timings.table());
    result
}

fn test_steps(args: &[String], t: &mut Timings) -> Result<(), String> {
    // First: seconds, and what it finds needs no browser to see.
    t.step("tidy", || tidy::tidy(&[]))?;
    t.step("setup (lints)", setup::for_lint)?;
    // On a new machine the checker's tools (trunk, wasm-bindgen-cli,
    // wasm-opt) and the browser suite's (Debian's browsers, npm) install
    // beside the native build: the tools only compile and download, the
    // build waits for nothing of theirs, and the one fills what the other
    // leaves idle of the 2 cores. On a warm machine the first is the
    // checker's build alone. Both run to their end.
    let (checker, exe) = t.beside(
        ("setup + checker build", || {
            setup::for_tests_held(checker_cargo_build(), || {
                setup::run_held(setup::Step {
                    what: "building the checker (trunk: the wasm, wasm-bindgen, wasm-opt)".into(),
                    usually: "about 1 to 2 minutes the first time, seconds when nothing changed",
                    cmd: trunk_build(),
                })?;
                // The budget right after the build, before anything slow.
                within_budget(checker_size(true)?)
            })
        }),
        ("clippy + test build", || {
            // One compile of the native code for everything after, linted
            // as it compiles (`cargo_tests`): the test binaries and the dev
            // site-gen they use, which also checks and builds the site for
            // the browser suite (its output does not depend on the profile:
            // tests/site `checker_pages_do_not_depend_on_the_build_profile`).
            let exe = site_gen_binary(Profile::Tests)?;
            // The browser-only code of the checker, linted for its real
            // target (a check build: the checker's own build must not be
            // compiled by clippy's driver, it is what gets published).
            run(cargo().args([
                "clippy",
                "--package",
                "checker-app",
                "--features",
                "hydrate",
                "--target",
                "wasm32-unknown-unknown",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ]))?;
            Ok(exe)
        }),
    );
    let exe = exe?;
    checker?;
    // The browser suite's site, built once as it is published: the build
    // runs every check of `site-gen check` (a failing check fails here,
    // before the tests run), and the suite's server sends the build's
    // `.br`/`.gz` copies as nginx's `gzip_static` does (the browsers decode
    // the copies themselves).
    let site = root().join("target/e2e-site");
    t.step("check + site build", || {
        run(site_gen(&exe).arg("build").arg("--out").arg(&site))
    })?;
    // The Rust tests run beside the browser files, which leave much of the
    // CPU idle while browsers load and wait; their report is printed whole
    // when they end.
    let jobs = e2e_concurrency();
    let dir = root().join("tests/e2e");
    let (tests, runs) = t.beside(
        ("cargo test", || run_reported(cargo_tests().args(args))),
        ("browser suite", || {
            e2e::run_files(&dir, &site, E2E_FILES, jobs, jobs)
        }),
    );
    let mut runs = runs?;
    t.step("browser timings", || {
        // Alone, after the others (when all passed): it reports the time to
        // checker-ready, which tests running beside it would slow.
        if tests.is_ok() && runs.iter().all(|r| r.ok) {
            runs.extend(e2e::run_files(&dir, &site, &[E2E_ALONE], 1, 1)?);
        }
        let (table, result) = e2e::summary(&runs);
        eprint!("{table}");
        tests.and(result)
    })
}

/// Runs a command, echoing it, with its output held and printed whole when
/// it ends (it runs beside others whose reports would interleave); fails
/// if it fails.
fn run_reported(cmd: &mut Command) -> Result<(), String> {
    eprintln!("$ {} (its report when it ends)", shown(cmd));
    let (shown, out) = held(cmd)?;
    print_report(&shown, &out);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({})", out.status))
    }
}

/// A command as the terminal shows it.
fn shown(cmd: &Command) -> String {
    format!("{cmd:?}").replace('"', "")
}

/// Runs a command with its output held (it runs beside others whose
/// output would interleave): the command as shown, and what it printed.
fn held(cmd: &mut Command) -> Result<(String, std::process::Output), String> {
    let shown = shown(cmd);
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    Ok((shown, out))
}

/// Prints a held command's output whole.
fn print_report(shown: &str, out: &std::process::Output) {
    eprint!(
        "── {shown}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Fails when the checker (wasm + JS glue, brotli, in bytes) is over
/// [`CHECKER_BUDGET`]; `checker_size` has printed the figure.
fn within_budget(size: usize) -> Result<(), String> {
    if size > CHECKER_BUDGET {
        return Err(format!(
            "the checker is {:.1} KB brotli, over its budget of {:.1} KB: see where the bytes \
             go with `twiggy top target/wasm32-unknown-unknown/checker/checker-app.wasm`",
            size as f64 / 1000.0,
            CHECKER_BUDGET as f64 / 1000.0
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkers_cargo_build_is_the_one_trunk_runs_for_release_html() {
        // What release.html asks trunk for, read from its `<link data-trunk
        // rel="rust">`: a change there that the early build does not follow
        // would compile the checker twice.
        let html = std::fs::read_to_string(root().join("checker-app/release.html"))
            .expect("checker-app/release.html");
        let attr = |name: &str| {
            let at = html.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
            html[at..].split('"').next().expect(name).to_string()
        };
        let cmd = checker_cargo_build().cmd;
        let got: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let after = |flag: &str| {
            got.iter()
                .position(|a| a == flag)
                .and_then(|i| got.get(i + 1))
                .cloned()
        };
        assert_eq!(after("--profile"), Some(attr("data-cargo-profile-release")));
        assert_eq!(after("--features"), Some(attr("data-cargo-features")));
        assert_eq!(after("--bin"), Some(attr("data-bin")));
        assert!(got.contains(&"--target=wasm32-unknown-unknown".to_string()));
        // Trunk builds offline; this build fetches what that one needs.
        assert!(!got.contains(&"--offline".to_string()));
        assert!(!html.contains("data-cargo-no-default-features"));
        // The same flags as trunk's build, which `trunk_build` sets.
        let flags = |c: &Command| {
            c.get_envs()
                .find(|(k, _)| *k == "CARGO_ENCODED_RUSTFLAGS")
                .and_then(|(_, v)| v.map(|v| v.to_owned()))
        };
        assert_eq!(flags(&cmd), flags(&trunk_build()));
        assert!(flags(&cmd).is_some());
    }

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn every_command_answers_help_without_running() {
        for (line, help) in [
            ("", USAGE),
            ("--help", USAGE),
            ("-h", USAGE),
            ("help", USAGE),
            ("serve --help", SERVE_HELP),
            ("serve --port 8001 -h", SERVE_HELP),
            ("build -h", BUILD_HELP),
            ("test --help", TEST_HELP),
            ("test some_filter --help", TEST_HELP),
            ("tidy --help", TIDY_HELP),
            ("bench --help", BENCH_HELP),
            ("bench --pages 10 -h", BENCH_HELP),
            ("bench --shape catalog,errors --help", BENCH_HELP),
            ("nonsense --help", USAGE),
        ] {
            assert_eq!(help_for(&args(line)), Some(help), "`cargo xtask {line}`");
        }
        // Not asking for help: the command runs (and `--help` after `--`
        // goes to the test binaries).
        for line in [
            "serve",
            "build --out x",
            "test",
            "test -- --help",
            "bench --serve",
        ] {
            assert_eq!(help_for(&args(line)), None, "`cargo xtask {line}`");
        }
        for help in [SERVE_HELP, BUILD_HELP, TEST_HELP, TIDY_HELP, BENCH_HELP] {
            assert!(help.starts_with("usage: cargo xtask "), "{help}");
        }
    }

    /// The crates the root manifest's `[profile.dev.package]` table builds
    /// at opt-level 0 are exactly those `cargo tree` reaches only through a
    /// proc macro or a build dependency: code the compiler runs, never in
    /// a program or a test (a crate that a program also uses stays
    /// optimized, and a new proc macro does not go unnoticed); and those it
    /// leaves unoptimized on purpose are crates of the programs.
    #[test]
    fn only_the_compilers_crates_are_unoptimized_in_dev() {
        let tree = |edges: &str, features: &[&str]| -> std::collections::BTreeSet<String> {
            let out = cargo()
                .args(["tree", "--workspace", "--target", "all", "--prefix", "none"])
                .args(features)
                .args(["--format", "{p}", "--edges", edges])
                .output()
                .expect("cargo tree runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_whitespace().next().map(String::from))
                .collect()
        };
        let all = tree("normal,build,dev", &[]);
        let in_programs = tree("normal,dev,no-proc-macro", &[]);
        let compilers: std::collections::BTreeSet<String> =
            all.difference(&in_programs).cloned().collect();
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
        let table = manifest
            .split("\n[profile.dev.package]\n")
            .nth(1)
            .expect("Cargo.toml has a [profile.dev.package] table");
        let listed: std::collections::BTreeSet<String> = table
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .map(|l| {
                let (name, settings) = l.split_once(" = ").expect("name = { ... }");
                assert_eq!(settings, "{ opt-level = 0, debug = false }", "{l}");
                name.to_owned()
            })
            .collect();
        assert!(compilers.contains("syn"), "{compilers:?}");
        assert_eq!(
            listed, compilers,
            "Cargo.toml's [profile.dev.package] must list exactly the crates only the \
             compiler runs (left: listed, right: `cargo tree`)"
        );
        // The table's second list: crates of the programs left unoptimized
        // on purpose (no test spends time in them). Each must be one, or
        // it belongs in the first list (or nowhere: a crate gone from the
        // tree).
        let cold: Vec<&str> = table
            .split("\n\n")
            .nth(1)
            .expect("a second list after the compilers' crates")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let (name, settings) = l.split_once(" = ").expect("name = { ... }");
                assert_eq!(settings, "{ opt-level = 0 }", "{l}");
                name
            })
            .collect();
        assert!(cold.contains(&"rustls"), "{cold:?}");
        // With check-served's TLS client, as the tests build site-gen
        // (`cargo_tests`).
        let in_programs = tree(
            "normal,dev,no-proc-macro",
            &["--features", "site-gen/https"],
        );
        for name in cold {
            assert!(
                in_programs.contains(name) && !compilers.contains(name),
                "`{name}` in Cargo.toml's second list of unoptimized crates is not a crate \
                 of the programs"
            );
        }
    }

    #[test]
    fn the_site_gen_executable_is_found_in_cargos_messages() {
        let bin = r#"{"reason":"compiler-artifact","package_id":"path+file:///r/site-gen#0.1.0","target":{"kind":["bin"],"crate_types":["bin"],"name":"site-gen","src_path":"/r/site-gen/src/main.rs"},"profile":{"opt_level":"3","test":false},"features":[],"filenames":["/r/t/release/site-gen"],"executable":"/r/t/release/site-gen","fresh":true}"#;
        assert_eq!(
            site_gen_executable(bin),
            Some(PathBuf::from("/r/t/release/site-gen"))
        );
        // Its unit-test harness, another binary and other messages are not it.
        let harness = bin.replace(r#""test":false"#, r#""test":true"#);
        let other = bin.replace(r#""name":"site-gen""#, r#""name":"xtask""#);
        for line in [
            harness.as_str(),
            other.as_str(),
            r#"{"reason":"build-finished","success":true}"#,
        ] {
            assert_eq!(site_gen_executable(line), None, "{line}");
        }
        // Escapes in the path (a Windows path, a quote).
        let escaped = bin.replace(
            r#""executable":"/r/t/release/site-gen""#,
            r#""executable":"C:\\t\\a\"b\\site-gen.exe""#,
        );
        assert_eq!(
            site_gen_executable(&escaped),
            Some(PathBuf::from("C:\\t\\a\"b\\site-gen.exe"))
        );
    }

    #[test]
    fn the_checker_over_its_budget_fails_the_build_step() {
        assert_eq!(within_budget(CHECKER_BUDGET), Ok(()));
        let over = within_budget(CHECKER_BUDGET + 1).expect_err("over");
        assert!(
            over.starts_with("the checker is 100.0 KB brotli, over its budget of 100.0 KB"),
            "{over}"
        );
    }

    #[test]
    fn the_browser_suite_runs_every_test_file_once() {
        let dir = root().join("tests/e2e");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("tests/e2e")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".test.mjs"))
            .collect();
        on_disk.sort();
        let mut run: Vec<String> = E2E_FILES
            .iter()
            .chain([&E2E_ALONE])
            .map(|f| f.to_string())
            .collect();
        run.sort();
        assert_eq!(
            run, on_disk,
            "E2E_FILES and E2E_ALONE (xtask/src/main.rs) must name each tests/e2e/*.test.mjs once"
        );
    }

    #[test]
    fn steps_beside_each_other_both_run_and_count_once_in_the_total() {
        let mut t = Timings::default();
        let (a, b) = t.beside(
            ("cargo test", || {
                std::thread::sleep(Duration::from_millis(300));
                Err::<(), _>("a test failed".to_string())
            }),
            ("browser suite", || {
                std::thread::sleep(Duration::from_millis(300));
                Ok(7)
            }),
        );
        assert_eq!((a, b), (Err("a test failed".to_string()), Ok(7)));
        let table = t.table();
        let seconds = |step: &str| -> f64 {
            let line = table
                .lines()
                .find(|l| l.starts_with(step))
                .unwrap_or_default();
            let figure = line[step.len()..]
                .split_whitespace()
                .next()
                .unwrap_or_default();
            figure.parse().unwrap_or(f64::NAN)
        };
        assert!(
            table.contains("cargo test") && table.contains("failed"),
            "{table}"
        );
        // Side by side: the total is the longer of the two, not their sum.
        let (a, b) = (seconds("cargo test"), seconds("browser suite"));
        assert!(a >= 0.3 && b >= 0.3, "{table}");
        assert_eq!(seconds("total"), a.max(b), "{table}");
    }

    #[test]
    fn the_timings_table_lists_each_step_and_the_total() {
        let mut t = Timings::default();
        assert_eq!(t.step("setup", || Ok::<_, String>(7)), Ok(7));
        assert!(t.step("fmt", || Err::<(), _>("bad".to_string())).is_err());
        t.steps
            .push(("browser suite", Duration::from_secs(421), true));
        let table = t.table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[1], format!("{:<22} {:>8}", "step", "time"));
        assert!(
            lines[2].starts_with("setup ") && lines[2].ends_with(" s"),
            "{table}"
        );
        assert!(
            lines[3].starts_with("fmt ") && lines[3].ends_with("  failed"),
            "{table}"
        );
        assert_eq!(lines[4], format!("{:<22} {:>8}", "browser suite", "7:01.0"));
        let mut fresh = Timings::default();
        fresh
            .steps
            .push(("setup", Duration::from_secs_f64(359.97), true));
        assert!(
            fresh
                .table()
                .contains(&format!("{:<22} {:>8}", "setup", "6:00.0")),
            "{}",
            fresh.table()
        );
        assert!(
            lines[5].starts_with("total ") && lines[5].contains("7:01"),
            "{table}"
        );
    }
}
