//! The site model, built once per build after loading (Zola's `Library` is
//! the model for it): every page's URL and permalink, the section tree, each
//! section's children, each page's
//! breadcrumbs and translations, and how a long listing is cut into pages
//! ([`PAGE_SIZE`]). Rendering a page then only reads it, so the work per page
//! is proportional to the page itself, not to the site: nothing a page's
//! context holds grows with the number of sections, pages or languages
//! (but its own versions, `alternates`).
//!
//! Pages are referred to by their index in the loaded `pages` (stable for a
//! build: the loader sorts them by file).

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{Page, PageIndex};

pub struct Library<'a> {
    pub site: &'a SiteConfig,
    pub pages: &'a [Page],
    pub index: &'a PageIndex,
    /// What the model works out from the pages' places (read through
    /// `Deref`: `lib.urls`, `lib.children`…).
    links: Arc<Links>,
}

/// The site model's per-page lists, which read the pages' places (key,
/// language, folder, address), the configuration and, for the order of
/// listings, the pages' weights and titles: `serve`'s cache keeps them
/// while those are the same (`site::generate_to`).
#[derive(Clone)]
pub struct Links {
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
    /// Where each page is published (`page_path`).
    pub paths: Vec<String>,
    /// Each page's top-level section (see [`Library::top_section`]).
    top_sections: Vec<Option<usize>>,
}

impl std::ops::Deref for Library<'_> {
    type Target = Links;
    fn deref(&self) -> &Links {
        &self.links
    }
}

/// How many children one page of a section's (or the home page's) listing
/// shows; a section with more is published as several pages, the first at
/// the section's URL and the others at `page/2/`, `page/3/`… under it.
pub const PAGE_SIZE: usize = 100;

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

/// Where page `n` (from 2) of a listing is published, from where its first
/// page is (`…/index.html`).
pub fn further_page(first: &str, n: usize) -> String {
    let dir = first.strip_suffix("index.html").unwrap_or(first);
    format!("{dir}page/{n}/index.html")
}

/// Page `n` of a listing whose first page is at `url` (ending in `/`).
fn paged(url: &str, n: usize) -> String {
    if n <= 1 {
        url.to_string()
    } else {
        format!("{url}page/{n}/")
    }
}

/// The order of a section's children: weight, then title, then source path.
fn listing_order(pages: &[Page], a: usize, b: usize) -> std::cmp::Ordering {
    let (a, b) = (&pages[a], &pages[b]);
    (a.front.weight, &a.front.title, &a.key).cmp(&(b.front.weight, &b.front.title, &b.key))
}

impl Links {
    /// Every page's lists.
    pub fn new(site: &SiteConfig, pages: &[Page], index: &PageIndex) -> Links {
        // Each page's own lists are independent of the others': built in
        // parallel.
        let base_path = site.base_path();
        let urls = pages
            .par_iter()
            .map(|p| format!("{base_path}{}/{}", p.lang, p.rel_url))
            .collect();
        let permalinks = pages
            .par_iter()
            .map(|p| site.permalink(&format!("{}/{}", p.lang, p.rel_url)))
            .collect();
        let originals = pages
            .par_iter()
            .map(|p| index.get(&p.key, &site.default_language))
            .collect();
        let translations = pages
            .par_iter()
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
        // Looking pages up needs no list yet.
        let lib = Library::with_links(site, pages, index, Arc::new(Links::empty()));
        let children = pages
            .par_iter()
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
        let breadcrumbs = pages.par_iter().map(|p| lib.crumbs(p)).collect();
        let paths = pages.par_iter().map(page_path).collect();
        let top_sections = (0..pages.len())
            .into_par_iter()
            .map(|i| lib.find_top_section(i))
            .collect();
        Links {
            urls,
            permalinks,
            originals,
            translations,
            children,
            breadcrumbs,
            paths,
            top_sections,
        }
    }

    fn empty() -> Links {
        Links {
            urls: Vec::new(),
            permalinks: Vec::new(),
            originals: Vec::new(),
            translations: Vec::new(),
            children: Vec::new(),
            breadcrumbs: Vec::new(),
            paths: Vec::new(),
            top_sections: Vec::new(),
        }
    }

    /// Sorts each section's children again: all that changes when pages
    /// change only their titles or weights (`serve` after such an edit).
    pub fn sort_children(&mut self, pages: &[Page]) {
        for kids in &mut self.children {
            kids.sort_by(|&a, &b| listing_order(pages, a, b));
        }
    }
}

impl<'a> Library<'a> {
    pub fn new(site: &'a SiteConfig, pages: &'a [Page], index: &'a PageIndex) -> Self {
        Library::with_links(site, pages, index, Arc::new(Links::new(site, pages, index)))
    }

    /// The model of `pages` from lists made for them earlier ([`Links::new`]).
    pub fn with_links(
        site: &'a SiteConfig,
        pages: &'a [Page],
        index: &'a PageIndex,
        links: Arc<Links>,
    ) -> Self {
        Library {
            site,
            pages,
            index,
            links,
        }
    }

