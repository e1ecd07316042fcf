//! The response headers the published site asks of its host, as one set of
//! rules: `build` writes them as `_headers` (the format of Netlify and
//! Cloudflare Pages), `serve` reads that file back and answers with them,
//! and `check-served` expects them; docs/deploy.md gives the same for nginx,
//! Apache and buckets (its snippets are tested against these constants).
//!
//! - `Content-Security-Policy`: the pages' own policy ([`crate::policy::CSP`], the
//!   one `<meta>` every page carries, kept for hosts that cannot set
//!   headers) plus `frame-ancestors 'none'`, which a `<meta>` cannot carry.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`
//!   (as the pages' `<meta name="referrer">`: nothing of a reader's path
//!   through the guidance goes to the official sites it links to).
//! - `Strict-Transport-Security` when the site's `base_url` is https.
//! - `Cache-Control`: a year and `immutable` for fingerprinted files (CSS and
//!   JS with a content hash in their name, the checker's scripts and wasm
//!   named by their hash); `no-cache` for everything else (pages revalidate
//!   on every visit, so a corrected fee reaches readers at once and a page
//!   never names assets a deployment has removed).
//!
//! Pure: text in, text out.

use crate::policy::CSP;

/// The file `build` writes at the output's root.
pub const HEADERS_FILE: &str = "_headers";

/// `Cache-Control` of fingerprinted files: their name changes with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of pages and every other file: revalidate each time.
pub const REVALIDATE: &str = "no-cache";
pub const NOSNIFF: &str = "nosniff";
/// The same as the pages' `<meta name="referrer">`.
pub const REFERRER_POLICY: &str = "no-referrer";
/// Two years, this host only: `includeSubDomains` and `preload` bind every
/// subdomain of the agency's domain, a decision for its owner (see
/// docs/deploy.md).
pub const HSTS: &str = "max-age=63072000";

/// The CSP header: the pages' policy plus what only a header can say.
pub fn csp_header() -> String {
    format!("{CSP}; frame-ancestors 'none'")
}

/// A CSP's directives, in order: `(name, value)`, the name in lower case,
/// the value's sources separated by one space.
pub fn csp_directives(policy: &str) -> Vec<(String, String)> {
    policy
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_ascii_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.collect::<Vec<_>>().join(" ")))
        })
        .collect()
}

/// One block of `_headers`: a URL path pattern (exact, or ending in `*`,
/// which matches any rest) and the headers of the responses it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub pattern: String,
    pub headers: Vec<(String, String)>,
}

/// The rules of a whole site, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    pub rules: Vec<Rule>,
}

/// How long a file may be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifetime {
    Immutable,
    Revalidate,
}

impl Lifetime {
    fn header(self) -> &'static str {
        match self {
            Lifetime::Immutable => IMMUTABLE,
            Lifetime::Revalidate => REVALIDATE,
        }
    }
}

