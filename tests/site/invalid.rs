//! Invalid sites: each case of `tests/fixtures/invalid/<case>/` is laid over
//! the `i18n` fixture and must fail clearly, one test per case (named after
//! its folder, `-` as `_`), and keep the previous output.
//!
//! A case's `expect.txt` lists what the error must say (`!text`: must not
//! say; first line `# ordered`: in this order); its `snapshot.txt` is the
//! whole message, compared byte for byte (`SNAPSHOTS=overwrite` rewrites
//! it; review the diff). `every_invalid_fixture_has_a_test` keeps the list
//! below equal to the folders.

use std::collections::BTreeSet;

use crate::support::{SiteTest, assert_snapshot, fixtures, tree};

/// A case's snapshot of what the build says, next to its `expect.txt`.
pub const SNAPSHOT: &str = "snapshot.txt";

/// The day the cases are built on, so that nothing in a message (the age
/// of a check, a date to come) depends on when the tests run.
const TODAY: &str = "2026-11-26";

/// One test per case: `invalid_cases!(broken_link, ...)` tests
/// `tests/fixtures/invalid/broken-link/`.
macro_rules! invalid_cases {
    ($($case:ident),* $(,)?) => {
        /// The cases that have a test, as their folders are named.
        fn listed() -> BTreeSet<String> {
            [$(stringify!($case)),*].iter().map(|c| c.replace('_', "-")).collect()
        }
        $(
            #[test]
            fn $case() {
                fails_clearly_and_keeps_the_previous_output(&stringify!($case).replace('_', "-"));
            }
        )*
    };
}

invalid_cases!(
    bad_procedure,
    bad_source,
    bad_toml,
    base_url_newline,
    broken_anchor,
    broken_data_no_follow_on,
    broken_i18n_other_errors,
    broken_link,
    checker_string_missing,
    dangling_symlink,
    data_uri,
    fact_defined_twice,
    fact_source_title_bidi,
    folder_name_not_a_slug,
    front_matter_no_follow_on,
    glossary_duplicate_term,
    glossary_empty_term,
    heading_attributes,
    i18n_string_bidi,
    implausible_fee,
    impossible_date,
    invalid_utf8,
    javascript_link,
    macro_calls_itself,
    many_errors,
    missing_field,
    missing_template_variable,
    raw_html,
    site_toml_symlink_outside,
    static_collides,
    static_file_symlink_outside,
    static_symlink_to_root,
    template_get_env,
    template_huge_loop,
    template_syntax_error,
    template_includes_itself,
    templates_include_each_other,
    title_invisible_and_controls,
    two_sources_one_url,
    unclosed_comment,
    unknown_fact,
    unknown_key,
    unknown_language,
    unknown_shortcode,
);

/// A folder under `tests/fixtures/invalid/` without a test (or a test
/// without its folder) fails here, naming the line to add or remove.
#[test]
fn every_invalid_fixture_has_a_test() {
    let folders: BTreeSet<String> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for folder in &folders {
        assert!(
            folder
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "tests/fixtures/invalid/{folder}: name a case in lowercase words \
             joined by `-`, so that its test can be named after it"
        );
    }
    let listed = listed();
    let untested: Vec<String> = folders
        .difference(&listed)
        .map(|f| format!("    {},", f.replace('-', "_")))
        .collect();
    assert!(
        untested.is_empty(),
        "cases in tests/fixtures/invalid/ without a test; add to `invalid_cases!` \
         in tests/site/invalid.rs:\n{}",
        untested.join("\n")
    );
    let gone: Vec<&String> = listed.difference(&folders).collect();
    assert!(
        gone.is_empty(),
        "`invalid_cases!` lists cases with no folder in tests/fixtures/invalid/: {gone:?}"
    );
}

/// The case `invalid/<case>`: the build's error says what `expect.txt`
/// lists and a hint on what to do, equals `snapshot.txt`, and leaves the
/// previous output byte for byte with no staging folder; the CLI exits
/// non-zero printing the same error and changes nothing either.
fn fails_clearly_and_keeps_the_previous_output(case: &str) {
    let dir = fixtures().join("invalid").join(case);
    let expect = std::fs::read_to_string(dir.join("expect.txt"))
        .unwrap_or_else(|_| panic!("invalid/{case} needs an expect.txt"));
    let site = SiteTest::fixture("i18n");
    site.build_with(site.on_day(TODAY));
    let before = tree(&site.out());
    let site = site.overlay(&format!("invalid/{case}"));
    let err = match site_gen::build(&site.on_day(TODAY), &site.out()) {
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
    let root = site.root().display().to_string();
    assert_snapshot(&dir.join(SNAPSHOT), &err.replace(&root, "<site>"));
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

    let stderr = site.run(&["--today", TODAY, "build"]).failure();
    assert!(
        stderr.contains(err.trim_end()),
        "invalid/{case}: the CLI does not print the build's error:\n{err}\nCLI:\n{stderr}"
    );
    assert_eq!(
        tree(&site.out()),
        before,
        "invalid/{case}: CLI changed the previous output"
    );
}
