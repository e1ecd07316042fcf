//! `sitemap.xml`: every page (each page of a long listing), with its
//! alternates in the other languages and its `x-default`.

use std::borrow::Cow;

use super::{Renderer, paged_url};

/// Counts what is written, to size the sitemap before writing it.
struct Count(usize);

impl std::fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const TAIL: &str = "</urlset>\n";

impl Renderer<'_> {
    /// The sitemap, its entries sorted by address. It is written straight
    /// into one string sized first (every language's alternates make it
    /// ~95 MB at 4k pages × 15 languages: one copy, not an entry string
    /// per page plus the whole).
    pub(crate) fn sitemap(&self) -> String {
        let lib = self.lib;
        // Each page of the site (each page of a long listing), by address.
        let mut order: Vec<(Cow<'_, str>, usize, usize)> = Vec::with_capacity(lib.pages.len());
        for i in 0..lib.pages.len() {
            for n in 1..=lib.pager_count(i) {
                let permalink = paged_url(&lib.permalinks[i], || lib.paged_permalink(i, n), n);
                order.push((permalink, i, n));
            }
        }
        order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut count = Count(HEAD.len() + TAIL.len());
        for (permalink, i, n) in &order {
            self.sitemap_entry(&mut count, permalink, *i, *n);
        }
        let mut xml = String::with_capacity(count.0);
        xml.push_str(HEAD);
        // Entries of one address (there are none: addresses are unique)
        // in the order of their text.
        for same in order.chunk_by(|a, b| a.0 == b.0) {
            if let [(permalink, i, n)] = same {
                self.sitemap_entry(&mut xml, permalink, *i, *n);
                continue;
            }
            let mut entries: Vec<String> = same
                .iter()
                .map(|(permalink, i, n)| {
                    let mut e = String::new();
                    self.sitemap_entry(&mut e, permalink, *i, *n);
                    e
                })
                .collect();
            entries.sort_unstable();
            entries.iter().for_each(|e| xml.push_str(e));
        }
        xml.push_str(TAIL);
        xml
    }

    /// Page `i`'s entry (its page `n` of a long listing); escaped only
    /// where needed: `serve` writes the sitemap again after some edits.
    fn sitemap_entry(&self, out: &mut impl std::fmt::Write, permalink: &str, i: usize, n: usize) {
        let p = &self.lib.pages[i];
        let _ = write!(
            out,
            "  <url>\n    <loc>{}</loc>\n    <lastmod>{}</lastmod>\n",
            xml_escape(permalink),
            p.front.updated.iso()
        );
        for alt in self.alternates(i, n) {
            if let Some(tag) = alt.hreflang {
                let _ = writeln!(
                    out,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    xml_escape(tag),
                    xml_escape(&alt.permalink)
                );
            }
        }
        if let Some(d) = self.x_default(i, n) {
            let _ = writeln!(
                out,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                xml_escape(&d)
            );
        }
        let _ = out.write_str("  </url>\n");
    }
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
