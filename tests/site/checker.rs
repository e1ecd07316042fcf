//! Checker pages: the first screen and the checker's data in the page,
//! external scripts with Subresource Integrity, and pages that do not
//! depend on the profile site-gen was built with. (The real site's
//! checker data: `checker_data.rs`.)

use crate::support::{SiteTest, tree};

#[test]
fn checker_pages_carry_the_first_screen_and_their_data() {
    let out = SiteTest::fixture("i18n").build();
    out.check_file(
        "en/guide/fees/index.html",
        &[
            "<div id=\"madoguchi-checker\" class=\"checker-root\"><!--<[]>-->",
            "<h2 tabindex=\"-1\" id=\"checker-heading\" class=\"question-heading\">Who is making the request?</h2>",
            "<pre hidden id=\"madoguchi-checker-data\" data-procedure=\"apply\">",
        ],
    )
    .check_file(
        "ja/guide/fees/index.html",
        &["どなたが請求しますか。", "<label for=\"q-who\">本人</label>"],
    )
    // Without the built app, no checker script is referenced (only the
    // service worker's registering module).
    .check_absent("en/guide/fees/index.html", &["checker/", "integrity="])
    .check_absent("en/guide/index.html", &["madoguchi-checker"]);
}

#[test]
fn checker_scripts_are_external_with_subresource_integrity() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let site = SiteTest::fixture("i18n");
    // Its glue is `export default function init() {}`, its wasm `\0asm\x01\0\0\0`.
    let out = site.build_with(site.with_stand_in_checker());
    let sri = |bytes: &[u8]| {
        format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
        )
    };
    let page = out.file("en/guide/fees/index.html");
    let glue_sri = sri(b"export default function init() {}");
    assert!(page.contains(&format!(
        "<link rel=\"modulepreload\" href=\"/guide/checker/app-1234.js\" integrity=\"{glue_sri}\">"
    )));
    let boot_name = tree(&site.out().join("checker"))
        .into_keys()
        .find(|k| k.starts_with("boot."))
        .unwrap();
    let boot = out.file(&format!("checker/{boot_name}"));
    assert!(page.contains(&format!(
        "<script type=\"module\" src=\"/guide/checker/{boot_name}\" integrity=\"{}\"></script>",
        sri(boot.as_bytes())
    )));
    assert!(boot.contains(&sri(b"\0asm\x01\0\0\0")), "{boot}");
    assert!(boot.contains("import(\"./app-1234.js\")"), "{boot}");
    // The wasm downloads in parallel with the glue, checked the same way.
    assert!(page.contains(&format!(
        "<link rel=\"preload\" href=\"/guide/checker/app-1234_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" integrity=\"{}\">",
        sri(b"\0asm\x01\0\0\0")
    )), "{page}");
    // The start link near the top and the contents both lead to the checker.
    assert!(
        page.contains("<a class=\"start-link\" href=\"#checker\">"),
        "{page}"
    );
    assert!(page.contains("<section class=\"checker-section\" id=\"checker\""));
    // Before the app runs nothing can be submitted: the form cannot send
    // (method=dialog) and its button is disabled.
    assert!(
        page.contains("method=\"dialog\"") && !page.contains("method=\"get\""),
        "{page}"
    );
    assert!(page.contains("disabled"), "{page}");
    assert!(!site.out().join("checker/index.html").exists());
}

/// Yew writes component names into its markers only with debug
/// assertions: site-gen builds it without, so the pages are the same
/// whether site-gen was built in debug or release.
#[test]
fn checker_pages_do_not_depend_on_the_build_profile() {
    let site = SiteTest::fixture("i18n");
    site.build();
    let page = String::from_utf8(tree(&site.out())["en/guide/fees/index.html"].clone()).unwrap();
    assert!(page.contains("<!--<[]>-->"), "no Yew marker at all");
    assert!(
        !page.contains("<!--<[checker") && !page.contains("<!--</[checker"),
        "a component name in a Yew marker: the output depends on the build profile"
    );
}
