//! Installs what a fresh machine lacks. Every step first looks whether the
//! tool is already there, so running it again costs next to nothing.
//! Versions known to work on these machines (see ARCHITECTURE.md,
//! "Toolchain") are pinned here and only here.

use std::path::PathBuf;
use std::process::{Command, Stdio};

pub const TRUNK: &str = "0.21.14";
/// Must equal the `wasm-bindgen` pinned in checker-app/Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
pub const RUSTUP_COMPONENTS: &[&str] = &["rustfmt", "clippy"];

fn quiet_ok(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn output_of(cmd: &mut Command) -> String {
    cmd.stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// `~/.cargo` (or `CARGO_HOME`): the registry's sources and installed tools.
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// `~/.cargo/bin`, where `cargo install` puts tools.
pub fn cargo_bin() -> PathBuf {
    cargo_home().join("bin")
}

/// Where `npm ci` puts wasm-opt (binaryen; Debian's is too old).
pub fn node_bin() -> PathBuf {
    crate::root().join("checker-app/tools/node_modules/.bin")
}

/// PATH with the installed tools first, so trunk finds them and downloads nothing.
pub fn tool_path() -> String {
    let mut paths = vec![node_bin(), cargo_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One thing to install: what it is, how long it usually takes on 2
/// cores, and the command.
pub struct Step {
    pub what: String,
    pub usually: &'static str,
    pub cmd: Command,
}

/// What building the checker needs and this machine lacks: the wasm
/// target, trunk, wasm-bindgen-cli and wasm-opt, in that order.
pub fn checker_steps() -> Vec<Step> {
    let mut steps: Vec<Step> = wasm_target_step().into_iter().collect();
    let bin = cargo_bin();
    let trunk = output_of(Command::new(bin.join("trunk")).arg("--version"));
    if !trunk.contains(TRUNK) {
        let mut cmd = Command::new("cargo");
        cmd.args(["install", "trunk", "--version", TRUNK, "--locked"])
            // Without its update check (it asks the network for a newer
            // trunk on every run) and without TLS: trunk here only builds,
            // offline, with the tools on PATH (no download, no https
            // serve or proxy), and trunk's code leaves TLS out when no TLS
            // feature is on (rustls, ring's C code and the certificate
            // crates are not compiled).
            .arg("--no-default-features")
            // Compiled without optimizing: trunk only runs cargo,
            // wasm-bindgen and wasm-opt, so its own speed does not show
            // (the checker's build took 10.8-15.3 s with either trunk), and
            // its release profile (fat LTO, one codegen unit, opt-level 3)
            // cost 764 s of CPU and 22 minutes against 312 s and 5.6
            // minutes (2-core VM, load 3-5). The checker it builds is byte
            // for byte the same.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            // cargo's own temporary folder, not the project's (whose lock
            // the site's builds hold).
            .env_remove("CARGO_TARGET_DIR");
        steps.push(Step {
            what: format!("installing trunk {TRUNK}"),
            usually: "about 3 to 6 minutes on 2 cores, once",
            cmd,
        });
    }
    let bindgen = output_of(Command::new(bin.join("wasm-bindgen")).arg("--version"));
    if !bindgen.contains(WASM_BINDGEN) {
        let mut cmd = Command::new("cargo");
        // Not --locked: its lock file names a webpki-roots release that is gone.
        cmd.args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN,
            "--force",
            // Only the tool trunk runs, not the test runner or wasm2es6js.
            "--bin",
            "wasm-bindgen",
            // Without TLS (its default feature, for the test runner's
            // downloads): ring's C code and rustls are not compiled. 81 s
            // of CPU against 96 s (2-core VM, load 4-5); the checker it
            // builds is byte for byte the same.
            "--no-default-features",
        ])
        // Compiled without optimizing, as trunk: it reads and writes a
        // wasm file of a few hundred KB once a build.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env_remove("CARGO_TARGET_DIR");
        steps.push(Step {
            what: format!("installing wasm-bindgen-cli {WASM_BINDGEN}"),
            usually: "about 2 minutes, once",
            cmd,
        });
    }
    if !quiet_ok(Command::new(node_bin().join("wasm-opt")).arg("--version")) {
        let mut cmd = Command::new("npm");
        cmd.args(["ci", "--no-audit", "--no-fund"])
            .current_dir(crate::root().join("checker-app/tools"));
        steps.push(Step {
            what: "installing wasm-opt (npm binaryen, pinned in checker-app/tools)".into(),
            usually: "under a minute",
            cmd,
        });
    }
    steps
}

/// The wasm target, if this toolchain lacks it.
fn wasm_target_step() -> Option<Step> {
    let targets = output_of(Command::new("rustup").args(["target", "list", "--installed"]));
    if targets
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return None;
    }
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", "wasm32-unknown-unknown"]);
    Some(Step {
        what: "adding the wasm32-unknown-unknown target".into(),
        usually: "under a minute",
        cmd,
    })
}

/// What building the site needs: the wasm toolchain for the checker,
/// installed here and now (`cargo xtask build`; `serve` runs
/// [`checker_steps`] in the background, `test` beside its native build).
pub fn for_site() -> Result<(), String> {
    for mut step in checker_steps() {
        eprintln!("setup: {} ({})", step.what, step.usually);
        crate::run(&mut step.cmd)?;
    }
    Ok(())
}

/// What `cargo xtask test` lints with, in seconds: rustfmt, clippy, and the
/// wasm target (clippy checks the checker's browser code for it).
pub fn for_lint() -> Result<(), String> {
    for component in RUSTUP_COMPONENTS {
        let present = quiet_ok(Command::new("cargo").args([
            if *component == "rustfmt" {
                "fmt"
            } else {
                "clippy"
            },
            "--version",
        ]));
        if !present {
            eprintln!("setup: installing the rustup component {component}");
            crate::run(Command::new("rustup").args(["component", "add", component]))?;
        }
    }
    if let Some(mut step) = wasm_target_step() {
        eprintln!("setup: {} ({})", step.what, step.usually);
        crate::run(&mut step.cmd)?;
    }
    Ok(())
}

/// What the tests need beyond [`for_lint`], each step's output held and
/// shown whole only when it fails (the native build runs beside and prints
/// its own). Three threads: the checker's tools, then `then` (the
/// checker's build); the browser suite's packages (downloads and
/// unpacking, mostly); and `early`, the checker's own cargo build, which
/// trunk then finds done (its last step, fat LTO, uses one core: here it
/// runs while the installs keep the other busy). `then` starts as soon as
/// the tools and `early` are there, not after the browsers. All run to
/// their end; on a warm machine there is nothing to install and the rest
/// takes seconds.
pub fn for_tests_held<T>(
    early: Step,
    then: impl FnOnce() -> Result<T, String>,
) -> Result<T, String> {
    std::thread::scope(|s| {
        let joined = |r: std::thread::Result<Result<(), String>>, what: &str| {
            r.unwrap_or_else(|_| Err(format!("{what} panicked")))
        };
        let browsers = s.spawn(|| e2e_steps().into_iter().try_for_each(run_held));
        let early = s.spawn(|| run_held(early));
        let checker = checker_steps()
            .into_iter()
            .try_for_each(run_held)
            .and_then(|()| joined(early.join(), "the checker's cargo build"))
            .and_then(|()| then());
        let browsers = joined(browsers.join(), "installing the browser suite's packages");
        match (checker, browsers) {
            (Ok(t), Ok(())) => Ok(t),
            (Err(e), Ok(())) | (Ok(_), Err(e)) => Err(e),
            (Err(a), Err(b)) => Err(format!("{a}\n{b}")),
        }
    })
}

/// Runs a step with its output held: a line when it starts and when it
/// ends, the output whole only if it fails.
pub fn run_held(step: Step) -> Result<(), String> {
    let Step {
        what,
        usually,
        mut cmd,
    } = step;
    eprintln!("setup: {what} ({usually}; beside the build, its output held)");
    let started = std::time::Instant::now();
    let (shown, out) = crate::held(&mut cmd).map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        eprintln!(
            "setup: {what}: done in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        crate::print_report(&shown, &out);
        Err(format!("{what}: `{shown}` failed ({})", out.status))
    }
}

/// Debian packages the browser suite needs, each with a command that shows
/// it is there.
const E2E_PACKAGES: &[(&str, &str, &[&str])] = &[
    ("chromium", "chromium", &["--version"]),
    // The other two engines the walks run in: Firefox ESR (driven over
    // WebDriver BiDi) and WebKitGTK's WebDriver server, whose MiniBrowser
    // needs an X display: Xvfb.
    ("firefox-esr", "firefox-esr", &["--version"]),
    ("webkit2gtk-driver", "WebKitWebDriver", &["--help"]),
    ("xvfb", "Xvfb", &["-help"]),
    ("fonts-noto-cjk", "fc-list", &[":lang=ja", "family"]),
    ("poppler-utils", "pdftotext", &["-v"]),
    ("default-jre-headless", "java", &["-version"]),
    // msgcat and msgfmt: the catalogs must come out of gettext's own tools
    // unchanged and pass `msgfmt --check` (tests/site/catalogs.rs).
    ("gettext", "msgcat", &["--version"]),
    ("gettext", "msgfmt", &["--version"]),
];

fn present(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && !(o.stdout.is_empty() && cmd == "fc-list"))
}

