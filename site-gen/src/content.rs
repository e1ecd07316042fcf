//! Reading the content tree: `content/**/<slug>.<lang>.md` pages,
//! `_index.<lang>.md` sections, TOML front matter between `+++` lines.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::{Date, SiteConfig, parse_toml};
use crate::diag::{Diagnostic, FileId, Sources};

/// Front matter of a page. Unknown keys are errors.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub description: String,
    /// Date the content last changed in substance: shown as "last updated".
    pub updated: Date,
    /// Order within its section, smallest first (then by title).
    #[serde(default)]
    pub weight: i64,
    /// Template to render with instead of `page.html` / `section.html`.
    pub template: Option<String>,
    /// For translations: the `updated` date of the default-language page
    /// this text was translated from. Older than that page means outdated.
    pub translated_from: Option<Date>,
    /// Id of a procedure in `content/procedures/` whose checker the page embeds.
    pub checker: Option<String>,
    /// Force the table of contents on (true) or off (false); default: long pages.
    pub toc: Option<bool>,
    /// Anything else a template needs.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub file: FileId,
    /// Source path relative to `content/` without the language:
    /// `alien-registration/disclosure.md`, `_index.md`.
    pub key: String,
    pub lang: String,
    pub is_section: bool,
    /// Folder of the page relative to `content/` (`""` at the root).
    pub dir: String,
    /// URL path relative to the language root: `alien-registration/disclosure/`, `""` for home.
    pub rel_url: String,
    pub front: FrontMatter,
    /// Where the front matter's TOML (between the `+++` lines) is in the file.
    pub front_toml: std::ops::Range<usize>,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
    /// Made from the default-language page (`file`) and this language's
    /// catalog, not written by hand.
    pub from_catalog: bool,
}

impl Page {
    /// Where the front matter's keys and values are in the page's file
    /// (`text`), from toml's parser.
    pub fn front_spans<'t>(&self, text: &'t str) -> crate::config::TomlSpans<'t> {
        let r = self.front_toml.start.min(text.len())..self.front_toml.end.min(text.len());
        crate::config::TomlSpans::parse(text.get(r.clone()).unwrap_or(""), r.start)
    }
}

/// What a file under `content/` is.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    Page {
        key: String,
        lang: String,
    },
    Data {
        stem: String,
    },
    /// A checker procedure (`content/procedures/<id>.toml`).
    Procedure {
        id: String,
    },
    I18n {
        lang: String,
    },
    /// Japanese terms with readings and explanations (`content/data/glossary.toml`).
    Glossary,
    /// A translation catalog (`content/i18n/<lang>.po`).
    Catalog {
        lang: String,
    },
    SiteConfig,
    Ignored,
}

/// Classifies a path relative to `content/` (with `/` separators).
pub fn classify(rel: &str, site: &SiteConfig) -> Result<Kind, Diagnostic> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.starts_with('.') || name.ends_with('~') {
        return Ok(Kind::Ignored);
    }
    if rel == "site.toml" {
        return Ok(Kind::SiteConfig);
    }
    if rel == "data/glossary.toml" {
        return Ok(Kind::Glossary);
    }
    if let Some(stem) = rel
        .strip_prefix("data/")
        .and_then(|r| r.strip_suffix(".toml"))
    {
        return Ok(Kind::Data {
            stem: stem.replace('/', "."),
        });
    }
    if let Some(id) = rel
        .strip_prefix("procedures/")
        .and_then(|r| r.strip_suffix(".toml"))
    {
        return Ok(Kind::Procedure { id: id.to_string() });
    }
    if let Some(lang) = rel
        .strip_prefix("i18n/")
        .and_then(|r| r.strip_suffix(".toml"))
    {
        return Ok(Kind::I18n {
            lang: lang.to_string(),
        });
    }
    if let Some(lang) = rel
        .strip_prefix("i18n/")
        .and_then(|r| r.strip_suffix(".po"))
    {
        return Ok(Kind::Catalog {
            lang: lang.to_string(),
        });
    }
    let Some(stem) = name.strip_suffix(".md") else {
        return Ok(Kind::Ignored);
    };
    let languages = site.codes().collect::<Vec<_>>().join(", ");
    let Some((slug, lang)) = stem.rsplit_once('.') else {
        return Err(
            Diagnostic::error(format!("`{rel}` has no language suffix")).help(format!(
                "name content files `<slug>.<lang>.md`, with <lang> one of: {languages}"
            )),
        );
    };
    if site.language(lang).is_none() {
        return Err(
            Diagnostic::error(format!("`{rel}`: unknown language suffix `.{lang}`")).help(format!(
                "use one of the languages of content/site.toml ({languages}), or add `{lang}` there"
            )),
        );
    }
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(
            Diagnostic::error(format!("`{rel}`: `{slug}` is not a usable URL slug"))
                .help("use lowercase ASCII letters, digits and hyphens in file and folder names"),
        );
    }
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    if let Some(bad) = dir.split('/').find(|part| {
        !part.is_empty()
            && !part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }) {
        return Err(
            Diagnostic::error(format!("`{rel}`: folder `{bad}` is not a usable URL slug"))
                .help("use lowercase ASCII letters, digits and hyphens in file and folder names"),
        );
    }
    let key = if dir.is_empty() {
        format!("{slug}.md")
    } else {
        format!("{dir}/{slug}.md")
    };
    Ok(Kind::Page {
        key,
        lang: lang.to_string(),
    })
}

