//! The strict Content Security Policy: every page carries it, and nothing
//! in a page needs `'unsafe-inline'`: no `<script>` without `src` (whatever
//! its other attributes), no script inside one with `src`, no inline event
//! handler (`onclick=`…), no `javascript:` URL, no `style` attribute or
//! `<style>` element.

use crate::support::{SiteTest, tree};

/// The policy each page's `<meta>` carries, as written in the page.
const CSP: &str = "content=\"default-src &#39;self&#39;; script-src &#39;self&#39; \
    &#39;wasm-unsafe-eval&#39;; object-src &#39;none&#39;; base-uri &#39;none&#39;\"";

/// What in `html` the strict CSP would block or that would need
/// `'unsafe-inline'`, each with its line.
fn inline_code(html: &str) -> Vec<String> {
    // ASCII lowercasing keeps every byte offset.
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let line = |at: usize| lower[..at].matches('\n').count() + 1;
    let mut problems = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find('<') {
        let start = at + found;
        at = start + 1;
        if lower[at..].starts_with("!--") {
            at = lower[at..]
                .find("-->")
                .map_or(lower.len(), |end| at + end + 3);
            continue;
        }
        let name_len = lower[at..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(lower.len() - at);
        if name_len == 0 {
            continue; // `</…>`, `<!DOCTYPE …>` or a stray `<`
        }
        let name = &lower[at..at + name_len];
        at += name_len;
        // The attributes, up to the tag's `>` (quoted values may hold `>`).
        let mut attributes = Vec::new();
        loop {
            while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
                at += 1;
            }
            if at >= bytes.len() || bytes[at] == b'>' {
                at += 1;
                break;
            }
            let name_end = lower[at..]
                .find(|c: char| c.is_ascii_whitespace() || "=>/".contains(c))
                .map_or(lower.len(), |n| at + n);
            let attribute = &lower[at..name_end];
            at = name_end;
            let mut value = "";
            if bytes.get(at) == Some(&b'=') {
                at += 1;
                let end = match bytes.get(at) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        at += 1;
                        lower[at..]
                            .find(quote as char)
                            .map_or(lower.len(), |n| at + n)
                    }
                    _ => lower[at..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(lower.len(), |n| at + n),
                };
                value = &lower[at..end];
                at = (end + 1).min(lower.len());
                if bytes.get(end) == Some(&b'>') {
                    at = end;
                }
            }
            attributes.push((attribute, value));
        }
        let at_line = line(start);
        for (attribute, value) in &attributes {
            if attribute.len() > 2 && attribute.starts_with("on") {
                problems.push(format!(
                    "line {at_line}: <{name} {attribute}=…>, an inline event handler"
                ));
            }
            if *attribute == "style" {
                problems.push(format!("line {at_line}: <{name} style=…>, an inline style"));
            }
            if value.trim_start().starts_with("javascript:") {
                problems.push(format!(
                    "line {at_line}: <{name} {attribute}=\"javascript:…\">"
                ));
            }
        }
        if name == "script" || name == "style" {
            // Raw text up to the closing tag: nothing in it is a tag.
            let end = lower[at..]
                .find(&format!("</{name}"))
                .map_or(lower.len(), |n| at + n);
            let content = lower[at.min(end)..end].trim();
            if name == "style" {
                problems.push(format!("line {at_line}: a <style> element"));
            } else if !attributes.iter().any(|(a, _)| *a == "src") {
                problems.push(format!(
                    "line {at_line}: a <script> without `src`, an inline script"
                ));
            } else if !content.is_empty() {
                problems.push(format!(
                    "line {at_line}: a <script src> with a script inside"
                ));
            }
            at = end;
        }
    }
    problems
}

#[test]
fn inline_code_finds_each_kind_and_passes_external_scripts() {
    let page = "<!DOCTYPE html>\n<html lang=\"en\"><head>\
        <script type=\"module\" src=\"/boot.js\" integrity=\"sha384-x\"></script>\
        <link rel=\"modulepreload\" href=\"/app.js\">\n\
        <!-- <script>not code</script> --></head>\n\
        <body><p title=\"a > b\">onclick=\"text, not an attribute\" 1 &lt; 2</p></body></html>\n";
    assert_eq!(inline_code(page), Vec::<String>::new());
    for (planted, said) in [
        ("<script>alert(1)</script>", "a <script> without `src`"),
        (
            "<script type=\"module\">import('/x.js')</script>",
            "a <script> without `src`",
        ),
        (
            "<SCRIPT\nTYPE=module>x()</SCRIPT>",
            "a <script> without `src`",
        ),
        (
            "<script src=\"/a.js\">x()</script>",
            "a <script src> with a script inside",
        ),
        ("<button type=button onclick=\"x()\">", "<button onclick=…>"),
        ("<img src=x ONERROR='x()'>", "<img onerror=…>"),
        ("<a href=\" javascript:x()\">", "<a href=\"javascript:…\">"),
        ("<p style=\"color:red\">", "<p style=…>"),
        ("<style>p{}</style>", "a <style> element"),
    ] {
        let found = inline_code(&page.replace("<body>", &format!("<body>\n{planted}")));
        assert!(
            found.len() == 1 && found[0].starts_with("line 5: ") && found[0].contains(said),
            "{planted}: {found:?}"
        );
    }
}

/// The pages of a build with the checker (a stand-in for trunk's output),
/// so the checker's scripts are among those checked.
fn pages_with_the_checker(site: &SiteTest) -> Vec<(String, String)> {
    site.build_with(site.with_stand_in_checker());
    tree(&site.out())
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn every_page_has_the_strict_csp_and_no_inline_script() {
    let pages = pages_with_the_checker(&SiteTest::fixture("i18n"));
    assert!(
        pages
            .iter()
            .any(|(_, html)| html.contains("<script type=\"module\" src=\"/guide/checker/boot.")),
        "no page has the checker's scripts"
    );
    for (rel, html) in pages {
        assert!(html.contains(CSP), "{rel} lacks the CSP");
        assert_eq!(inline_code(&html), Vec::<String>::new(), "{rel}");
    }
}

/// A site template with an inline module script and an event handler: the
/// check names both (the old `!contains("<script>")` let them through).
#[test]
fn a_planted_inline_script_is_found() {
    let site = SiteTest::fixture("i18n");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p>{{ page.title }}</p>\n\
         <script type=\"module\">document.title = \"x\";</script>\n\
         <button type=\"button\" onclick=\"history.back()\">Back</button>{% endblock main %}",
    );
    let pages = pages_with_the_checker(&site);
    let (_, fees) = pages
        .iter()
        .find(|(rel, _)| rel == "en/guide/fees/index.html")
        .unwrap();
    assert!(!fees.contains("<script>"), "the old check would pass it");
    let found = inline_code(fees);
    assert!(
        found.len() == 2
            && found[0].contains("a <script> without `src`")
            && found[1].contains("<button onclick=…>"),
        "{found:?}"
    );
}