/// What the tests need: Chromium, Firefox ESR, WebKitGTK's WebDriver and
/// Xvfb, Japanese fonts, poppler, Java (for vnu) and gettext from Debian,
/// and the npm packages pinned in tests/e2e.
pub fn e2e_steps() -> Vec<Step> {
    let mut steps = Vec::new();
    let mut missing: Vec<&str> = E2E_PACKAGES
        .iter()
        .filter(|(_, cmd, args)| !present(cmd, args))
        .map(|(pkg, _, _)| *pkg)
        .collect();
    missing.dedup();
    if !missing.is_empty() {
        let mut update = Command::new("apt-get");
        update.args(["update", "-qq"]);
        steps.push(Step {
            what: "reading Debian's package lists".into(),
            usually: "seconds",
            cmd: update,
        });
        let mut install = Command::new("apt-get");
        install
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive");
        steps.push(Step {
            what: format!("installing {} (Debian)", missing.join(", ")),
            usually: "1 to 3 minutes, once",
            cmd: install,
        });
    }
    let e2e = crate::root().join("tests/e2e");
    if !e2e.join("node_modules/playwright-core").is_dir()
        || !e2e.join("node_modules/vnu-jar").is_dir()
        || !e2e.join("node_modules/@axe-core/playwright").is_dir()
        || !e2e.join("node_modules/puppeteer-core").is_dir()
        || !e2e.join("node_modules/selenium-webdriver").is_dir()
    {
        let mut cmd = Command::new("npm");
        cmd.args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&e2e);
        steps.push(Step {
            what: "installing the browser suite's npm packages (tests/e2e)".into(),
            usually: "under a minute, once",
            cmd,
        });
    }
    steps
}
