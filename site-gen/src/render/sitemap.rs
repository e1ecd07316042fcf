//! `sitemap.xml`: every page's address (each page of a long listing) and
//! its `lastmod`, sorted by address. A page's translations are not listed
//! in its entry: each page's `<head>` names them (`<link rel="alternate"
//! hreflang>`, with `x-default`), which search engines read as they read a
//! sitemap's, and an entry that listed them would grow with the languages
//! (4000 pages × 15 languages made a 95 MB sitemap). More than a sitemap
//! file may hold (the protocol's 50,000 addresses or 50 MB) is cut into
//! `sitemap-1.xml`, `sitemap-2.xml`… with `sitemap.xml` their index.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::{Renderer, paged_url};

/// The most addresses one sitemap file may hold (sitemaps.org).
const MAX_URLS: usize = 50_000;
/// The most bytes one sitemap file may have, uncompressed (sitemaps.org).
const MAX_BYTES: usize = 50 * 1024 * 1024;

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const TAIL: &str = "</urlset>\n";
const INDEX_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const INDEX_TAIL: &str = "</sitemapindex>\n";

/// One address's entry (`<url>…</url>`) and its `lastmod`.
struct Entry {
    xml: String,
    lastmod: String,
}

impl Entry {
    fn new(loc: &str, lastmod: String) -> Entry {
        let mut xml = String::with_capacity(loc.len() + 80);
        let _ = write!(
            xml,
            "  <url>\n    <loc>{}</loc>\n    <lastmod>{lastmod}</lastmod>\n  </url>\n",
            xml_escape(loc)
        );
        Entry { xml, lastmod }
    }
}

impl Renderer<'_> {
    /// The sitemap's files (`(path, text)`; `sitemap.xml` first): every
    /// page of the site and each page of a long listing, by address.
    pub(crate) fn sitemaps(&self) -> Vec<(String, String)> {
        let lib = self.lib;
        let mut entries: Vec<Entry> = Vec::with_capacity(lib.pages.len());
        for i in 0..lib.pages.len() {
            let lastmod = lib.pages[i].front.updated.iso();
            for n in 1..=lib.pager_count(i) {
                let permalink: Cow<'_, str> =
                    paged_url(&lib.permalinks[i], || lib.paged_permalink(i, n), n);
                entries.push(Entry::new(&permalink, lastmod.clone()));
            }
        }
        // By address (each entry's text starts with it; addresses are
        // unique, the rest only orders what could tie).
        entries.sort_unstable_by(|a, b| a.xml.cmp(&b.xml));
        sitemap_files(&entries, &self.site().base_url, MAX_URLS, MAX_BYTES)
    }
}

/// The sitemap files of `entries` (in their order) at most `max_urls`
/// entries and `max_bytes` bytes each: `sitemap.xml` alone when they fit in
/// one, else `sitemap.xml` indexing `sitemap-1.xml`, `sitemap-2.xml`… (each
/// with its newest `lastmod`) under `base_url`.
fn sitemap_files(
    entries: &[Entry],
    base_url: &str,
    max_urls: usize,
    max_bytes: usize,
) -> Vec<(String, String)> {
    let room = max_bytes.saturating_sub(HEAD.len() + TAIL.len());
    // Consecutive runs of entries, each within both limits (an entry alone
    // never exceeds them: an address is at most a few hundred bytes).
    let mut parts: Vec<&[Entry]> = Vec::new();
    let (mut from, mut bytes) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        if i > from && (i - from == max_urls || bytes + e.xml.len() > room) {
            parts.push(&entries[from..i]);
            (from, bytes) = (i, 0);
        }
        bytes += e.xml.len();
    }
    parts.push(&entries[from..]);
    let urlset = |part: &[Entry]| {
        let len = part.iter().map(|e| e.xml.len()).sum::<usize>();
        let mut xml = String::with_capacity(HEAD.len() + len + TAIL.len());
        xml.push_str(HEAD);
        part.iter().for_each(|e| xml.push_str(&e.xml));
        xml.push_str(TAIL);
        xml
    };
    if let [one] = parts[..] {
        return vec![("sitemap.xml".to_string(), urlset(one))];
    }
    let mut index = String::from(INDEX_HEAD);
    let mut out = vec![(String::new(), String::new())];
    for (n, part) in parts.iter().enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        let _ = write!(
            index,
            "  <sitemap>\n    <loc>{}</loc>\n",
            xml_escape(&format!("{base_url}{name}"))
        );
        if let Some(newest) = part.iter().map(|e| e.lastmod.as_str()).max() {
            let _ = writeln!(index, "    <lastmod>{newest}</lastmod>");
        }
        index.push_str("  </sitemap>\n");
        out.push((name, urlset(part)));
    }
    index.push_str(INDEX_TAIL);
    out[0] = ("sitemap.xml".to_string(), index);
    out
}

fn xml_escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"']) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| {
                Entry::new(
                    &format!("https://example.org/g/ja/p{i:05}/"),
                    format!("2026-12-{:02}", 1 + i % 28),
                )
            })
            .collect()
    }

    #[test]
    fn a_sitemap_within_the_limits_is_one_file() {
        let files = sitemap_files(&entries(3), "https://example.org/g/", 3, MAX_BYTES);
        assert_eq!(files.len(), 1);
        let (name, xml) = &files[0];
        assert_eq!(name, "sitemap.xml");
        assert!(xml.starts_with(HEAD) && xml.ends_with(TAIL));
        assert_eq!(xml.matches("<url>").count(), 3);
        assert!(xml.contains(
            "  <url>\n    <loc>https://example.org/g/ja/p00001/</loc>\n    <lastmod>2026-12-02</lastmod>\n  </url>\n"
        ));
    }

    #[test]
    fn past_the_protocols_limits_the_sitemap_is_an_index_of_parts() {
        let all = entries(7);
        // By the number of addresses: 3 + 3 + 1.
        let files = sitemap_files(&all, "https://example.org/g/", 3, MAX_BYTES);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let index = &files[0].1;
        assert!(index.starts_with(INDEX_HEAD) && index.ends_with(INDEX_TAIL));
        assert!(index.contains(
            "  <sitemap>\n    <loc>https://example.org/g/sitemap-2.xml</loc>\n    <lastmod>2026-12-06</lastmod>\n  </sitemap>\n"
        ));
        let counts: Vec<usize> = files[1..]
            .iter()
            .map(|(_, x)| x.matches("<url>").count())
            .collect();
        assert_eq!(counts, [3, 3, 1]);
        // Every address once, in order, across the parts.
        let joined: String = files[1..].iter().map(|(_, x)| x.as_str()).collect();
        let locs: Vec<&str> = joined
            .match_indices("<loc>")
            .map(|(i, _)| &joined[i..i + 40])
            .collect();
        assert_eq!(locs.len(), 7);
        assert!(locs.windows(2).all(|w| w[0] < w[1]));
        // By bytes: no part larger than allowed.
        let max = HEAD.len() + TAIL.len() + 2 * all[0].xml.len();
        let files = sitemap_files(&all, "https://example.org/g/", MAX_URLS, max);
        assert_eq!(files.len(), 1 + 4);
        assert!(files[1..].iter().all(|(_, x)| x.len() <= max));
    }
}
