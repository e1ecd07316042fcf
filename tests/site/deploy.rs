//! The deployable output: precompressed copies, the `_headers` file, and
//! `site-gen check-served` against a host that serves the output as the
//! deploy guide says (nginx's `brotli_static`/`gzip_static` and the
//! `_headers` rules), against the same host with one thing wrong, and
//! against `site-gen serve`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use site_gen::Options;
use site_gen::headers::{self, Rules, csp_directives};

use crate::support::{SiteTest, real_site, tree};

/// The wasm and glue of a checker as trunk names them (its content hash
/// in the name), with enough bytes to be worth compressing.
fn checker_dist(site: &SiteTest) -> PathBuf {
    let dist = site.root().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("checker-app-0123456789abcdef.js"),
        "export default async function init(m) { return m; }\n".repeat(40),
    )
    .unwrap();
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend((0..20_000u32).map(|i| (i % 7) as u8));
    std::fs::write(dist.join("checker-app-0123456789abcdef_bg.wasm"), wasm).unwrap();
    dist
}

fn build(site: &SiteTest, precompress: bool) -> PathBuf {
    let mut opts = Options::new(site.root());
    opts.checker_dist = Some(checker_dist(site));
    opts.precompress = precompress;
    site.build_with(opts);
    site.out()
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn precompressed_copies_decompress_to_the_originals_and_are_deterministic() {
    let (a, b) = (SiteTest::fixture("i18n"), SiteTest::fixture("i18n"));
    let files = tree(&build(&a, true));
    assert_eq!(files, tree(&build(&b, true)), "two builds differ");
    let mut checked = 0;
    for (rel, bytes) in &files {
        let copies = [("br", unbrotli as fn(&[u8]) -> Vec<u8>), ("gz", ungzip)];
        for (suffix, decode) in copies {
            if let Some(copy) = files.get(&format!("{rel}.{suffix}")) {
                assert!(copy.len() < bytes.len(), "{rel}.{suffix} is not smaller");
                assert!(decode(copy) == *bytes, "{rel}.{suffix} is not {rel}");
                checked += 1;
            }
        }
        let name_of_a_copy = rel.ends_with(".br") || rel.ends_with(".gz");
        if !name_of_a_copy && rel != headers::HEADERS_FILE && bytes.len() > 1024 {
            assert!(
                files.contains_key(&format!("{rel}.br"))
                    && files.contains_key(&format!("{rel}.gz")),
                "{rel} ({} bytes) has no .br and .gz",
                bytes.len()
            );
        }
        if name_of_a_copy {
            let original = &rel[..rel.len() - 3];
            assert!(files.contains_key(original), "{rel} has no original");
        }
    }
    // Pages, the stylesheet, the checker's glue and wasm, sitemap, 404…
    assert!(checked > 30, "only {checked} copies");
    for rel in [
        "checker/checker-app-0123456789abcdef_bg.wasm.br",
        "checker/checker-app-0123456789abcdef.js.gz",
        "en/guide/fees/index.html.br",
        "index.html.gz",
    ] {
        assert!(files.contains_key(rel), "{rel} missing");
    }
    // Without precompressing, the output is the same minus the copies.
    let plain = SiteTest::fixture("i18n");
    let without = tree(&build(&plain, false));
    let originals: std::collections::BTreeMap<_, _> = files
        .into_iter()
        .filter(|(rel, _)| !rel.ends_with(".br") && !rel.ends_with(".gz"))
        .collect();
    assert_eq!(without, originals);
}

/// The page's own `<meta>` CSP, decoded.
fn meta_csp(html: &str) -> Option<String> {
    let at = html.find("http-equiv=\"Content-Security-Policy\" content=\"")?;
    let rest = &html[at + "http-equiv=\"Content-Security-Policy\" content=\"".len()..];
    let value = &rest[..rest.find('"')?];
    Some(value.replace("&#39;", "'").replace("&amp;", "&"))
}

#[test]
fn the_headers_file_carries_the_csp_the_pages_carry_plus_frame_ancestors() {
    let site = SiteTest::fixture("i18n");
    let out = build(&site, false);
    let text = std::fs::read_to_string(out.join(headers::HEADERS_FILE)).unwrap();
    let rules = Rules::parse(&text).unwrap();
    let files = tree(&out);
    let mut pages = 0;
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes.clone()).unwrap();
        let meta = meta_csp(&html).unwrap_or_else(|| panic!("{rel} has no meta CSP"));
        // The fixture's base_url is https://example.org/guide/.
        let url = format!("/guide/{}", rel.trim_end_matches("index.html"));
        let sent = rules.lookup(&url);
        let header = |name: &str| {
            let values: Vec<&String> = sent
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v)
                .collect();
            assert_eq!(values.len(), 1, "{url}: {name} {values:?}");
            values[0].clone()
        };
        let mut expected = csp_directives(&meta);
        expected.push(("frame-ancestors".into(), "'none'".into()));
        assert_eq!(
            csp_directives(&header("Content-Security-Policy")),
            expected,
            "{url}"
        );
        assert_eq!(header("X-Content-Type-Options"), "nosniff");
        assert_eq!(header("Referrer-Policy"), "no-referrer");
        assert!(
            html.contains("<meta name=\"referrer\" content=\"no-referrer\">"),
            "{rel}"
        );
        assert_eq!(header("Strict-Transport-Security"), headers::HSTS);
        assert_eq!(header("Cache-Control"), "no-cache", "{url}");
    }
    assert!(pages >= 10, "{pages}");
    // Fingerprinted files are kept a year; every file has one lifetime.
    for (rel, _) in files.iter().filter(|(r, _)| *r != headers::HEADERS_FILE) {
        let cache: Vec<String> = rules
            .lookup(&format!("/guide/{rel}"))
            .into_iter()
            .filter(|(n, _)| n == "Cache-Control")
            .map(|(_, v)| v)
            .collect();
        let fingerprinted = rel.starts_with("checker/")
            || rel.starts_with("css/site.")
            || *rel == site_gen::offline::register_path();
        let want = if fingerprinted {
            headers::IMMUTABLE
        } else {
            headers::REVALIDATE
        };
        assert_eq!(cache, [want], "{rel}");
    }
    // A site on http gets no HSTS; one on https gets it: the base_url decides.
    let mut opts = Options::new(site.root());
    opts.base_url = Some("http://127.0.0.1:8000/".into());
    let built = site_gen::generate(&opts).unwrap();
    let text = String::from_utf8(built.files[headers::HEADERS_FILE].to_vec()).unwrap();
    assert!(!text.contains("Strict-Transport-Security"), "{text}");
    assert!(
        text.contains("\n/*\n") && text.contains("\n/en/*\n"),
        "{text}"
    );
}

