//! The browser suite's runner for `cargo xtask test`: its test files run
//! `jobs` at a time, each in a `node --test` of its own, in the order
//! given (node's own runner sorts the files it is given by name, so the
//! longest could start last), each file's report printed whole when the
//! file ends, then the time each file took.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How one file went.
pub struct FileRun {
    pub file: String,
    pub took: Duration,
    pub ok: bool,
}

/// Runs `files` (in `dir`, against the built site `site`) `jobs` at a
/// time, in the order given; every file runs, also after a failure.
/// `pages` goes to the tests as `E2E_CONCURRENCY` (how many pages the long
/// walks check at once). Returns each file's run, in the order given.
pub fn run_files(
    dir: &Path,
    site: &Path,
    files: &[&str],
    jobs: usize,
    pages: usize,
) -> Result<Vec<FileRun>, String> {
    eprintln!(
        "$ cd {} && SITE_DIR={} E2E_CONCURRENCY={pages} node --test --test-reporter=spec FILE \
         ({} files, {jobs} at a time: {})",
        dir.display(),
        site.display(),
        files.len(),
        files.join(" ")
    );
    let next = Mutex::new(0usize);
    let done: Mutex<Vec<(usize, Result<FileRun, String>)>> = Mutex::new(Vec::new());
    // One printer at a time, so reports do not interleave.
    let print = Mutex::new(());
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, files.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(file) = files.get(i) else { break };
                    let result = run_file(dir, site, file, pages);
                    if let Ok((run, report)) = &result {
                        let _guard = print.lock().unwrap_or_else(|e| e.into_inner());
                        eprint!("{report}");
                        eprintln!(
                            "── {file}: {} in {:.1} s",
                            if run.ok { "ok" } else { "FAILED" },
                            run.took.as_secs_f64()
                        );
                    }
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, result.map(|(run, _)| run)));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Runs one test file; its report (stdout and stderr, in that order) is
/// returned to be printed whole.
fn run_file(
    dir: &Path,
    site: &Path,
    file: &str,
    pages: usize,
) -> Result<(FileRun, String), String> {
    let started = Instant::now();
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", file])
        .current_dir(dir)
        .env("SITE_DIR", site)
        .env("E2E_CONCURRENCY", pages.to_string())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            format!(
                "cannot start `node --test {file}` in {}: {e}",
                dir.display()
            )
        })?;
    let mut report = String::from_utf8_lossy(&out.stdout).into_owned();
    report.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok((
        FileRun {
            file: file.to_string(),
            took: started.elapsed(),
            ok: out.status.success(),
        },
        report,
    ))
}

/// The table of each file's time, longest first, and the files that
/// failed (an error naming them, or `Ok`).
pub fn summary(runs: &[FileRun]) -> (String, Result<(), String>) {
    let mut sorted: Vec<&FileRun> = runs.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.took));
    let mut table = String::from("\nbrowser suite file        time\n");
    for r in sorted {
        table.push_str(&format!(
            "{:<24} {:>6.1} s{}\n",
            r.file,
            r.took.as_secs_f64(),
            if r.ok { "" } else { "  failed" }
        ));
    }
    let failed: Vec<&str> = runs
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.file.as_str())
        .collect();
    let result = if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "browser tests failed in {} (their reports are above; one alone: cd tests/e2e && \
             SITE_DIR=../../target/e2e-site node --test FILE)",
            failed.join(", ")
        ))
    };
    (table, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_lists_files_longest_first_and_names_each_failure() {
        let run = |file: &str, secs: u64, ok: bool| FileRun {
            file: file.into(),
            took: Duration::from_secs(secs),
            ok,
        };
        let (table, result) = summary(&[
            run("a.test.mjs", 5, true),
            run("b.test.mjs", 70, false),
            run("c.test.mjs", 12, true),
            run("d.test.mjs", 1, false),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[1], "browser suite file        time");
        assert_eq!(lines[2], "b.test.mjs                 70.0 s  failed");
        assert_eq!(lines[3], "c.test.mjs                 12.0 s");
        assert_eq!(lines[5], "d.test.mjs                  1.0 s  failed");
        let err = result.expect_err("two failed");
        assert!(
            err.starts_with("browser tests failed in b.test.mjs, d.test.mjs "),
            "{err}"
        );
        assert_eq!(summary(&[run("a.test.mjs", 5, true)]).1, Ok(()));
    }

    #[test]
    fn every_file_runs_in_the_order_given_and_a_failure_stops_none() {
        // `node` itself: a file that passes, one that fails, one missing.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("pass.test.mjs"),
            "import { test } from 'node:test';\ntest('passes', () => {});\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("fail.test.mjs"),
            "import { test } from 'node:test';\nimport assert from 'node:assert';\n\
             test('fails', () => assert.equal(process.env.E2E_CONCURRENCY, 'x'));\n",
        )
        .expect("write");
        let files = ["fail.test.mjs", "pass.test.mjs", "missing.test.mjs"];
        let runs = run_files(dir.path(), dir.path(), &files, 2, 3).expect("node runs");
        let got: Vec<(&str, bool)> = runs.iter().map(|r| (r.file.as_str(), r.ok)).collect();
        assert_eq!(
            got,
            [
                ("fail.test.mjs", false),
                ("pass.test.mjs", true),
                ("missing.test.mjs", false)
            ]
        );
    }
}