    /// The lists the model reads.
    pub fn links(&self) -> &Arc<Links> {
        &self.links
    }

    /// How many pages page `i` is published as: its listing cut into pages
    /// of [`PAGE_SIZE`] children (1 for a page, or a section with at most
    /// that many).
    pub fn pager_count(&self, i: usize) -> usize {
        self.children[i].len().div_ceil(PAGE_SIZE).max(1)
    }

    /// The children listed on page `n` (from 1) of `i`'s listing.
    pub fn children_on(&self, i: usize, n: usize) -> &[usize] {
        let kids = &self.children[i];
        let start = (n.saturating_sub(1) * PAGE_SIZE).min(kids.len());
        &kids[start..(start + PAGE_SIZE).min(kids.len())]
    }

    /// The URL of page `n` (from 1) of `i`'s listing.
    pub fn paged_url(&self, i: usize, n: usize) -> String {
        paged(&self.urls[i], n)
    }

    /// The permalink of page `n` (from 1) of `i`'s listing.
    pub fn paged_permalink(&self, i: usize, n: usize) -> String {
        paged(&self.permalinks[i], n)
    }

    /// Where page `n` (from 1) of `i`'s listing is published, relative to
    /// the output folder.
    pub fn paged_path(&self, i: usize, n: usize) -> String {
        let p = &self.pages[i];
        paged(&format!("{}/{}", p.lang, p.rel_url), n) + "index.html"
    }

    /// Every page `i` is published as (the first is `page_path`).
    pub fn paged_paths(&self, i: usize) -> impl Iterator<Item = String> + '_ {
        (1..=self.pager_count(i)).map(move |n| self.paged_path(i, n))
    }

    /// The top-level section a page is in (itself for a top-level section),
    /// in its language where translated: what the default footer links
    /// besides the home page. None for the home page and the pages directly
    /// under it.
    pub fn top_section(&self, i: usize) -> Option<usize> {
        self.top_sections.get(i).copied().flatten()
    }

    fn find_top_section(&self, i: usize) -> Option<usize> {
        let p = &self.pages[i];
        let first = p.dir.split('/').next().filter(|d| !d.is_empty())?;
        self.in_lang(&format!("{first}/_index.md"), &p.lang)
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

/// Where a page is published, relative to the output folder.
pub(crate) fn page_path(p: &Page) -> String {
    format!("{}/{}index.html", p.lang, p.rel_url)
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
            front_toml: 0..0,
            body_offset: 0,
            from_catalog: false,
        }
    }

    #[test]
    fn a_long_listing_is_cut_into_pages_of_page_size() {
        let site = site();
        let mut pages = vec![page("_index.md", "ja", "ホーム", 0)];
        pages.push(page("big/_index.md", "ja", "大", 1));
        for n in 0..(2 * PAGE_SIZE + 50) {
            pages.push(page(
                &format!("big/p{n:03}.md"),
                "ja",
                &format!("P{n:03}"),
                0,
            ));
        }
        let index = PageIndex::new(&pages);
        let lib = Library::new(&site, &pages, &index);
        assert_eq!(lib.pager_count(1), 3);
        assert_eq!(lib.pager_count(0), 1);
        assert_eq!(lib.pager_count(2), 1);
        let titles = |n| -> Vec<String> {
            lib.children_on(1, n)
                .iter()
                .map(|&i| pages[i].front.title.clone())
                .collect()
        };
        assert_eq!(titles(1).len(), PAGE_SIZE);
        assert_eq!(titles(1)[0], "P000");
        assert_eq!(titles(2)[0], format!("P{PAGE_SIZE:03}"));
        assert_eq!(titles(3).len(), 50);
        assert!(titles(4).is_empty());
        assert_eq!(lib.paged_url(1, 1), "/g/ja/big/");
        assert_eq!(lib.paged_url(1, 3), "/g/ja/big/page/3/");
        assert_eq!(
            lib.paged_permalink(1, 2),
            "https://example.org/g/ja/big/page/2/"
        );
        assert_eq!(
            lib.paged_paths(1).collect::<Vec<_>>(),
            [
                "ja/big/index.html",
                "ja/big/page/2/index.html",
                "ja/big/page/3/index.html"
            ]
        );
        assert_eq!(lib.paged_path(0, 1), "ja/index.html");
    }

    #[test]
    fn children_sections_breadcrumbs_and_translations_are_per_language() {
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
        assert_eq!(titles(&lib.children[1]), ["Guide", "概要"]);
        assert_eq!(titles(&lib.children[0]), ["案内", "概要"]);
        // The footer's section: the top-level one, in the page's language.
        assert_eq!(lib.top_section(6), Some(3));
        assert_eq!(lib.top_section(4), Some(2));
        assert_eq!(lib.top_section(3), Some(3));
        assert_eq!(lib.top_section(7), None);
        assert_eq!(lib.top_section(1), None);
        assert_eq!(lib.pager_count(1), 1);
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