#[test]
fn a_static_file_may_not_take_a_generated_name() {
    for (name, says) in [
        ("_headers", "would replace the generated `_headers`"),
        ("about.html.br", "the precompressed copy `about.html.br`"),
    ] {
        let site = SiteTest::fixture("i18n");
        std::fs::write(site.root().join("static").join(name), "x").unwrap();
        match site.try_build() {
            Ok(_) => panic!("static/{name} was published"),
            Err(e) => {
                let text = e.render_plain();
                assert!(text.contains(says), "{text}");
            }
        }
    }
}

/// What a test host does wrong.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// Leaves out one header of the `_headers` rules.
    Drops(&'static str),
    /// Ignores the precompressed copies.
    NoCompression,
    /// Sends the copies without `Vary: Accept-Encoding`.
    NoVary,
    /// Sends everything as `application/octet-stream`.
    NoTypes,
}

/// Serves a built output below its base path as nginx with
/// `brotli_static on; gzip_static on; gzip_vary on;` and the `_headers`
/// rules would: the copy the client accepts, with its Content-Encoding.
/// Returns its address; the server lives as long as the test process.
fn host(out: PathBuf, base: &'static str, fault: Fault) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let rules =
        Rules::parse(&std::fs::read_to_string(out.join(headers::HEADERS_FILE)).unwrap()).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (out, rules) = (out.clone(), rules.clone());
            std::thread::spawn(move || answer(stream, &out, base, &rules, fault));
        }
    });
    addr
}

