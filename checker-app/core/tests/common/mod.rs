//! Shared test helpers: the real procedures and the real facts, both read
//! from content/ (the facts through the core's own data-file parser).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use madoguchi_rules::{
    Answers, DataChecks, DataFact, Date, Evaluation, FactValue, Facts, Outcome, Procedure,
    evaluate, parse_data_file, parse_procedure,
};

pub const DISCLOSURE: &str = include_str!("../../../../content/procedures/disclosure.toml");
pub const DECEASED: &str = include_str!("../../../../content/procedures/deceased.toml");
pub const LANGS: &[&str] = &["ja", "en"];
pub const KNOWN: &[&str] = &["disclosure", "deceased"];

pub fn d(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| panic!("bad date {s}"))
}

/// The real site's `content/` folder: the nearest one above the package
/// that runs the test (the rules core, or the app's SSR tests, which
/// include this module too).
pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("content"))
        .find(|c| c.join("site.toml").is_file())
        .expect("the site's content/ folder above the package")
}

/// The folder of the real site's facts.
pub fn data_dir() -> PathBuf {
    content_dir().join("data")
}

/// Every fact of content/data/**/*.toml (but the glossary), read by the
/// core's own parser as the generator reads it (`data/a/b.toml` defines
/// `a.b.*`), with the problems found in each file; a text fact written in
/// Japanese only gets its English from content/i18n/en.po, as the
/// generator gives it to an English page. Read once per test binary, at
/// run time, so a new file or a changed figure in content/ is seen here
/// with nothing copied by hand.
pub fn data_facts() -> &'static (BTreeMap<String, DataFact>, Vec<String>) {
    static FACTS: OnceLock<(BTreeMap<String, DataFact>, Vec<String>)> = OnceLock::new();
    FACTS.get_or_init(|| {
        let mut files = Vec::new();
        let mut dirs = vec![data_dir()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("content/data is readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "toml")
                    && path != data_dir().join("glossary.toml")
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        assert!(
            !files.is_empty(),
            "no data files in {}",
            data_dir().display()
        );
        let checks = DataChecks {
            url: &|_| None,
            text: &|_| None,
        };
        let mut facts = BTreeMap::new();
        let mut problems = Vec::new();
        for path in files {
            let rel = path.strip_prefix(data_dir()).expect("inside content/data");
            let stem = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(".");
            let text = std::fs::read_to_string(&path).expect("a data file is UTF-8");
            match parse_data_file(&text, &stem, LANGS, "ja", &checks) {
                Ok((parsed, found)) => {
                    problems.extend(found.into_iter().map(|p| format!("{stem}: {}", p.message)));
                    for (key, mut fact) in parsed {
                        if let FactValue::Text(t) = &mut fact.fact.value
                            && !t.contains_key("en")
                            && let Some(ja) = t.get("ja").cloned()
                        {
                            let en = english().get(&(format!("fact:{key}"), ja.clone()));
                            t.insert("en".to_string(), en.cloned().unwrap_or(ja));
                        }
                        if facts.insert(key.clone(), fact).is_some() {
                            problems.push(format!("{key} defined twice"));
                        }
                    }
                }
                Err(p) => problems.push(format!("{stem}: {}", p.message)),
            }
        }
        (facts, problems)
    })
}

/// The facts of content/data/*.toml, as the generator passes them.
pub fn facts() -> Facts {
    Facts::of(&data_facts().0)
}

pub fn disclosure() -> Procedure {
    with_english(parse_procedure(DISCLOSURE).expect("disclosure.toml parses"))
}

pub fn deceased() -> Procedure {
    with_english(parse_procedure(DECEASED).expect("deceased.toml parses"))
}

/// The translations of content/i18n/en.po, by (context, Japanese text).
fn english() -> &'static std::collections::HashMap<(String, String), String> {
    static EN: OnceLock<std::collections::HashMap<(String, String), String>> = OnceLock::new();
    EN.get_or_init(|| {
        let path = content_dir().join("i18n/en.po");
        let po = rspolib::pofile(path.to_string_lossy().as_ref()).expect("en.po parses");
        po.entries
            .iter()
            .filter(|e| !e.obsolete && !e.fuzzy())
            .filter_map(|e| {
                let t = e.msgstr.clone().filter(|t| !t.is_empty())?;
                Some(((e.msgctxt.clone()?, e.msgid.clone()), t))
            })
            .collect()
    })
}

