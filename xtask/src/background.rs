//! `cargo xtask serve`'s background job: while site-gen already serves the
//! guidance pages, install what the checker needs (the wasm target, trunk,
//! wasm-bindgen-cli, wasm-opt: only what is missing) and build it with
//! trunk into target/checker-dist, which `site-gen serve` watches (checker
//! pages show the blank form and a line saying the checker is being built
//! until it is there, then reload). The tools' own output goes to
//! target/checker-build.log; the terminal gets a line when each step starts,
//! a progress line every 30 seconds, and one when the checker is ready or
//! a step failed.

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::setup::{self, Step};

/// How often a running step says it is still running.
const PROGRESS_EVERY: Duration = Duration::from_secs(30);

#[derive(Default)]
struct Running {
    stopped: bool,
    child: Option<Child>,
}

/// The background job; [`Checker::stop`] ends it (and its running step).
pub struct Checker {
    running: Arc<Mutex<Running>>,
}

fn log_path() -> PathBuf {
    crate::root().join("target/checker-build.log")
}

/// `m:ss`.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

impl Checker {
    /// Starts installing and building in a thread of its own.
    pub fn start() -> Checker {
        let running = Arc::new(Mutex::new(Running::default()));
        let shared = Arc::clone(&running);
        std::thread::spawn(move || {
            let started = Instant::now();
            match job(&shared) {
                Ok(true) => {
                    if let Ok(size) = crate::checker_size(false)
                        && size > crate::CHECKER_BUDGET
                    {
                        eprintln!("checker: over its size budget (`cargo xtask test` fails)");
                    }
                    eprintln!(
                        "checker: ready after {}; open checker pages reload by themselves",
                        clock(started.elapsed())
                    );
                }
                Ok(false) => {}
                Err(e) => eprintln!(
                    "checker: {e}\n  the pages are still served; checker pages keep the blank \
                     form. Fix it and run `cargo xtask serve` again (the full output: {})",
                    log_path().display()
                ),
            }
        });
        Checker { running }
    }

    /// Stops the job: the running step is killed, no other starts.
    pub fn stop(self) {
        if let Ok(mut r) = self.running.lock() {
            r.stopped = true;
            if let Some(child) = r.child.as_mut() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// Runs every step; `Ok(false)` when stopped.
fn job(running: &Arc<Mutex<Running>>) -> Result<bool, String> {
    let log = log_path();
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = File::create(&log).map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let mut steps = setup::checker_steps();
    steps.push(Step {
        what: "building the checker (trunk: the wasm, wasm-bindgen, wasm-opt)".into(),
        usually: "about 2 to 4 minutes on 2 cores the first time, seconds when nothing changed",
        cmd: crate::trunk_build(),
    });
    let n = steps.len();
    for (i, step) in steps.into_iter().enumerate() {
        eprintln!(
            "checker {}/{n}: {} ({}); the pages are served meanwhile (log: {})",
            i + 1,
            step.what,
            step.usually,
            log.display()
        );
        if !run_logged(step, &file, running)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The last line of the log, shortened: what the tool is doing now.
fn last_line() -> String {
    let text = std::fs::read(log_path()).unwrap_or_default();
    let text = String::from_utf8_lossy(&text[text.len().saturating_sub(4096)..]).into_owned();
    let line = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars().take(70).collect()
}

/// Runs one step with its output in the log; `Ok(false)` when stopped.
fn run_logged(step: Step, log: &File, running: &Arc<Mutex<Running>>) -> Result<bool, String> {
    let Step {
        what,
        usually,
        mut cmd,
    } = step;
    let out = log.try_clone().map_err(|e| e.to_string())?;
    let err = log.try_clone().map_err(|e| e.to_string())?;
    let shown = crate::shown(&cmd);
    {
        let Ok(mut r) = running.lock() else {
            return Ok(false);
        };
        if r.stopped {
            return Ok(false);
        }
        let child =
            spawn(&mut cmd, out, err).map_err(|e| format!("cannot start `{shown}`: {e}"))?;
        r.child = Some(child);
    }
    let started = Instant::now();
    let mut told = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let Ok(mut r) = running.lock() else {
            return Ok(false);
        };
        if r.stopped {
            return Ok(false);
        }
        let Some(child) = r.child.as_mut() else {
            return Ok(false);
        };
        match child.try_wait() {
            Ok(Some(status)) => {
                r.child = None;
                return if status.success() {
                    Ok(true)
                } else {
                    Err(format!("{what}: `{shown}` failed ({status})"))
                };
            }
            Ok(None) => {}
            Err(e) => return Err(format!("{what}: {e}")),
        }
        drop(r);
        if told.elapsed() >= PROGRESS_EVERY {
            told = Instant::now();
            eprintln!(
                "checker: {what}: {} so far ({usually}); now: {}",
                clock(started.elapsed()),
                last_line()
            );
        }
    }
}

fn spawn(cmd: &mut Command, out: File, err: File) -> std::io::Result<Child> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
}