/// Splits `+++` TOML front matter from the body and parses it.
pub fn parse_page(
    sources: &Sources,
    file: FileId,
    key: &str,
    lang: &str,
) -> Result<Page, Diagnostic> {
    let text = sources.text(file);
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let open = ["+++\n", "+++\r\n"]
        .into_iter()
        .find(|o| rest.starts_with(o));
    let Some(open) = open else {
        return Err(Diagnostic::error("page has no front matter")
            .at(file, start..start + rest.lines().next().map_or(0, str::len))
            .label("expected `+++` on the first line")
            .help("start the file with `+++`, then title, description and updated, then `+++`"));
    };
    let fm_start = start + open.len();
    let mut close = None;
    let mut pos = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let Some((fm_end, body_offset)) = close else {
        return Err(Diagnostic::error("front matter is not closed")
            .at(file, start..start + 3)
            .label("opened here")
            .help("add a line with `+++` after the front matter"));
    };
    let front: FrontMatter = parse_toml(
        sources,
        file,
        &text[fm_start..fm_end],
        fm_start,
        "front matter takes title, description, updated (a date), and optionally weight, \
         template, translated_from, checker, toc and an [extra] table",
    )?;
    if front.title.trim().is_empty() {
        return Err(Diagnostic::error("`title` is empty")
            .at(file, fm_start..fm_end)
            .label("in this front matter")
            .help("give the page a title: it becomes the page's h1 and <title>"));
    }
    let dir = key.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let is_section = key.ends_with("_index.md");
    let rel_url = if is_section {
        if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        }
    } else {
        format!("{}/", key.trim_end_matches(".md"))
    };
    Ok(Page {
        file,
        key: key.to_string(),
        lang: lang.to_string(),
        is_section,
        dir,
        rel_url,
        front,
        front_toml: fm_start..fm_end,
        body_offset,
        from_catalog: false,
    })
}

/// Converts TOML to JSON for templates (dates become `YYYY-MM-DD` strings).
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect::<serde_json::Map<_, _>>(),
        ),
    }
}

/// All pages, indexed by key then language.
#[derive(Debug, Default)]
pub struct PageIndex {
    pub by_key: BTreeMap<String, BTreeMap<String, usize>>,
}

impl PageIndex {
    pub fn new(pages: &[Page]) -> Self {
        let mut by_key: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (i, p) in pages.iter().enumerate() {
            by_key
                .entry(p.key.clone())
                .or_default()
                .insert(p.lang.clone(), i);
        }
        PageIndex { by_key }
    }

    pub fn get(&self, key: &str, lang: &str) -> Option<usize> {
        self.by_key.get(key)?.get(lang).copied()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A two-language (ja, en) site published at `base_url`, for tests.
    pub(crate) fn site_at(base_url: &str) -> SiteConfig {
        toml::from_str(&format!(
            r#"title = "t"
base_url = "{base_url}"
default_language = "ja"
[[languages]]
code = "ja"
name = "日本語"
title = "t"
[[languages]]
code = "en"
name = "English"
title = "t"
"#
        ))
        .expect("valid config")
    }

    fn site() -> SiteConfig {
        site_at("https://example.org/")
    }

    #[test]
    fn classifies_content_files() {
        let s = site();
        assert_eq!(
            classify("a/b.en.md", &s).ok(),
            Some(Kind::Page {
                key: "a/b.md".into(),
                lang: "en".into()
            })
        );
        assert_eq!(
            classify("data/fees.toml", &s).ok(),
            Some(Kind::Data {
                stem: "fees".into()
            })
        );
        assert_eq!(classify("notes.txt", &s).ok(), Some(Kind::Ignored));
        let err = classify("a/b.fr.md", &s).err().map(|d| d.message);
        assert_eq!(
            err.as_deref(),
            Some("`a/b.fr.md`: unknown language suffix `.fr`")
        );
        assert!(classify("a/b.md", &s).is_err());
    }
}
