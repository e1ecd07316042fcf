//! `sitemap.xml`: every page (each page of a long listing), with its
//! alternates in the other languages and its `x-default`.

use std::borrow::Cow;

use super::{Renderer, paged_url};

impl Renderer<'_> {
    pub(crate) fn sitemap(&self) -> String {
        use std::fmt::Write as _;
        let lib = self.lib;
        // Entries are written with `write!` and escaped only where needed:
        // `serve` writes the sitemap again after every edit.
        let mut urls: Vec<(Cow<'_, str>, String)> = Vec::with_capacity(lib.pages.len());
        for (i, p) in lib.pages.iter().enumerate() {
            // A listing cut into pages: each of its pages.
            for n in 1..=lib.pager_count(i) {
                let mut entry = String::with_capacity(512);
                let permalink = paged_url(&lib.permalinks[i], || lib.paged_permalink(i, n), n);
                let _ = write!(
                    entry,
                    "  <url>\n    <loc>{}</loc>\n    <lastmod>{}</lastmod>\n",
                    xml_escape(&permalink),
                    p.front.updated.iso()
                );
                for alt in self.alternates(i, n) {
                    if let Some(tag) = alt.hreflang {
                        let _ = writeln!(
                            entry,
                            "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                            xml_escape(tag),
                            xml_escape(&alt.permalink)
                        );
                    }
                }
                if let Some(d) = self.x_default(i, n) {
                    let _ = writeln!(
                        entry,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                        xml_escape(&d)
                    );
                }
                entry.push_str("  </url>\n");
                urls.push((permalink, entry));
            }
        }
        urls.sort_unstable();
        let mut xml = String::with_capacity(urls.iter().map(|(_, e)| e.len()).sum::<usize>() + 256);
        xml.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (_, e) in urls {
            xml.push_str(&e);
        }
        xml.push_str("</urlset>\n");
        xml
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
