//! `site-gen check-served <URL>`: fetches a published site as a browser
//! would and says whether its server serves it right: the home page, one
//! other page, the stylesheet and the checker's wasm, each checked for
//! compression (brotli or gzip, decoding to the same bytes), the headers of
//! [`crate::headers`] (the CSP with `frame-ancestors`, equal to the page's
//! own `<meta>` CSP; `X-Content-Type-Options`; `Referrer-Policy`; HSTS over
//! https), the right `Content-Type`, and `Cache-Control` (a year and
//! `immutable` for fingerprinted files, revalidation for pages).
//!
//! http:// needs only std (an HTTP/1.1 GET over a `TcpStream`); https://
//! needs site-gen built with `--features https` (ureq with rustls).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use url::Url;

use crate::headers::{self, csp_directives};

/// The most a response may carry (the largest file of a site is its wasm).
const MAX_BODY: u64 = 64 << 20;
const TIMEOUT: Duration = Duration::from_secs(30);
const MAX_REDIRECTS: usize = 5;
/// How many pages are read looking for one that loads the checker.
const MAX_PAGES: usize = 40;
/// A page may be kept this long (seconds) and still count as revalidating soon.
const SHORT_LIFETIME: u64 = 600;
const YEAR: u64 = 31_536_000;
/// Below this size a file need not be compressed (servers leave such files
/// as they are, and so does `build` when compressing does not shrink them).
const MIN_COMPRESSED: usize = 1024;
const USER_AGENT: &str = concat!("site-gen-check-served/", env!("CARGO_PKG_VERSION"));
const GUIDE: &str = "docs/deploy.md";

/// One HTTP response.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Where it came from, after redirects.
    pub url: Url,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Fetched {
    /// A header's value (several of the same name joined by `, `).
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// Fetches `url` asking for `accept_encoding`, following redirects.
pub fn fetch(url: &Url, accept_encoding: &str) -> Result<Fetched, String> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let response = fetch_once(&url, accept_encoding)?;
        if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
            return Ok(response);
        }
        let Some(location) = response.header("location") else {
            return Ok(response);
        };
        url = url
            .join(&location)
            .map_err(|e| format!("{url} redirects to `{location}`, which is not a URL: {e}"))?;
    }
    Err(format!(
        "{url}: more than {MAX_REDIRECTS} redirects in a row"
    ))
}

fn fetch_once(url: &Url, accept_encoding: &str) -> Result<Fetched, String> {
    match url.scheme() {
        "http" => http_get(url, accept_encoding),
        "https" => https_get(url, accept_encoding),
        other => Err(format!(
            "{url}: `{other}:` is not http: or https: (give the site's address, such as https://example.org/)"
        )),
    }
}

#[cfg(feature = "https")]
fn https_get(url: &Url, accept_encoding: &str) -> Result<Fetched, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(TIMEOUT))
        .user_agent(USER_AGENT)
        // The system's roots, as the browsers of the machine trust them.
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into();
    let mut response = agent
        .get(url.as_str())
        .header("Accept-Encoding", accept_encoding)
        .call()
        .map_err(|e| format!("cannot fetch {url}: {e}"))?;
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(|e| format!("cannot read {url}: {e}"))?;
    Ok(Fetched {
        url: url.clone(),
        status,
        headers,
        body,
    })
}

#[cfg(not(feature = "https"))]
fn https_get(url: &Url, _: &str) -> Result<Fetched, String> {
    Err(format!(
        "cannot fetch {url}: this site-gen was built without https support; build it with \
         `cargo run --release -p site-gen --features https -- check-served {url}` (adds rustls), \
         or check the site through an http:// address"
    ))
}

