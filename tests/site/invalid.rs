//! Invalid sites: each case of `tests/fixtures/invalid/` fails clearly and
//! keeps the previous output.

use std::process::Command;

use crate::support::{SiteTest, fixtures, tree};

/// A case's snapshot of what the build says, next to its `expect.txt`.
pub const SNAPSHOT: &str = "snapshot.txt";

/// Each invalid fixture: its error names file:line:col and the problem, the
/// CLI exits non-zero, and the previous output is left byte for byte.
#[test]
fn invalid_fixtures_fail_clearly_and_keep_the_previous_output() {
    let cases: Vec<String> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(cases.len() >= 7, "{cases:?}");
    for case in cases {
        let expect =
            std::fs::read_to_string(fixtures().join("invalid").join(&case).join("expect.txt"))
                .unwrap_or_else(|_| panic!("invalid/{case} needs an expect.txt"));
        let site = SiteTest::fixture("i18n");
        site.build();
        let before = tree(&site.out());
        let site = site.overlay(&format!("invalid/{case}"));
        let err = match site.try_build() {
            Ok(_) => panic!("invalid/{case} built without error"),
            Err(e) => e.render_plain(),
        };
        // `!text`: must not appear; `# ordered`: the lines appear in this order.
        let ordered = expect.lines().next() == Some("# ordered");
        let mut from = 0;
        for line in expect
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("# "))
        {
            if let Some(absent) = line.strip_prefix('!') {
                assert!(
                    !err.contains(absent),
                    "invalid/{case}: error should not say {absent:?}:\n{err}"
                );
                continue;
            }
            let at = if ordered {
                err[from..].find(line).map(|i| from + i)
            } else {
                err.find(line)
            };
            let Some(at) = at else {
                panic!("invalid/{case}: error lacks {line:?} (in order: {ordered}):\n{err}");
            };
            from = at + line.len();
        }
        assert!(
            err.contains("help:"),
            "invalid/{case}: no hint on what to do:\n{err}"
        );
        assert_eq!(
            tree(&site.out()),
            before,
            "invalid/{case} changed the previous output"
        );
        let leftovers: Vec<_> = std::fs::read_dir(site.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public"))
            .collect();
        assert!(leftovers.is_empty(), "invalid/{case} left {leftovers:?}");

        let cli = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .args(["--root"])
            .arg(site.root())
            .arg("build")
            .output()
            .unwrap();
        assert!(!cli.status.success(), "invalid/{case}: CLI exited 0");
        let stderr = String::from_utf8_lossy(&cli.stderr);
        let first = expect
            .lines()
            .find(|l| !l.starts_with("# ") && !l.starts_with('!'))
            .unwrap_or_default();
        assert!(
            stderr.contains(first),
            "invalid/{case}: CLI stderr lacks {first:?}:\n{stderr}"
        );
        assert_eq!(
            tree(&site.out()),
            before,
            "invalid/{case}: CLI changed the previous output"
        );
    }
}
