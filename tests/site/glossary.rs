//! The real site's catalogs against its glossary: in each language one
//! Japanese document has one name, and two documents never share one.

use std::collections::BTreeMap;
use std::path::Path;

/// The glossary's terms, longest first.
fn terms(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join("content/data/glossary.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let mut terms: Vec<String> = value["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap().to_string())
        .collect();
    terms.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    terms
}

/// The four documents that prove an address, which readers must not mix up.
const ADDRESS_DOCUMENTS: [&str; 4] = ["住民票の写し", "在留証明書", "居住証明書", "宿泊証明書"];

/// Each translated page, procedure or fact message whose Japanese names a
/// glossary term (not only as part of a longer term) names it as the
/// language's `glossary-name:` entry does; the address documents have four
/// different names in every language that names them.
#[test]
fn each_glossary_term_has_the_name_its_pages_use() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let terms = terms(root);
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut catalogs: Vec<_> = std::fs::read_dir(root.join("content/i18n"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "po"))
        .collect();
    catalogs.sort();
    assert!(catalogs.len() >= 14, "{catalogs:?}");
    for path in catalogs {
        let lang = path.file_stem().unwrap().to_string_lossy().to_string();
        let po = rspolib::pofile(path.to_str().unwrap()).unwrap();
        let current = |e: &&rspolib::POEntry| {
            !e.obsolete
                && !e.flags.iter().any(|f| f == "fuzzy")
                && e.msgstr.as_deref().is_some_and(|s| !s.trim().is_empty())
        };
        let mut names: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for e in po.entries.iter().filter(current) {
            if let Some(term) = e
                .msgctxt
                .as_deref()
                .and_then(|c| c.strip_prefix("glossary-name:"))
                && let Some(t) = terms.iter().find(|t| *t == term)
            {
                let forms = madoguchi_rules::strip_ruby(e.msgstr.as_deref().unwrap_or_default())
                    .split('|')
                    .map(|f| f.trim().to_lowercase())
                    .filter(|f| !f.is_empty())
                    .collect();
                names.insert(t.as_str(), forms);
            }
        }
        let named: Vec<&str> = ADDRESS_DOCUMENTS
            .iter()
            .filter_map(|d| names.get(d).and_then(|f| f.first()).map(String::as_str))
            .collect();
        let mut distinct = named.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != named.len() {
            problems.push(format!(
                "{lang}: two address documents share a name: {named:?}"
            ));
        }
        for e in po.entries.iter().filter(current) {
            let ctxt = e.msgctxt.as_deref().unwrap_or_default();
            if !(ctxt.is_empty() || ctxt.starts_with("procedure:") || ctxt.starts_with("fact:")) {
                continue;
            }
            // Kept Japanese on purpose (an address copied onto an envelope).
            if e.msgstr.as_deref() == Some(e.msgid.as_str()) {
                continue;
            }
            let msgstr =
                madoguchi_rules::strip_ruby(e.msgstr.as_deref().unwrap_or_default()).to_lowercase();
            for (term, forms) in &names {
                // Only where the term stands on its own, not inside a
                // longer one (開示請求 in 保有個人情報開示請求書).
                let mut msgid = e.msgid.clone();
                for longer in terms
                    .iter()
                    .filter(|l| l.len() > term.len() && l.contains(term))
                {
                    msgid = msgid.replace(longer.as_str(), "");
                }
                if !msgid.contains(term) {
                    continue;
                }
                checked += 1;
                if !forms.iter().any(|f| msgstr.contains(f.as_str())) {
                    problems.push(format!(
                        "{lang}: \"{}\" names {term}, but not as {forms:?}: \"{}\"",
                        e.msgid,
                        e.msgstr.as_deref().unwrap_or_default()
                    ));
                }
            }
        }
    }
    assert!(checked > 0);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