/// An HTTP/1.1 GET over a plain TCP connection, closed after the response.
fn http_get(url: &Url, accept_encoding: &str) -> Result<Fetched, String> {
    let host = url
        .host_str()
        .ok_or_else(|| format!("{url} names no host"))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<_> = (host.trim_start_matches('[').trim_end_matches(']'), port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot find {host}: {e}"))?
        .collect();
    let mut stream = None;
    let mut last = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let Some(mut stream) = stream else {
        return Err(match last {
            Some(e) => format!("cannot connect to {host}:{port}: {e} (is the server running?)"),
            None => format!("{host} has no address"),
        });
    };
    let io = |e: std::io::Error| format!("{url}: {e}");
    stream.set_read_timeout(Some(TIMEOUT)).map_err(io)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(io)?;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let authority = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: {USER_AGENT}\r\n\
         Accept: */*\r\nAccept-Encoding: {accept_encoding}\r\nConnection: close\r\n\r\n"
    )
    .map_err(io)?;
    let mut raw = Vec::new();
    stream
        .take(MAX_BODY + 64 * 1024)
        .read_to_end(&mut raw)
        .map_err(io)?;
    parse_response(url, &raw)
}

/// Reads a whole HTTP/1.x response (status line, headers, body: by
/// `Content-Length`, chunked, or up to the end).
fn parse_response(url: &Url, raw: &[u8]) -> Result<Fetched, String> {
    let bad = |what: &str| format!("{url}: the server's answer is not HTTP ({what})");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(&format!("status line `{status_line}`")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let fetched = Fetched {
        url: url.clone(),
        status,
        headers,
        body: Vec::new(),
    };
    let body = if fetched
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        dechunk(rest).ok_or_else(|| bad("a broken chunked body"))?
    } else if let Some(len) = fetched.header("content-length") {
        let len: usize = len
            .trim()
            .parse()
            .map_err(|_| bad(&format!("Content-Length `{len}`")))?;
        rest.get(..len)
            .ok_or_else(|| bad("a body shorter than its Content-Length"))?
            .to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Fetched { body, ..fetched })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// Decodes a body by its `Content-Encoding` (none, `br` or `gzip`).
fn decode(encoding: Option<&str>, body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match encoding.map(str::trim) {
        None | Some("") | Some("identity") => return Ok(body.to_vec()),
        Some("br") => brotli::BrotliDecompress(&mut &body[..], &mut out)
            .map_err(|e| format!("the brotli body does not decode: {e}"))?,
        Some("gzip") | Some("x-gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .map_err(|e| format!("the gzip body does not decode: {e}"))?;
        }
        Some(other) => return Err(format!("unknown Content-Encoding `{other}`")),
    };
    Ok(out)
}

/// What a fetched file is, and so what it must be served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Home,
    Page,
    Stylesheet,
    Wasm,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Home => "home page",
            Kind::Page => "page",
            Kind::Stylesheet => "stylesheet",
            Kind::Wasm => "checker wasm",
        }
    }

    fn is_page(self) -> bool {
        matches!(self, Kind::Home | Kind::Page)
    }

    fn extension(self) -> &'static str {
        match self {
            Kind::Home | Kind::Page => "html",
            Kind::Stylesheet => "css",
            Kind::Wasm => "wasm",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Kind::Home | Kind::Page => "text/html",
            Kind::Stylesheet => "text/css",
            Kind::Wasm => "application/wasm",
        }
    }
}

/// Something the server does wrong: where, which header (or
/// "compression", "Content-Type", "status"), what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub url: String,
    pub topic: String,
    pub message: String,
    pub fix: String,
}

/// One file checked, in a line.
#[derive(Debug, Clone)]
pub struct Checked {
    pub kind: Kind,
    pub url: String,
    pub summary: String,
}

/// The outcome of `check-served`.
#[derive(Debug, Default)]
pub struct Report {
    pub checked: Vec<Checked>,
    pub problems: Vec<Problem>,
    /// What was not checked, and why.
    pub notes: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether a problem names this topic (a header name, "compression"…).
    pub fn names(&self, topic: &str) -> bool {
        self.problems
            .iter()
            .any(|p| p.topic.eq_ignore_ascii_case(topic))
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for c in &self.checked {
            out.push_str(&format!(
                "  {:<13} {}\n  {:<13}   {}\n",
                c.kind.label(),
                c.url,
                "",
                c.summary
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        if self.problems.is_empty() {
            out.push_str(
                "ok: served right: compressed, with the CSP (and frame-ancestors), nosniff, \
                 Referrer-Policy and the right Cache-Control\n",
            );
            return out;
        }
        out.push_str(&format!(
            "{} problem{}:\n",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        ));
        for p in &self.problems {
            out.push_str(&format!(
                "error: {}: {}: {}\n  = fix: {}\n",
                p.url, p.topic, p.message, p.fix
            ));
        }
        out.push_str(&format!("  = see {GUIDE} for each host\n"));
        out
    }

    fn problem(&mut self, url: &Url, topic: &str, message: String, fix: &str) {
        self.problems.push(Problem {
            url: url.to_string(),
            topic: topic.to_string(),
            message,
            fix: fix.to_string(),
        });
    }
}

/// Checks the site served at `base` (its home page's address). `Err` when
/// the home page cannot be fetched at all.
pub fn check(base: &str) -> Result<Report, String> {
    let base = Url::parse(base).map_err(|e| {
        format!(
            "`{base}` is not a URL ({e}): give the site's address, such as https://example.org/"
        )
    })?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(format!("`{base}` is not an http:// or https:// address"));
    }
    let mut report = Report::default();
    let Some(home) = inspect(Kind::Home, &base, &base, &mut report)? else {
        return Ok(report);
    };
    let home_html = String::from_utf8_lossy(&home.body).into_owned();

    match stylesheet(&home_html, &home.url) {
        Some(css) => {
            inspect(Kind::Stylesheet, &base, &css, &mut report)?;
        }
        None => report.problem(
            &home.url,
            "stylesheet",
            "the home page links no stylesheet (`<link rel=\"stylesheet\">`)".into(),
            "is this a site built by site-gen? give the address of its home page",
        ),
    }

    // Pages, breadth first from the home page: the first is checked as
    // "a page"; the first that loads the checker gives its wasm.
    let mut queue: std::collections::VecDeque<Url> = links(&home_html, &home.url, &base).into();
    let mut seen: std::collections::BTreeSet<String> =
        queue.iter().map(|u| u.to_string()).collect();
    seen.insert(home.url.to_string());
    let mut page_checked = false;
    let mut wasm = None;
    let mut checker_page = None;
    let mut read = 0;
    while let Some(url) = queue.pop_front() {
        if (page_checked && wasm.is_some()) || read >= MAX_PAGES {
            break;
        }
        read += 1;
        let fetched = if page_checked {
            match fetch(&url, "identity") {
                Ok(f) if f.status == 200 => f,
                _ => continue,
            }
        } else {
            page_checked = true;
            match inspect(Kind::Page, &base, &url, &mut report)? {
                Some(f) => f,
                None => continue,
            }
        };
        let html = String::from_utf8_lossy(&fetched.body).into_owned();
        if checker_page.is_none() && html.contains("id=\"madoguchi-checker\"") {
            checker_page = Some(fetched.url.clone());
        }
        if wasm.is_none() {
            wasm = wasm_link(&html, &fetched.url);
        }
        for link in links(&html, &fetched.url, &base) {
            if seen.insert(link.to_string()) {
                queue.push_back(link);
            }
        }
    }
    if !page_checked {
        report.problem(
            &home.url,
            "page",
            "the home page links no other page of the site".into(),
            "give the address of the site's home page (where its language chooser is)",
        );
    }
    match (wasm, checker_page) {
        (Some(wasm), _) => {
            inspect(Kind::Wasm, &base, &wasm, &mut report)?;
        }
        (None, Some(page)) => report.problem(
            &page,
            "checker",
            "this page embeds the checker but loads no wasm: the site was built without it".into(),
            "build with the checker (`cargo xtask build`, or `site-gen build --checker <trunk's dist>`)",
        ),
        (None, None) => report.notes.push(format!(
            "no page among the first {MAX_PAGES} embeds the checker: its wasm was not checked"
        )),
    }
    if base.scheme() == "http" {
        report.notes.push(
            "Strict-Transport-Security is checked only over https:// (browsers ignore it over http)"
                .into(),
        );
    }
    Ok(report)
}

/// Fetches one file three ways (uncompressed; asking for brotli or gzip;
/// asking for gzip only) and checks what it is served with. Returns the
/// uncompressed response when the file was there.
fn inspect(
    kind: Kind,
    base: &Url,
    url: &Url,
    report: &mut Report,
) -> Result<Option<Fetched>, String> {
    let plain = match fetch(url, "identity") {
        Ok(f) => f,
        Err(e) if kind == Kind::Home => return Err(e),
        Err(e) => {
            report.problem(url, "status", e, "is the whole output folder published?");
            return Ok(None);
        }
    };
    if plain.status != 200 {
        report.problem(
            url,
            "status",
            format!("answered {} instead of 200", plain.status),
            "publish the whole output folder, as `site-gen build` wrote it",
        );
        return Ok(None);
    }
    let body = match decode(plain.header("content-encoding").as_deref(), &plain.body) {
        Ok(b) => b,
        Err(e) => {
            report.problem(
                url,
                "compression",
                e,
                "serve the .br/.gz files with the matching Content-Encoding",
            );
            return Ok(None);
        }
    };
    let plain = Fetched { body, ..plain };
    let mut summary = format!("{} bytes", plain.body.len());

    let encodings = check_compression(url, &plain, report);
    if encodings.is_empty() && plain.body.len() < MIN_COMPRESSED {
        summary.push_str(", too small to need compression");
    }
    if !encodings.is_empty() {
        let list: Vec<String> = encodings.iter().map(|(e, n)| format!("{e} {n}")).collect();
        summary.push_str(&format!(", compressed: {}", list.join(", ")));
    }

    let content_type = plain.header("content-type").unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with(kind.content_type())
    {
        report.problem(
            url,
            "Content-Type",
            format!(
                "is `{content_type}`, not `{}`{}",
                kind.content_type(),
                if kind == Kind::Wasm {
                    " (browsers then compile the wasm more slowly, or not at all)"
                } else {
                    " (with nosniff the browser ignores the file)"
                }
            ),
            &format!(
                "serve `.{ext}` files as `{ty}` (nginx: mime.types; Apache: `AddType {ty} .{ext}`)",
                ext = kind.extension(),
                ty = kind.content_type()
            ),
        );
    }
    if !plain
        .header("x-content-type-options")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(headers::NOSNIFF))
    {
        report.problem(
            url,
            "X-Content-Type-Options",
            "missing (`nosniff`)".into(),
            "send `X-Content-Type-Options: nosniff` with every response",
        );
    }
    check_cache(kind, url, &plain, report);
    if kind.is_page() {
        check_page_headers(url, &plain, report);
        let hsts = plain
            .header("strict-transport-security")
            .and_then(|v| max_age(&v))
            .unwrap_or(0);
        if base.scheme() == "https" && hsts == 0 {
            report.problem(
                url,
                "Strict-Transport-Security",
                "missing: browsers may still try http:// first".into(),
                &format!("send `Strict-Transport-Security: {}`", headers::HSTS),
            );
        }
    }
    summary.push_str(&format!(
        ", {}, Cache-Control: {}",
        if content_type.is_empty() {
            "no Content-Type"
        } else {
            content_type.as_str()
        },
        plain
            .header("cache-control")
            .unwrap_or_else(|| "none".into())
    ));
    report.checked.push(Checked {
        kind,
        url: url.to_string(),
        summary,
    });
    Ok(Some(plain))
}

/// Asks for the file compressed, as browsers do (`br, gzip` over https;
/// over http they ask for `gzip` only), and checks each answer: encoded as
/// asked, decoding to the uncompressed bytes, with `Vary: Accept-Encoding`.
/// Returns the encodings served and their sizes.
fn check_compression(url: &Url, plain: &Fetched, report: &mut Report) -> Vec<(String, usize)> {
    const SERVE_COPIES: &str = "serve the .br and .gz files `site-gen build` writes (nginx: \
        `brotli_static on; gzip_static on;`), or let the host compress";
    let mut encodings: Vec<(String, usize)> = Vec::new();
    for (ask, wanted) in [("br, gzip", &["br", "gzip"][..]), ("gzip", &["gzip"][..])] {
        let packed = match fetch(url, ask) {
            Ok(f) => f,
            Err(e) => {
                report.problem(url, "compression", e, "is the server up and reachable?");
                continue;
            }
        };
        let encoding = packed
            .header("content-encoding")
            .map(|e| e.trim().to_ascii_lowercase());
        let e = match encoding.as_deref() {
            Some(e) if wanted.contains(&e) => e,
            None if plain.body.len() < MIN_COMPRESSED => continue,
            other => {
                let sent = other.map_or("it uncompressed".to_string(), |o| {
                    format!("`Content-Encoding: {o}`")
                });
                let message = format!("asked with `Accept-Encoding: {ask}`, sent {sent}");
                report.problem(url, "compression", message, SERVE_COPIES);
                continue;
            }
        };
        match decode(Some(e), &packed.body) {
            Ok(decoded) if decoded == plain.body => {}
            Ok(_) => {
                let message =
                    format!("the {e} response decodes to other bytes than the uncompressed one");
                let fix = "serve the .br/.gz files of the build that is served, not older ones";
                report.problem(url, "compression", message, fix);
                continue;
            }
            Err(err) => {
                let fix = "serve .br as `Content-Encoding: br` and .gz as `gzip`, nothing else";
                report.problem(url, "compression", err, fix);
                continue;
            }
        }
        if !encodings.iter().any(|(n, _)| n == e) {
            encodings.push((e.to_string(), packed.body.len()));
        }
        let varies = packed
            .header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding"));
        if !varies {
            let message = format!(
                "sent {e} without `Vary: Accept-Encoding`: a cache between server and reader \
                 may hand the compressed file to a browser that cannot read it"
            );
            let fix = "nginx: `gzip_vary on;`; Apache: `Header append Vary Accept-Encoding`; \
                 a bucket: let the CDN compress";
            report.problem(url, "Vary", message, fix);
        }
    }
    encodings
}

fn max_age(value: &str) -> Option<u64> {
    value.split([',', ';']).find_map(|d| {
        let (name, v) = d.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())?
    })
}

fn check_cache(kind: Kind, url: &Url, plain: &Fetched, report: &mut Report) {
    let value = plain.header("cache-control").unwrap_or_default();
    let directives: Vec<String> = value
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    let has = |d: &str| directives.iter().any(|x| x == d);
    let age = max_age(&value);
    if kind.is_page() {
        let short = has("no-cache") || has("no-store") || age.is_some_and(|a| a <= SHORT_LIFETIME);
        if !short || has("immutable") {
            report.problem(
                url,
                "Cache-Control",
                if value.is_empty() {
                    "missing: browsers and caches then keep pages as long as they guess".into()
                } else {
                    format!(
                        "`{value}` keeps a page too long: a corrected fee would not reach readers"
                    )
                },
                &format!("send `Cache-Control: {}` for pages", headers::REVALIDATE),
            );
        }
    } else if !(has("immutable") && age.is_some_and(|a| a >= YEAR)) {
        report.problem(
            url,
            "Cache-Control",
            format!(
                "{}: this file's name changes with its content, so it can be kept for a year",
                if value.is_empty() {
                    "missing".to_string()
                } else {
                    format!("`{value}`")
                }
            ),
            &format!(
                "send `Cache-Control: {}` for fingerprinted files",
                headers::IMMUTABLE
            ),
        );
    }
}

/// The CSP header (with frame-ancestors, otherwise the page's own `<meta>`
/// policy) and Referrer-Policy of a page.
fn check_page_headers(url: &Url, page: &Fetched, report: &mut Report) {
    check_csp(url, page, report);
    check_referrer(url, page, report);
}

fn check_csp(url: &Url, page: &Fetched, report: &mut Report) {
    let html = String::from_utf8_lossy(&page.body);
    let meta = tags(&html, "meta")
        .into_iter()
        .find(|a| {
            attr(a, "http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-security-policy"))
        })
        .and_then(|a| attr(&a, "content").map(str::to_string));
    let fix_csp = format!(
        "send the CSP of the pages plus frame-ancestors: `Content-Security-Policy: {}`",
        headers::csp_header()
    );
    match page.header("content-security-policy") {
        None => report.problem(
            url,
            "Content-Security-Policy",
            "missing as a header: the page's <meta> policy cannot forbid framing (clickjacking)"
                .into(),
            &fix_csp,
        ),
        Some(value) => {
            // Several headers are several policies, all enforced: the one
            // with frame-ancestors is compared with the page's.
            let policies: Vec<Vec<(String, String)>> =
                value.split(',').map(csp_directives).collect();
            let Some(policy) = policies
                .iter()
                .find(|p| p.iter().any(|(n, _)| n == "frame-ancestors"))
            else {
                report.problem(
                    url,
                    "Content-Security-Policy",
                    format!("`{value}` has no frame-ancestors: other sites may frame the page"),
                    &fix_csp,
                );
                return;
            };
            if let Some(meta) = meta {
                let want = csp_directives(&meta);
                let extra = ["frame-ancestors", "report-uri", "report-to"];
                let differs = want.iter().any(|d| !policy.contains(d))
                    || policy
                        .iter()
                        .any(|d| !extra.contains(&d.0.as_str()) && !want.contains(d));
                if differs {
                    report.problem(
                        url,
                        "Content-Security-Policy",
                        format!("the header `{value}` is not the page's own policy `{meta}` plus frame-ancestors"),
                        &fix_csp,
                    );
                }
            }
        }
    }
}

fn check_referrer(url: &Url, page: &Fetched, report: &mut Report) {
    const PRIVATE: [&str; 4] = [
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ];
    let referrer = page.header("referrer-policy");
    // Browsers use the last policy they know.
    let last = referrer
        .as_deref()
        .and_then(|r| r.split(',').map(str::trim).rfind(|p| !p.is_empty()))
        .map(str::to_ascii_lowercase);
    if !last.as_deref().is_some_and(|p| PRIVATE.contains(&p)) {
        report.problem(
            url,
            "Referrer-Policy",
            match &referrer {
                None => "missing".into(),
                Some(r) => format!("`{r}` tells other sites which page a reader came from"),
            },
            &format!("send `Referrer-Policy: {}`", headers::REFERRER_POLICY),
        );
    }
}

/// The attributes of every `<name …>` tag of an HTML text (names in lower
/// case, values with character references decoded). Enough for the pages
/// site-gen writes.
fn tags(html: &str, name: &str) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = html.get(from..).and_then(|h| h.find(&open)) {
        let mut at = from + i + open.len();
        from = at;
        if !bytes
            .get(at)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
        {
            continue;
        }
        let mut attrs = Vec::new();
        loop {
            while bytes
                .get(at)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                at += 1;
            }
            match bytes.get(at) {
                None | Some(b'>') => break,
                _ => {}
            }
            let start = at;
            while bytes
                .get(at)
                .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
            {
                at += 1;
            }
            let attr_name = html.get(start..at).unwrap_or_default().to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(at) == Some(&b'=') {
                at += 1;
                let (end, skip) = match bytes.get(at) {
                    Some(q @ (b'"' | b'\'')) => {
                        at += 1;
                        let q = *q as char;
                        (html.get(at..).and_then(|h| h.find(q)).map(|e| at + e), 1)
                    }
                    _ => (
                        html.get(at..)
                            .and_then(|h| h.find(|c: char| c.is_ascii_whitespace() || c == '>'))
                            .map(|e| at + e),
                        0,
                    ),
                };
                let end = end.unwrap_or(bytes.len());
                value = unescape(html.get(at..end).unwrap_or_default());
                at = end + skip;
            }
            if attr_name.is_empty() {
                at += 1;
                continue;
            }
            attrs.push((attr_name, value));
        }
        from = at;
        out.push(attrs);
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The stylesheet a page links.
fn stylesheet(html: &str, page: &Url) -> Option<Url> {
    tags(html, "link")
        .into_iter()
        .find(|a| {
            attr(a, "rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|w| w.eq_ignore_ascii_case("stylesheet"))
            })
        })
        .and_then(|a| page.join(attr(&a, "href")?).ok())
}

/// The checker's wasm a page preloads.
fn wasm_link(html: &str, page: &Url) -> Option<Url> {
    tags(html, "link")
        .into_iter()
        .filter_map(|a| attr(&a, "href").map(str::to_string))
        .find(|h| {
            h.split(['?', '#'])
                .next()
                .is_some_and(|p| p.ends_with(".wasm"))
        })
        .and_then(|h| page.join(&h).ok())
}

/// The site's pages a page links to: same origin, under the site's path,
/// a folder or an `.html` file; without fragment or query.
fn links(html: &str, page: &Url, base: &Url) -> Vec<Url> {
    let mut out = Vec::new();
    for a in tags(html, "a").into_iter().chain(
        tags(html, "link")
            .into_iter()
            .filter(|a| attr(a, "rel").is_some_and(|r| r.eq_ignore_ascii_case("alternate"))),
    ) {
        let Some(mut url) = attr(&a, "href").and_then(|h| page.join(h).ok()) else {
            continue;
        };
        url.set_fragment(None);
        url.set_query(None);
        let same_site = url.origin() == base.origin() && url.path().starts_with(base.path());
        let is_page = url.path().ends_with('/') || url.path().ends_with(".html");
        if same_site && is_page && url != *page && !out.contains(&url) {
            out.push(url);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn responses_are_read_by_length_chunks_or_to_the_end() {
        let u = url("http://127.0.0.1/");
        let r = parse_response(
            &u,
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: 1\r\nx-a: 2\r\n\r\nabcdef",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.status, r.body.as_slice()), (200, &b"abc"[..]));
        assert_eq!(r.header("X-A").as_deref(), Some("1, 2"));
        let r = parse_response(
            &u,
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.status, r.body.as_slice()), (404, &b"abcde"[..]));
        let r = parse_response(&u, b"HTTP/1.0 200 OK\r\n\r\nall").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.body, b"all");
        for bad in [
            &b"garbage"[..],
            b"SMTP 220\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        ] {
            assert!(
                parse_response(&u, bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn tags_links_and_entities_are_read_from_site_gens_pages() {
        let html = "<html><head><meta charset=\"utf-8\">\
            <meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;self&#39;; base-uri &#39;none&#39;\">\
            <link rel=\"stylesheet\" href=\"/guide/css/site.0123456789.css\">\
            <link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/guide/en/\">\
            <link rel=\"preload\" href=\"/guide/checker/app-0123456789abcdef_bg.wasm\" as=\"fetch\" crossorigin=\"anonymous\">\
            </head><body><a href=\"ja/#main\">日本語</a><a href=\"/other/\">x</a><a href=\"https://www.moj.go.jp/\">MOJ</a>\
            <a href=\"/guide/ja/\">again</a><a class=x href=/guide/a.html?q=1>unquoted</a><abbr title=\"t\">t</abbr></body></html>";
        let page = url("https://example.org/guide/");
        let meta = tags(html, "meta");
        assert_eq!(meta.len(), 2);
        assert_eq!(
            attr(&meta[1], "content"),
            Some("default-src 'self'; base-uri 'none'")
        );
        assert_eq!(
            stylesheet(html, &page).map(String::from),
            Some("https://example.org/guide/css/site.0123456789.css".into())
        );
        assert_eq!(
            wasm_link(html, &page).map(String::from),
            Some("https://example.org/guide/checker/app-0123456789abcdef_bg.wasm".into())
        );
        let found: Vec<String> = links(html, &page, &page)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            found,
            [
                "https://example.org/guide/ja/",
                "https://example.org/guide/a.html",
                "https://example.org/guide/en/",
            ]
        );
        assert_eq!(
            unescape("a &amp;&lt;&#x27;&#39;&bogus; &"),
            "a &<'\'&bogus; &"
        );
        // A truncated tag or attribute ends the scan without a panic.
        for cut in 0..html.len() {
            if let Some(part) = html.get(..cut) {
                let _ = tags(part, "link");
            }
        }
    }

    #[test]
    fn cache_lifetimes_and_referrer_policies_are_judged() {
        let u = url("http://127.0.0.1/");
        let with = |headers: &[(&str, &str)], body: &str| Fetched {
            url: u.clone(),
            status: 200,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        };
        let problems = |kind: Kind, f: &Fetched| {
            let mut r = Report::default();
            check_cache(kind, &u, f, &mut r);
            if kind.is_page() {
                check_page_headers(&u, f, &mut r);
            }
            r.problems.into_iter().map(|p| p.topic).collect::<Vec<_>>()
        };
        let page =
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;self&#39;\">";
        let good = with(
            &[
                ("Cache-Control", "no-cache"),
                (
                    "Content-Security-Policy",
                    "default-src 'self'; frame-ancestors 'none'",
                ),
                ("Referrer-Policy", "no-referrer"),
            ],
            page,
        );
        assert!(problems(Kind::Page, &good).is_empty());
        assert_eq!(
            problems(
                Kind::Page,
                &with(
                    &[
                        ("Cache-Control", "max-age=600"),
                        (
                            "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'"
                        ),
                        (
                            "Referrer-Policy",
                            "unsafe-url, strict-origin-when-cross-origin"
                        )
                    ],
                    page
                )
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            problems(
                Kind::Page,
                &with(
                    &[
                        ("Cache-Control", "public, max-age=31536000, immutable"),
                        ("Content-Security-Policy", "default-src 'self'"),
                        ("Referrer-Policy", "unsafe-url")
                    ],
                    page
                )
            ),
            [
                "Cache-Control",
                "Content-Security-Policy",
                "Referrer-Policy"
            ]
        );
        // A header policy other than the page's, even with frame-ancestors.
        assert_eq!(
            problems(
                Kind::Page,
                &with(
                    &[
                        ("Cache-Control", "no-cache"),
                        (
                            "Content-Security-Policy",
                            "default-src *; frame-ancestors 'none'"
                        ),
                        ("Referrer-Policy", "no-referrer")
                    ],
                    page
                )
            ),
            ["Content-Security-Policy"]
        );
        assert!(
            problems(
                Kind::Stylesheet,
                &with(&[("Cache-Control", headers::IMMUTABLE)], "")
            )
            .is_empty()
        );
        for weak in [
            "max-age=31536000",
            "public, immutable, max-age=600",
            "no-cache",
            "",
        ] {
            assert_eq!(
                problems(Kind::Wasm, &with(&[("Cache-Control", weak)], "")),
                ["Cache-Control"],
                "{weak}"
            );
        }
    }

    #[test]
    fn encodings_are_decoded_or_refused() {
        let text = b"hello hello hello hello".to_vec();
        let br = crate::precompress::brotli(&text);
        let gz = crate::precompress::gzip(&text);
        assert_eq!(decode(Some("br"), &br), Ok(text.clone()));
        assert_eq!(decode(Some("gzip"), &gz), Ok(text.clone()));
        assert_eq!(decode(None, &text), Ok(text.clone()));
        assert!(decode(Some("br"), &gz).is_err());
        assert!(decode(Some("zstd"), &text).is_err());
    }

    #[test]
    fn bad_addresses_are_clear_errors() {
        for (bad, says) in [
            ("example.org", "is not a URL"),
            (
                "ftp://example.org/",
                "is not an http:// or https:// address",
            ),
        ] {
            match check(bad) {
                Err(e) => assert!(e.contains(says), "{e}"),
                Ok(r) => panic!("{bad} was checked: {r:?}"),
            }
        }
        // Nothing listens on port 9 of this machine (discard, never served).
        match check("http://127.0.0.1:9/") {
            Err(e) => assert!(e.contains("cannot connect to 127.0.0.1:9"), "{e}"),
            Ok(r) => panic!("{r:?}"),
        }
    }
}