/// The procedure as site-gen hands an English page: each text in Japanese
/// and with its translation from content/i18n/en.po.
pub fn with_english(mut p: Procedure) -> Procedure {
    let en = english();
    let id = p.id.get_ref().clone();
    madoguchi_rules::texts_mut(&mut p, |path, t| {
        let text = t.get_mut();
        if let Some(ja) = text.get("ja").cloned()
            && let Some(e) = en.get(&(format!("procedure:{id}:{path}"), ja))
        {
            text.insert("en".to_string(), e.clone());
        }
    });
    p
}

pub fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Evaluates to a finished outcome or panics.
pub fn finish(p: &Procedure, a: &[(&str, &str)], today: &str, lang: &str) -> Outcome {
    match evaluate(p, &facts(), &answers(a), d(today), lang).expect("evaluates") {
        Evaluation::Finished { outcome, .. } => outcome,
        Evaluation::NeedsAnswer { step, .. } => panic!("still needs `{step}` for {a:?}"),
    }
}

/// Details a reader of the disclosure procedure might type (every field of
/// both real procedures that is required somewhere).
pub fn sample_details() -> madoguchi_rules::Details {
    [
        ("name_latin", "TANAKA Maria"),
        ("name_kana", "タナカ マリア"),
        ("name_current", "SUZUKI Maria"),
        ("name_current_kana", "スズキ マリア"),
        ("nationality", "Brazil"),
        ("birth_date", "1970-05-01"),
        ("sex", "女"),
        ("postcode", "160-0004"),
        ("address", "東京都新宿区四谷1-1-1"),
        ("phone", "03-1234-5678"),
        ("representative_name", "SATO Ken"),
        ("representative_kana", "サトウ ケン"),
        ("representative_postcode", "1500001"),
        ("representative_address", "東京都渋谷区神宮前1-1-1"),
        ("principal_name", "TANAKA Ana"),
        ("principal_address", "大阪府大阪市北区1-1"),
        ("deceased_name_latin", "TANAKA Jose"),
        ("deceased_nationality", "Brazil"),
        ("deceased_birth_date", "1940-01-02"),
        ("deceased_death_date", "2020-03-04"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The form's `{doc:..}` boxes against the checklist: each box is ☑
/// exactly when one of its documents is on the reader's list (the form and
/// the checklist cannot say different things). Each box is found in the
/// printed line by the words after it in the form's template.
pub fn assert_ticks_match_checklist(
    p: &madoguchi_rules::Procedure,
    form: &madoguchi_rules::FormOutput,
    docs: &[&str],
    context: &str,
) {
    let lines: Vec<&str> = form
        .sections
        .iter()
        .flat_map(|s| &s.boxes)
        .flat_map(|b| b.lines.iter().map(String::as_str))
        .collect();
    let def = p.form.as_ref().expect("a form").get_ref();
    let mut checked = 0;
    for row in def.sections.iter().flat_map(|s| &s.get_ref().rows) {
        let template = row.get_ref().value.get_ref();
        let parts: Vec<&str> = template.split("{doc:").collect();
        if parts.len() < 2 {
            continue;
        }
        let prefix = parts[0].split('{').next().unwrap_or_default();
        for part in &parts[1..] {
            let (ids, rest) = part.split_once('}').expect("a closed placeholder");
            let label: String = rest
                .chars()
                .take_while(|c| *c != '　' && *c != '{')
                .collect();
            let on_list = ids.split('|').any(|id| docs.contains(&id));
            let want = format!("{}{label}", if on_list { '☑' } else { '☐' });
            let line = lines
                .iter()
                .find(|l| {
                    l.starts_with(prefix)
                        && (l.contains(&format!("☑{label}")) || l.contains(&format!("☐{label}")))
                })
                .unwrap_or_else(|| {
                    panic!("{context}: no line of the form has the box {label}: {lines:?}")
                });
            assert!(
                line.contains(&want),
                "{context}: the form should show {want} (checklist {docs:?}): {line}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "the form has no {{doc:..}} box");
}
