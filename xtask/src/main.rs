//! `cargo xtask`: the project's own commands. Each one first installs what
//! is missing on a fresh machine, then does its job.
//!
//! - `cargo xtask serve [--port N]`: build and serve the site, rebuild on change.
//! - `cargo xtask build [--out DIR]`: build the site into `public/` (or DIR).
//! - `cargo xtask test`: formatting, lints, every test, and a check of the real site.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod setup;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("build") => build(&args[1..]),
        Some("test") => test(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 serve [--port N]   build the site, serve it on 127.0.0.1 and rebuild on change\n  \
                 build [--out DIR]  build the site into public/ (or DIR)\n  \
                 test               check formatting and lints, run every test"
            );
            return ExitCode::from(2);
        }
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

/// Runs a command, echoing it, and fails if it fails.
fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}").replace('"', "");
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

fn site_gen() -> Command {
    let mut cmd = cargo();
    cmd.args(["run", "--quiet", "--package", "site-gen", "--"])
        .arg("--root")
        .arg(root());
    cmd
}

fn serve(args: &[String]) -> Result<(), String> {
    setup::for_site()?;
    run(site_gen().arg("serve").args(args))
}

fn build(args: &[String]) -> Result<(), String> {
    setup::for_site()?;
    let mut cmd = site_gen();
    cmd.arg("build");
    if !args.iter().any(|a| a == "--out") {
        cmd.arg("--out").arg(root().join("public"));
    }
    run(cmd.args(args))
}

fn test(args: &[String]) -> Result<(), String> {
    setup::for_tests()?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))
        .map_err(|e| format!("{e}: run `cargo fmt --all` and commit"))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(site_gen().arg("check"))?;
    run(cargo().args(["test", "--workspace"]).args(args))
}