fn answer(mut stream: TcpStream, out: &Path, base: &str, rules: &Rules, fault: Fault) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    reader.read_line(&mut request).unwrap();
    let mut accept = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("accept-encoding")
        {
            accept = value.trim().to_string();
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let file = path
        .strip_prefix(base)
        .map(|rel| {
            if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            }
        })
        .map(|rel| out.join(rel))
        .filter(|f| f.is_file());
    let Some(file) = file else {
        let _ = write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        return;
    };
    let accepts = |e: &str| accept.split(',').any(|a| a.trim() == e);
    let mut headers = vec![(
        "Content-Type".to_string(),
        site_gen::serve::content_type(&file.to_string_lossy()).to_string(),
    )];
    let mut body = std::fs::read(&file).unwrap();
    let copy = |suffix: &str| PathBuf::from(format!("{}.{suffix}", file.display()));
    let has_copy = copy("br").is_file() || copy("gz").is_file();
    if fault == Fault::NoTypes {
        headers[0].1 = "application/octet-stream".into();
    }
    if fault != Fault::NoCompression && has_copy {
        if fault != Fault::NoVary {
            headers.push(("Vary".into(), "Accept-Encoding".into()));
        }
        for (suffix, encoding) in [("br", "br"), ("gz", "gzip")] {
            if accepts(encoding) && copy(suffix).is_file() {
                body = std::fs::read(copy(suffix)).unwrap();
                headers.push(("Content-Encoding".into(), encoding.into()));
                break;
            }
        }
    }
    for (name, value) in rules.lookup(&path) {
        if fault != Fault::Drops(headers_name(&name)) {
            headers.push((name, value));
        }
    }
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.write_all(&body);
}

/// The rules' header names, as `&'static str` to compare with a fault.
fn headers_name(name: &str) -> &'static str {
    [
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Strict-Transport-Security",
        "Cache-Control",
    ]
    .into_iter()
    .find(|n| n.eq_ignore_ascii_case(name))
    .unwrap_or("")
}

#[test]
fn check_served_passes_a_right_host_and_names_what_a_wrong_one_lacks() {
    let site = SiteTest::fixture("i18n");
    let out = build(&site, true);

    let url = format!(
        "http://{}/guide/",
        host(out.clone(), "/guide/", Fault::None)
    );
    let report = site_gen::served::check(&url).unwrap();
    assert!(report.ok(), "{}", report.to_text());
    let kinds: Vec<String> = report
        .checked
        .iter()
        .map(|c| format!("{:?} {}", c.kind, c.url))
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(
        kinds[0].starts_with("Home ") && kinds[0].ends_with("/guide/"),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|k| k.starts_with("Stylesheet ") && k.contains("/guide/css/site.")),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|k| k.starts_with("Page ")), "{kinds:?}");
    assert!(
        kinds.iter().any(|k| k.starts_with("Wasm ")
            && k.ends_with("/guide/checker/checker-app-0123456789abcdef_bg.wasm")),
        "{kinds:?}"
    );
    let cli = Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .args(["check-served", &url])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(cli.status.success(), "{stderr}");
    assert!(stderr.contains("ok: served right"), "{stderr}");

    for (fault, topic) in [
        (
            Fault::Drops("X-Content-Type-Options"),
            "X-Content-Type-Options",
        ),
        (
            Fault::Drops("Content-Security-Policy"),
            "Content-Security-Policy",
        ),
        (Fault::Drops("Referrer-Policy"), "Referrer-Policy"),
        (Fault::Drops("Cache-Control"), "Cache-Control"),
        (Fault::NoCompression, "compression"),
        (Fault::NoVary, "Vary"),
        (Fault::NoTypes, "Content-Type"),
    ] {
        let url = format!("http://{}/guide/", host(out.clone(), "/guide/", fault));
        let report = site_gen::served::check(&url).unwrap();
        assert!(
            report.names(topic),
            "{topic} not named:\n{}",
            report.to_text()
        );
        let others: Vec<&str> = report
            .problems
            .iter()
            .map(|p| p.topic.as_str())
            .filter(|t| *t != topic)
            .collect();
        assert!(others.is_empty(), "{topic}: also {others:?}");
        let cli = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .args(["check-served", &url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&cli.stderr);
        assert_eq!(cli.status.code(), Some(1), "{topic}: {stderr}");
        assert!(
            stderr.contains(&format!(": {topic}: ")) && stderr.contains("= fix: "),
            "{stderr}"
        );
    }
    // HSTS is checked only over https, which this host is not.
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("Strict-Transport-Security"))
    );
}

