//! Site configuration (`content/site.toml`) and the interface strings and
//! number/date formats of each language (`content/i18n/<lang>.toml`).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, FileId, Sources};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, used where no language is chosen yet (the root chooser).
    pub title: String,
    /// Absolute URL the site is published at, e.g. `https://example.org/guide/`.
    pub base_url: String,
    pub default_language: String,
    pub languages: Vec<Language>,
    /// How many days a fact's `checked` date stays fresh; `site-gen check`
    /// warns about facts checked longer ago. Without it, no such warning.
    #[serde(default)]
    pub recheck_after_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// BCP 47 tag, also the URL prefix and the file suffix: `ja`, `en`, `pt-BR`.
    pub code: String,
    /// The language's name in itself (endonym): `日本語`, `English`.
    pub name: String,
    #[serde(default)]
    pub dir: Dir,
    /// Site title in this language.
    pub title: String,
    /// The `lang` attribute when it is not `code` (`ja` for Easy Japanese,
    /// whose code `ja-easy` gives it its own URLs).
    #[serde(default)]
    pub html_lang: Option<String>,
}

impl Language {
    /// What `lang="…"` says for this language.
    pub fn html_lang(&self) -> &str {
        self.html_lang.as_deref().unwrap_or(&self.code)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    #[default]
    Ltr,
    Rtl,
}

impl SiteConfig {
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The `hreflang` search engines are told for a language's pages (in
    /// `<link rel="alternate">` and the sitemap): its `html_lang`, unless an
    /// earlier language already says the same (Easy Japanese is `ja` like
    /// Japanese, and two alternates may not share one): then none.
    pub fn hreflang(&self, code: &str) -> Option<&str> {
        let at = self.languages.iter().position(|l| l.code == code)?;
        let tag = self.languages[at].html_lang();
        (!self.languages[..at].iter().any(|l| l.html_lang() == tag)).then_some(tag)
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.languages.iter().map(|l| l.code.as_str())
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        }
    }

    /// Absolute URL of a site path given relative to the base (`en/about/`).
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{}", self.base_url, rel)
    }
}

/// Parses TOML that starts at byte `offset` of file `file`, turning a parse or
/// schema error into a diagnostic pointing at the offending text.
pub fn parse_toml<T: DeserializeOwned>(
    sources: &Sources,
    file: FileId,
    text: &str,
    offset: usize,
    what_to_do: &str,
) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let span = e
            .span()
            .map_or(offset..offset, |s| s.start + offset..s.end + offset);
        let _ = sources;
        Diagnostic::error(format!("invalid TOML: {}", e.message().trim_end()))
            .at(file, span)
            .label("here")
            .help(what_to_do.to_string())
            .parse_error()
    })
}

/// One step of a path into a TOML document.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where keys and values sit in a TOML text, from toml's own parser (so a
/// span never comes from searching the text for a key's name). A text that
/// does not parse has no spans; its error is reported by [`parse_toml`].
pub struct TomlSpans<'i> {
    root: Option<toml::de::DeTable<'i>>,
    offset: usize,
}

impl<'i> TomlSpans<'i> {
    /// `offset`: where `text` starts in its file (front matter after `+++`).
    pub fn parse(text: &'i str, offset: usize) -> Self {
        TomlSpans {
            root: toml::de::DeTable::parse(text).ok().map(|t| t.into_inner()),
            offset,
        }
    }

