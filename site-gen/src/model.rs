//! The site model, built once per build after loading (Zola's `Library` is
//! the model for it): every page's URL and permalink, the section tree, each
//! section's children, the navigation of each language, each page's
//! breadcrumbs and translations. Rendering a page then only reads it, so the
//! work per page is proportional to the page itself, not to the site.
//!
//! Pages are referred to by their index in the loaded `pages` (stable for a
//! build: the loader sorts them by file).

use std::collections::BTreeMap;

use crate::config::SiteConfig;
use crate::content::{Page, PageIndex};

pub struct Library<'a> {
    pub site: &'a SiteConfig,
    pub pages: &'a [Page],
    pub index: &'a PageIndex,
    /// `/base/lang/rel_url`, by page.
    pub urls: Vec<String>,
    /// `base_url` + `lang/rel_url`, by page.
    pub permalinks: Vec<String>,
    /// The default-language version of each page (itself in that language).
    pub originals: Vec<Option<usize>>,
    /// The versions of each page in each language, in site language order.
    pub translations: Vec<Vec<usize>>,
    /// For a section page: its pages and subsections in its language (the
    /// default-language version where untranslated), in display order.
    pub children: Vec<Vec<usize>>,
    /// For each page: the sections above it, from the home page down, in its
    /// language where translated.
    pub breadcrumbs: Vec<Vec<usize>>,
    /// For each language: the children of its home page (the site navigation).
    pub nav: BTreeMap<String, Vec<usize>>,
}

/// The folder a page is listed under: a page's own folder; a section's
/// parent folder (`None` for the home page).
fn parent_dir(p: &Page) -> Option<&str> {
    if p.is_section {
        p.dir.rsplit_once('/').map_or(
            if p.dir.is_empty() { None } else { Some("") },
            |(parent, _)| Some(parent),
        )
    } else {
        Some(p.dir.as_str())
    }
}

/// The order of a section's children: weight, then title, then source path.
fn listing_order(pages: &[Page], a: usize, b: usize) -> std::cmp::Ordering {
    let (a, b) = (&pages[a], &pages[b]);
    (a.front.weight, &a.front.title, &a.key).cmp(&(b.front.weight, &b.front.title, &b.key))
}

impl<'a> Library<'a> {
    pub fn new(site: &'a SiteConfig, pages: &'a [Page], index: &'a PageIndex) -> Self {
        let base_path = site.base_path();
        let urls = pages
            .iter()
            .map(|p| format!("{base_path}{}/{}", p.lang, p.rel_url))
            .collect();
        let permalinks = pages
            .iter()
            .map(|p| site.permalink(&format!("{}/{}", p.lang, p.rel_url)))
            .collect();
        let originals = pages
            .iter()
            .map(|p| index.get(&p.key, &site.default_language))
            .collect();
        let translations = pages
            .iter()
            .map(|p| {
                site.languages
                    .iter()
                    .filter_map(|l| index.get(&p.key, &l.code))
                    .collect()
            })
            .collect();

        // Keys listed under each folder, each once (in any language).
        let mut under: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (key, langs) in &index.by_key {
            if let Some(&i) = langs.values().next()
                && let Some(parent) = parent_dir(&pages[i])
            {
                under.entry(parent).or_default().push(key.as_str());
            }
        }
        let mut lib = Library {
            site,
            pages,
            index,
            urls,
            permalinks,
            originals,
            translations,
            children: Vec::new(),
            breadcrumbs: Vec::new(),
            nav: BTreeMap::new(),
        };
        lib.children = pages
            .iter()
            .map(|s| {
                if !s.is_section {
                    return Vec::new();
                }
                let mut kids: Vec<usize> = under
                    .get(s.dir.as_str())
                    .into_iter()
                    .flatten()
                    .filter(|k| **k != s.key)
                    .filter_map(|k| lib.in_lang(k, &s.lang))
                    .collect();
                kids.sort_by(|&a, &b| listing_order(pages, a, b));
                kids
            })
            .collect();
        lib.breadcrumbs = pages.iter().map(|p| lib.crumbs(p)).collect();
        lib.nav = lib.navigation();
        lib
    }