/// `site-gen serve` answers with the build's own `_headers` rules: the
/// check finds nothing wrong but what a dev server leaves out on purpose
/// (compression).
#[test]
fn serve_sends_the_headers_of_the_headers_file() {
    let site = SiteTest::fixture("i18n");
    let dist = checker_dist(&site);
    let (mut child, addr) =
        crate::support::start_serve(site.root(), Some(&dist), std::process::Stdio::null());
    let report = site_gen::served::check(&format!("http://{addr}/"));
    child.kill().unwrap();
    let _ = child.wait();
    let report = report.unwrap();
    let topics: Vec<&str> = report.problems.iter().map(|p| p.topic.as_str()).collect();
    assert!(
        !topics.is_empty() && topics.iter().all(|t| *t == "compression"),
        "{}",
        report.to_text()
    );
    assert_eq!(report.checked.len(), 4, "{}", report.to_text());
}

/// Whether a line of `text` is `line`, spaces aside (not in a comment).
fn has_line(text: &str, line: &str) -> bool {
    let words = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let want = words(line);
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .any(|l| words(l) == want)
}

/// The names `output::hashed_name` calls fingerprinted, as nginx's map matches them.
const HASHED: &str = r#""~(\.[0-9a-f]{8,}|-[0-9a-f]{8,}(_bg)?)\.(css|js|mjs|wasm)$""#;

/// The nginx and Apache snippets of the deploy guide send what `_headers`
/// says, with the same CSP.
#[test]
fn the_deploy_guides_snippets_send_the_headers_file_headers() {
    let docs = real_site().join("docs/deploy");
    let nginx = std::fs::read_to_string(docs.join("nginx.conf")).unwrap();
    for line in [
        format!(
            "add_header Content-Security-Policy \"{}\" always;",
            headers::csp_header()
        ),
        format!(
            "add_header X-Content-Type-Options {} always;",
            headers::NOSNIFF
        ),
        format!(
            "add_header Referrer-Policy {} always;",
            headers::REFERRER_POLICY
        ),
        format!(
            "add_header Strict-Transport-Security \"{}\" always;",
            headers::HSTS
        ),
        // One Cache-Control, from a map of the URL: a year for hashed names.
        "add_header Cache-Control $madoguchi_cache always;".into(),
        format!("{HASHED} \"{}\";", headers::IMMUTABLE),
        format!("default \"{}\";", headers::REVALIDATE),
        "brotli_static on;".into(),
        "gzip_static on;".into(),
        "gzip_vary on;".into(),
    ] {
        assert!(
            has_line(&nginx, &line),
            "docs/deploy/nginx.conf lacks {line}"
        );
    }
    let apache = std::fs::read_to_string(docs.join("apache.conf")).unwrap();
    for line in [
        format!(
            "Header always set Content-Security-Policy \"{}\"",
            headers::csp_header()
        ),
        format!(
            "Header always set X-Content-Type-Options \"{}\"",
            headers::NOSNIFF
        ),
        format!(
            "Header always set Referrer-Policy \"{}\"",
            headers::REFERRER_POLICY
        ),
        format!(
            "Header always set Strict-Transport-Security \"{}\"",
            headers::HSTS
        ),
        format!("Header set Cache-Control \"{}\"", headers::IMMUTABLE),
        format!("Header set Cache-Control \"{}\"", headers::REVALIDATE),
        "<FilesMatch \"(\\.[0-9a-f]{8,}|-[0-9a-f]{8,}(_bg)?)\\.(css|js|mjs|wasm)(\\.br|\\.gz)?$\">"
            .into(),
    ] {
        assert!(
            has_line(&apache, &line),
            "docs/deploy/apache.conf lacks {line}"
        );
    }
}
