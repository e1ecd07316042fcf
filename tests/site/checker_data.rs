//! The data a checker page of the real site hands the wasm, read back by the
//! same decoding the wasm runs (`Prepared::decode`, natively): each text in
//! one language (Japanese where untranslated or printed on the form), only
//! the facts its procedure uses, and a first screen the app renders
//! exactly as the server did (so hydration finds it).

use std::collections::BTreeSet;
use std::path::Path;

use madoguchi_rules::{FactValue, fact_references};
use site_gen::Options;

/// The text between `open` and the next `close` in `html`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = html.find(open)? + open.len();
    let end = start + html[start..].find(close)?;
    Some(&html[start..end])
}

#[test]
fn real_checker_pages_carry_their_language_and_the_facts_they_use() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = site_gen::generate(&Options::new(&real)).unwrap();
    let open = format!(
        "<pre hidden id=\"{}\" data-procedure=\"",
        checker_app::DATA_ELEMENT_ID
    );
    let mut pages = 0;
    let mut langs = BTreeSet::new();
    for (path, bytes) in &built.files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = std::str::from_utf8(bytes).unwrap();
        let Some(data) = between(html, &open, "</pre>") else {
            continue;
        };
        pages += 1;
        let (id, text) = data.split_once("\">").unwrap();
        let lang = path.split('/').next().unwrap();
        langs.insert(lang.to_string());
        let prepared = checker_app::Prepared::decode(text)
            .unwrap_or_else(|e| panic!("{path}: the wasm would not read its data: {e}"));
        // Read back whole: written again, it is the same text.
        assert_eq!(prepared.raw.encode().unwrap(), text.trim(), "{path}");
        let procedure = prepared.procedure();
        assert_eq!(procedure.id.get_ref(), id, "{path}");
        assert_eq!(prepared.lang(), lang, "{path}");
        let html_lang = between(html, "<html lang=\"", "\"").unwrap();
        assert_eq!(prepared.html_lang(), html_lang, "{path}");
        // The facts the procedure refers to, and no other.
        let used: BTreeSet<String> = fact_references(procedure)
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let carried: BTreeSet<String> = prepared.facts().facts.keys().cloned().collect();
        assert_eq!(carried, used, "{path}");
        // Texts in the page's language and Japanese only (the procedure's
        // texts and the facts'), and the page's date format.
        let keep = |l: &str| l == lang || l == "ja";
        for (key, fact) in &prepared.facts().facts {
            if let FactValue::Text(t) = &fact.value {
                assert!(t.keys().all(|l| keep(l)), "{path}: {key} in {t:?}");
                assert!(t.contains_key("ja"), "{path}: {key}");
            }
        }
        // A procedure text in one language, the page's where translated;
        // option labels with their Japanese too (the form prints it).
        let mut copy = procedure.clone();
        let mut translated = 0;
        madoguchi_rules::texts_mut(&mut copy, |at, t| {
            let langs: Vec<&str> = t.get_ref().keys().map(String::as_str).collect();
            if at.contains(".options.") && at.ends_with(".label") {
                assert!(langs.contains(&"ja"), "{path}: {at}");
                assert!(langs.iter().all(|l| keep(l)), "{path}: {at}");
            } else {
                assert!(
                    langs == [lang] || langs == ["ja"],
                    "{path}: {at}: {langs:?}"
                );
            }
            translated += usize::from(langs.contains(&lang));
        });
        assert!(translated > 0, "{path}: no text in {lang}");
        let formats: Vec<&str> = prepared
            .facts()
            .date_formats
            .iter()
            .map(|(l, _, _)| l.as_str())
            .collect();
        assert_eq!(formats, [lang], "{path}");
        // Every procedure's checker is linked, to a page of the build.
        for other in ["disclosure", "deceased"] {
            let url = prepared.raw.checker_urls.get(other).unwrap();
            let file = format!("{}index.html", url.trim_start_matches('/'));
            assert!(built.files.contains_key(&file), "{path}: {url}");
        }
        // The app renders from it the first screen the server wrote.
        let first = checker_app::render_first_screen(prepared.clone());
        assert!(html.contains(&first), "{path}: hydration would not match");
    }
    // Both procedures in every language.
    assert_eq!(langs.len(), 15, "{langs:?}");
    assert_eq!(pages, 30);
}