    /// The span of the value at `path` in the file.
    pub fn value(&self, path: &[Step<'_>]) -> Option<Range<usize>> {
        self.find(path).map(|(_, v)| v)
    }

    /// The span of the key that ends `path` (a [`Step::Key`]) in the file,
    /// else of its value.
    pub fn key(&self, path: &[Step<'_>]) -> Option<Range<usize>> {
        self.find(path).map(|(k, v)| k.unwrap_or(v))
    }

    fn find(&self, path: &[Step<'_>]) -> Option<(Option<Range<usize>>, Range<usize>)> {
        use toml::de::DeValue;
        let shift = |r: Range<usize>| r.start + self.offset..r.end + self.offset;
        let mut table = self.root.as_ref()?;
        let mut found = None;
        for (i, step) in path.iter().enumerate() {
            if i > 0 {
                let (_, value): &(Option<Range<usize>>, &toml::Spanned<DeValue<'_>>) =
                    found.as_ref()?;
                let DeValue::Table(t) = value.get_ref() else {
                    // Only an index may follow an array.
                    let (DeValue::Array(items), Step::Index(n)) = (value.get_ref(), step) else {
                        return None;
                    };
                    let item = items.get(*n)?;
                    found = Some((None, item));
                    continue;
                };
                table = t;
            }
            let Step::Key(name) = step else {
                return None;
            };
            let (k, v) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *name)?;
            found = Some((Some(k.span()), v));
        }
        let (k, v) = found?;
        Some((k.map(shift), shift(v.span())))
    }
}

/// Loads and checks `content/site.toml`.
pub fn load_site(sources: &Sources, file: FileId) -> Result<SiteConfig, Vec<Diagnostic>> {
    let text = sources.text(file);
    let mut cfg: SiteConfig = parse_toml(
        sources,
        file,
        text,
        0,
        "site.toml needs `title`, `base_url`, `default_language` and one `[[languages]]` table \
         (code, name, title, optional dir = \"ltr\"|\"rtl\") per language",
    )
    .map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let spans = TomlSpans::parse(text, 0);
    let span_of = |path: &[Step<'_>]| spans.value(path).unwrap_or(0..0);
    if let Some(problem) = base_url_problem(&cfg.base_url) {
        let shown: String = cfg.base_url.escape_debug().collect();
        errors.push(
            Diagnostic::error(format!(
                "base_url `{shown}` is not an absolute http(s) URL: {problem}"
            ))
            .at(file, span_of(&[Step::Key("base_url")]))
            .label("base_url")
            .help(
                "write the address the site is published at, e.g. \"https://example.org/guide/\"",
            ),
        );
    }
    let mut texts = vec![("title", cfg.title.as_str(), vec![Step::Key("title")])];
    for (i, lang) in cfg.languages.iter().enumerate() {
        for (field, value) in [("title", &lang.title), ("name", &lang.name)] {
            let path = vec![Step::Key("languages"), Step::Index(i), Step::Key(field)];
            texts.push((field, value.as_str(), path));
        }
    }
    for (field, value, path) in texts {
        let problem = crate::policy::text_problem(value)
            .map(|(_, p)| p)
            .or_else(|| crate::policy::is_invisible(value).then(|| "no visible text".into()));
        if let Some(problem) = problem {
            errors.push(
                Diagnostic::error(format!("a {field} in site.toml has {problem}"))
                    .at(file, span_of(&path))
                    .label(field)
                    .help(
                        "write visible text, without control characters or bidirectional \
                         overrides (retype it if it was pasted)",
                    ),
            );
        }
    }
    if !cfg.base_url.ends_with('/') {
        cfg.base_url.push('/');
    }
    let mut seen = BTreeMap::new();
    for (i, lang) in cfg.languages.iter().enumerate() {
        if !valid_lang_code(&lang.code) {
            errors.push(
                Diagnostic::error(format!("`{}` is not a language tag", lang.code))
                    .at(
                        file,
                        span_of(&[Step::Key("languages"), Step::Index(i), Step::Key("code")]),
                    )
                    .label("expected a BCP 47 tag")
                    .help("use a tag like \"ja\", \"en\", \"zh-Hans\" or \"pt-BR\""),
            );
        }
        if seen.insert(lang.code.clone(), ()).is_some() {
            errors.push(
                Diagnostic::error(format!("language `{}` is listed twice", lang.code))
                    .at(
                        file,
                        span_of(&[Step::Key("languages"), Step::Index(i), Step::Key("code")]),
                    )
                    .label("the second time")
                    .help("remove one of the two [[languages]] tables"),
            );
        }
    }
    if cfg.language(&cfg.default_language).is_none() {
        errors.push(
            Diagnostic::error(format!(
                "default_language `{}` is not in [[languages]]",
                cfg.default_language
            ))
            .at(file, span_of(&[Step::Key("default_language")]))
            .label("not a listed language")
            .help("add a [[languages]] table for it or pick one of the listed codes"),
        );
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors)
    }
}

/// Why `url` is not an absolute `http(s)://host[:port]/path` URL, if it is not.
/// Parsed with the `url` crate (WHATWG URL); the text must already be in the
/// form the parser would write, so nothing can break out of the sitemap,
/// robots.txt or an attribute.
fn base_url_problem(url: &str) -> Option<String> {
    // The URL standard silently drops tabs and newlines: refuse them first.
    if let Some(c) = url.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return Some(format!("it contains {c:?}"));
    }
    let parsed = match url::Url::parse(url) {
        Ok(u) => u,
        Err(e) => return Some(format!("it is not an absolute URL ({e})")),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some("it does not start with http:// or https://".into());
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("it names no host".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("a base URL carries no user name or password".into());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Some("a base URL has no query (`?`) or fragment (`#`)".into());
    }
    let written = parsed.as_str();
    if written != url && written != format!("{url}/") {
        return Some(format!("it is not in the standard form: write `{written}`"));
    }
    None
}

fn valid_lang_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The interface strings and formats of one language.
#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct I18n {
    pub format: Formats,
    pub strings: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formats {
    /// `{amount}円` or `¥{amount}`.
    pub money: String,
    pub thousands_separator: String,
    /// `{year}年{month}月{day}日` or `{day} {month_name} {year}`.
    pub date: String,
    #[serde(default)]
    pub month_names: Vec<String>,
    /// How a dated rate reads: `{value}（{date}から）`.
    pub rate_from: String,
    /// Appended to a fact marked `unverified = true`.
    pub unverified: String,
}

impl Formats {
    pub fn money(&self, yen: i64) -> String {
        madoguchi_rules::format_money(yen, &self.money, &self.thousands_separator)
    }

    pub fn date(&self, date: Date) -> String {
        madoguchi_rules::format_date(date, &self.date, &self.month_names)
    }
}

/// The one date type: the rules core's (a day of the calendar; in TOML a
/// local date without time, e.g. `updated = 2026-11-25`).
pub use madoguchi_rules::Date;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_come_from_the_toml_parser() {
        // `title` appears first inside a string and in another table: only
        // the parser knows which one is the key asked for.
        let text = "note = \"\\ntitle = x\"\n[[languages]]\ntitle = \"A\"\n\n[[languages]]\n\
                    code = \"en\"\ntitle = \"B\"\n";
        let spans = TomlSpans::parse(text, 100);
        let at = |path: &[Step<'_>]| spans.value(path).map(|r| &text[r.start - 100..r.end - 100]);
        let second = [Step::Key("languages"), Step::Index(1), Step::Key("title")];
        assert_eq!(at(&second), Some("\"B\""));
        let key = spans.key(&second).expect("the key");
        assert_eq!(&text[key.start - 100..key.end - 100], "title");
        assert!(key.start - 100 > text.find("code").expect("code"));
        assert_eq!(at(&[Step::Key("title")]), None);
        assert_eq!(at(&[Step::Key("languages"), Step::Index(2)]), None);
        assert!(
            TomlSpans::parse("a = ", 0)
                .value(&[Step::Key("a")])
                .is_none()
        );
    }

    fn formats(money: &str, date: &str, months: &[&str]) -> Formats {
        Formats {
            money: money.into(),
            thousands_separator: ",".into(),
            date: date.into(),
            month_names: months.iter().map(|m| m.to_string()).collect(),
            rate_from: "{value} (from {date})".into(),
            unverified: " (unconfirmed)".into(),
        }
    }

    #[test]
    fn money_groups_thousands_in_each_language() {
        let ja = formats("{amount}円", "", &[]);
        let en = formats("¥{amount}", "", &[]);
        assert_eq!(ja.money(300), "300円");
        assert_eq!(ja.money(1200), "1,200円");
        assert_eq!(en.money(1_234_567), "¥1,234,567");
        assert_eq!(en.money(0), "¥0");
    }

    #[test]
    fn dates_follow_the_language_pattern() {
        let d = Date::parse("2024-10-01").expect("date");
        let ja = formats("", "{year}年{month}月{day}日", &[]);
        let months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let en = formats("", "{day} {month_name} {year}", &months);
        assert_eq!(ja.date(d), "2024年10月1日");
        assert_eq!(en.date(d), "1 October 2024");
        assert_eq!(d.iso(), "2024-10-01");
    }

    #[test]
    fn base_path_is_taken_from_base_url() {
        let cfg = SiteConfig {
            title: String::new(),
            base_url: "https://example.org/guide/".into(),
            default_language: "ja".into(),
            languages: vec![],
            recheck_after_days: None,
        };
        assert_eq!(cfg.base_path(), "/guide/");
        let root = SiteConfig {
            base_url: "http://127.0.0.1:8000/".into(),
            ..cfg
        };
        assert_eq!(root.base_path(), "/");
    }

    #[test]
    fn base_urls_must_be_absolute_http() {
        assert_eq!(base_url_problem("https://example.org/guide/"), None);
        assert_eq!(base_url_problem("http://127.0.0.1:8000/"), None);
        assert_eq!(base_url_problem("https://[::1]:8080/x/"), None);
        for bad in [
            "https://example.org/\nDisallow: /",
            "ftp://example.org/",
            "https:///x",
            "https://user@example.org/",
            "https://example.org/?a=1",
            "https://example.org/a b/",
            "https://example.org/<x>/",
            "https://example.org:port/",
            "example.org",
        ] {
            assert!(base_url_problem(bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn language_codes() {
        assert!(valid_lang_code("ja"));
        assert!(valid_lang_code("pt-BR"));
        assert!(valid_lang_code("zh-Hans"));
        assert!(!valid_lang_code("JA"));
        assert!(!valid_lang_code("english"));
    }
}
