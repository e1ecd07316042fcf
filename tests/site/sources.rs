//! Nothing outside the site is read: a link out of `content/`, `static/`
//! or `templates/`, at any depth, is refused before anything behind it is
//! opened, and no diagnostic quotes a file (or a name) behind it.

use crate::support::SiteTest;

const SECRET: &str = "cio_PLANTED_SECRET_TOKEN_4f1d";

#[test]
fn links_out_of_the_sources_are_refused_and_nothing_behind_them_is_quoted() {
    // A folder outside the site holding secrets (as `~/.cargo` does),
    // with files every source folder would try to read.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("credentials.toml"),
        format!("[registry]\ntoken = \"{SECRET}\"\n"),
    )
    .unwrap();
    std::fs::write(
        outside.path().join("secret-page.ja.md"),
        format!("+++\ntitle = \"{SECRET}\"\n+++\n{SECRET}\n"),
    )
    .unwrap();
    std::fs::write(
        outside.path().join("base.html"),
        format!("{{{{ {SECRET} }}"),
    )
    .unwrap();
    std::fs::create_dir(outside.path().join("deeper-secret-folder")).unwrap();
    std::fs::write(
        outside.path().join("deeper-secret-folder/inner.toml"),
        format!("x = {SECRET}"),
    )
    .unwrap();
    for link in [
        "content/data/c",
        "content/guide/deep/er/c",
        "static/css/c",
        "templates/c",
    ] {
        let site = SiteTest::fixture("i18n");
        let at = site.path(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path(), &at).unwrap();
        for cmd in ["check", "build"] {
            let run = site.run(&[cmd]);
            let said = format!("{}{}", run.stdout(), run.stderr());
            assert!(!run.0.status.success(), "{link} {cmd}: exited 0:\n{said}");
            assert!(
                said.contains(&format!("`{link}` is a symbolic link to")),
                "{link} {cmd}:\n{said}"
            );
            for leaked in [
                SECRET,
                "credentials",
                "secret-page",
                "deeper-secret-folder",
                "inner.toml",
            ] {
                assert!(
                    !said.contains(leaked),
                    "{link} {cmd} quotes {leaked:?}:\n{said}"
                );
            }
        }
        assert!(!site.out().exists(), "{link}: a build was published");
    }
}