impl Rules {
    /// The rules for an output: `paths` are its files (relative, `/`
    /// separated; the headers file itself is left out), `immutable` says
    /// which are fingerprinted, `base_path` is where the output is served
    /// (the path of the site's `base_url`, `/…/`: the patterns are the URL
    /// paths a host sees). Folders whose files all share a lifetime get one
    /// `/folder/*` rule; otherwise their files are listed one by one (a
    /// folder's `index.html` also as the folder's own URL). No two rules
    /// give one path a `Cache-Control` (hosts would join the values).
    pub fn for_output<'a>(
        paths: impl IntoIterator<Item = &'a str>,
        immutable: impl Fn(&str) -> bool,
        https: bool,
        base_path: &str,
    ) -> Rules {
        let files: Vec<(&str, Lifetime)> = paths
            .into_iter()
            .filter(|p| *p != HEADERS_FILE)
            .map(|p| {
                let life = if immutable(p) {
                    Lifetime::Immutable
                } else {
                    Lifetime::Revalidate
                };
                (p, life)
            })
            .collect();
        let mut every = vec![
            ("Content-Security-Policy".to_string(), csp_header()),
            ("X-Content-Type-Options".to_string(), NOSNIFF.to_string()),
            ("Referrer-Policy".to_string(), REFERRER_POLICY.to_string()),
        ];
        if https {
            every.push(("Strict-Transport-Security".to_string(), HSTS.to_string()));
        }
        let base = format!("/{}", base_path.trim_matches('/'));
        let base = if base == "/" { base } else { base + "/" };
        let mut rules = vec![Rule {
            pattern: format!("{base}*"),
            headers: every,
        }];
        let mut lifetimes = std::collections::BTreeMap::new();
        group(&base, &files, &mut lifetimes);
        rules.extend(lifetimes.into_iter().map(|(pattern, life)| Rule {
            pattern,
            headers: vec![("Cache-Control".to_string(), life.header().to_string())],
        }));
        Rules { rules }
    }

    /// The `_headers` file.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# Response headers for this site, written by site-gen (Netlify and Cloudflare\n\
             # Pages read this file; for other hosts see docs/deploy.md). The CSP is the\n\
             # one every page carries in a <meta>, plus frame-ancestors.\n",
        );
        for rule in &self.rules {
            out.push_str(&rule.pattern);
            out.push('\n');
            for (name, value) in &rule.headers {
                out.push_str(&format!("  {name}: {value}\n"));
            }
        }
        out
    }

    /// Reads a `_headers` file: `# comments`, blank lines, a pattern on a
    /// line of its own, then its headers indented as `Name: value`.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut rules: Vec<Rule> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let at = || format!("{HEADERS_FILE}:{}", n + 1);
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !line.starts_with([' ', '\t']) {
                if !trimmed.starts_with('/') {
                    return Err(format!(
                        "{}: `{trimmed}` is neither a path (starting with `/`) nor an indented header",
                        at()
                    ));
                }
                rules.push(Rule {
                    pattern: trimmed.to_string(),
                    headers: Vec::new(),
                });
                continue;
            }
            let Some(rule) = rules.last_mut() else {
                return Err(format!("{}: a header before any path", at()));
            };
            let Some((name, value)) = trimmed.split_once(':') else {
                return Err(format!(
                    "{}: `{trimmed}` is not a header (`Name: value`)",
                    at()
                ));
            };
            let name = name.trim();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!("{}: `{name}` is not a header name", at()));
            }
            rule.headers
                .push((name.to_string(), value.trim().to_string()));
        }
        Ok(Rules { rules })
    }

    /// The headers of a response to `path` (a URL path, `/` first, no
    /// query), as Netlify and Cloudflare Pages apply the file: every rule
    /// that matches, in order; a header given by several rules has their
    /// values joined by `, `.
    pub fn lookup(&self, path: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for rule in self.rules.iter().filter(|r| matches(&r.pattern, path)) {
            for (name, value) in &rule.headers {
                match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    Some((_, v)) => {
                        v.push_str(", ");
                        v.push_str(value);
                    }
                    None => out.push((name.clone(), value.clone())),
                }
            }
        }
        out
    }
}