    /// Sorts each section's children again and takes the navigation from
    /// them: all that changes when pages change only their titles or
    /// weights (`serve` after such an edit).
    pub fn sort_children(&mut self) {
        let pages = self.pages;
        for kids in &mut self.children {
            kids.sort_by(|&a, &b| listing_order(pages, a, b));
        }
        self.nav = self.navigation();
    }

    /// The children of each language's home page.
    fn navigation(&self) -> BTreeMap<String, Vec<usize>> {
        self.site
            .languages
            .iter()
            .map(|l| {
                let kids = self
                    .index
                    .get("_index.md", &l.code)
                    .map(|i| self.children[i].clone())
                    .unwrap_or_default();
                (l.code.clone(), kids)
            })
            .collect()
    }

    /// The page `key` in `lang`, else its default-language version.
    pub fn in_lang(&self, key: &str, lang: &str) -> Option<usize> {
        self.index
            .get(key, lang)
            .or_else(|| self.index.get(key, &self.site.default_language))
    }

    fn crumbs(&self, p: &Page) -> Vec<usize> {
        if p.is_section && p.dir.is_empty() {
            return Vec::new();
        }
        let parts: Vec<&str> = p.dir.split('/').filter(|s| !s.is_empty()).collect();
        let upto = if p.is_section {
            parts.len().saturating_sub(1)
        } else {
            parts.len()
        };
        let mut keys = vec!["_index.md".to_string()];
        for n in 1..=upto {
            keys.push(format!("{}/_index.md", parts[..n].join("/")));
        }
        keys.iter()
            .filter_map(|k| self.in_lang(k, &p.lang))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Date;
    use crate::content::FrontMatter;

    fn site() -> SiteConfig {
        crate::content::tests::site_at("https://example.org/g/")
    }

    fn page(key: &str, lang: &str, title: &str, weight: i64) -> Page {
        let is_section = key.ends_with("_index.md");
        let dir = key.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let rel_url = if is_section {
            if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            }
        } else {
            format!("{}/", key.trim_end_matches(".md"))
        };
        Page {
            file: 0,
            key: key.into(),
            lang: lang.into(),
            is_section,
            dir,
            rel_url,
            front: FrontMatter {
                title: title.into(),
                description: String::new(),
                updated: Date::parse("2026-01-01").expect("date"),
                weight,
                template: None,
                translated_from: None,
                checker: None,
                toc: None,
                extra: toml::Table::new(),
            },
            body_offset: 0,
            from_catalog: false,
        }
    }

    #[test]
    fn children_nav_breadcrumbs_and_translations_are_per_language() {
        let site = site();
        let pages = vec![
            page("_index.md", "ja", "ホーム", 0),
            page("_index.md", "en", "Home", 0),
            page("guide/_index.md", "ja", "案内", 1),
            page("guide/_index.md", "en", "Guide", 1),
            page("guide/b.md", "ja", "B", 2),
            page("guide/a.md", "ja", "A", 1),
            page("guide/a.md", "en", "A en", 1),
            page("about.md", "ja", "概要", 5),
        ];
        let index = PageIndex::new(&pages);
        let lib = Library::new(&site, &pages, &index);
        let titles = |ids: &[usize]| -> Vec<String> {
            ids.iter().map(|&i| pages[i].front.title.clone()).collect()
        };
        // English guide: its own A, the Japanese B where untranslated, by weight.
        assert_eq!(titles(&lib.children[3]), ["A en", "B"]);
        assert_eq!(titles(&lib.nav["en"]), ["Guide", "概要"]);
        assert_eq!(titles(&lib.nav["ja"]), ["案内", "概要"]);
        assert_eq!(titles(&lib.breadcrumbs[6]), ["Home", "Guide"]);
        assert_eq!(titles(&lib.breadcrumbs[3]), ["Home"]);
        assert!(lib.breadcrumbs[0].is_empty());
        assert_eq!(lib.translations[6], [5, 6]);
        assert_eq!(lib.originals[6], Some(5));
        assert_eq!(lib.urls[6], "/g/en/guide/a/");
        assert_eq!(lib.permalinks[6], "https://example.org/g/en/guide/a/");
        assert!(lib.children[5].is_empty());
    }
}