fn matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// Cache rules for the files below `prefix` (`/`, `/base/` or
/// `/base/folder/`): see [`Rules::for_output`].
fn group(
    prefix: &str,
    files: &[(&str, Lifetime)],
    out: &mut std::collections::BTreeMap<String, Lifetime>,
) {
    let mut folders: std::collections::BTreeMap<&str, Vec<(&str, Lifetime)>> =
        std::collections::BTreeMap::new();
    for &(path, life) in files {
        match path.split_once('/') {
            Some((folder, rest)) => folders.entry(folder).or_default().push((rest, life)),
            None => {
                out.insert(format!("{prefix}{path}"), life);
                if path == "index.html" {
                    out.insert(prefix.to_string(), life);
                }
            }
        }
    }
    for (folder, inner) in folders {
        let first = inner[0].1;
        if inner.iter().all(|(_, l)| *l == first) {
            out.insert(format!("{prefix}{folder}/*"), first);
        } else {
            group(&format!("{prefix}{folder}/"), &inner, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Rules {
        let paths = [
            "index.html",
            "404.html",
            "robots.txt",
            "css/site.0123456789.css",
            "checker/boot.0123456789.js",
            "checker/app-0123456789abcdef_bg.wasm",
            "ja/index.html",
            "ja/guide/index.html",
            "mixed/index.html",
            "mixed/a.0123456789.css",
            HEADERS_FILE,
        ];
        Rules::for_output(
            paths,
            |p| p.starts_with("checker/") || p.ends_with(".0123456789.css"),
            true,
            "/",
        )
    }

    #[test]
    fn fingerprinted_files_are_immutable_and_the_rest_revalidates() {
        let rules = site();
        let cache = |path: &str| {
            rules
                .lookup(path)
                .into_iter()
                .filter(|(n, _)| n == "Cache-Control")
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
        };
        for path in [
            "/css/site.0123456789.css",
            "/checker/app-0123456789abcdef_bg.wasm",
            "/mixed/a.0123456789.css",
        ] {
            assert_eq!(cache(path), [IMMUTABLE], "{path}");
        }
        for path in [
            "/",
            "/index.html",
            "/404.html",
            "/ja/",
            "/ja/guide/",
            "/mixed/",
            "/mixed/index.html",
            "/robots.txt",
        ] {
            assert_eq!(cache(path), [REVALIDATE], "{path}");
        }
        assert!(cache("/_headers").is_empty());
        // Every response carries the security headers.
        let home = rules.lookup("/");
        assert!(home.contains(&("Content-Security-Policy".into(), csp_header())));
        assert!(home.contains(&("X-Content-Type-Options".into(), "nosniff".into())));
        assert!(home.contains(&("Referrer-Policy".into(), "no-referrer".into())));
        assert!(home.contains(&("Strict-Transport-Security".into(), HSTS.into())));
        let http = Rules::for_output(["index.html"], |_| false, false, "/");
        assert!(
            !http
                .lookup("/")
                .iter()
                .any(|(n, _)| n == "Strict-Transport-Security")
        );
    }

    /// A site whose `base_url` has a path is served below it: the rules
    /// name the URL paths the host sees.
    #[test]
    fn rules_sit_below_the_base_path() {
        let rules = Rules::for_output(
            ["index.html", "css/a.0123456789.css", "en/index.html"],
            |p| p.starts_with("css/"),
            false,
            "/guide/",
        );
        let patterns: Vec<&str> = rules.rules.iter().map(|r| r.pattern.as_str()).collect();
        assert_eq!(
            patterns,
            [
                "/guide/*",
                "/guide/",
                "/guide/css/*",
                "/guide/en/*",
                "/guide/index.html"
            ]
        );
        assert!(rules.lookup("/css/a.0123456789.css").is_empty());
        assert_eq!(rules.lookup("/guide/css/a.0123456789.css").len(), 4);
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let rules = site();
        let text = rules.to_text();
        assert_eq!(Rules::parse(&text), Ok(rules));
        assert!(text.contains("\n/css/*\n  Cache-Control: public, max-age=31536000, immutable\n"));
        assert!(text.contains("\n/ja/*\n  Cache-Control: no-cache\n"));
    }

    #[test]
    fn a_header_given_twice_is_joined_as_hosts_do() {
        let rules =
            Rules::parse("/*\n  Cache-Control: no-cache\n/css/*\n  Cache-Control: max-age=1\n")
                .unwrap_or_default();
        assert_eq!(
            rules.lookup("/css/a.css"),
            [(
                "Cache-Control".to_string(),
                "no-cache, max-age=1".to_string()
            )]
        );
    }

    #[test]
    fn bad_headers_files_are_errors_with_their_line() {
        for (text, expected) in [
            ("  X: y\n", "_headers:1: a header before any path"),
            ("/*\n  no colon\n", "_headers:2: `no colon` is not a header"),
            ("# c\nfoo\n", "_headers:2: `foo` is neither a path"),
            (
                "/*\n  Bad Name: x\n",
                "_headers:2: `Bad Name` is not a header name",
            ),
        ] {
            match Rules::parse(text) {
                Err(e) => assert!(e.starts_with(expected), "{e}"),
                Ok(r) => panic!("{text:?} was read as {r:?}"),
            }
        }
    }

    #[test]
    fn csp_directives_are_split_and_normalized() {
        assert_eq!(
            csp_directives("default-src  'self' ;Script-Src 'self' 'wasm-unsafe-eval';"),
            [
                ("default-src".to_string(), "'self'".to_string()),
                (
                    "script-src".to_string(),
                    "'self' 'wasm-unsafe-eval'".to_string()
                ),
            ]
        );
        let header = csp_directives(&csp_header());
        assert_eq!(
            header.last(),
            Some(&("frame-ancestors".into(), "'none'".into()))
        );
        assert_eq!(header[..header.len() - 1], csp_directives(CSP)[..]);
    }
}
