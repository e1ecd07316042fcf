//! `cargo xtask bench`: site-gen against Debian's Hugo on a synthetic site.
//!
//! The corpus is deterministic (a fixed generator, no randomness from the
//! machine): `--pages` pages per language in 20 sections, each page about
//! 5 KB of Markdown with headings, lists, a table and links to other pages
//! (`@/section/page.md`, which Hugo resolves with a link render hook so both
//! tools do the same work). Both tools get equivalent minimal templates:
//! language links, breadcrumbs, a footer linking the home page and the
//! page's top-level section, the page, and a section's list of pages, 100 a
//! page with previous and next links (Hugo's `.Paginate`). Runs alternate between the tools, each
//! into a fresh folder; outputs are deleted only at the end, because a large
//! delete slows the writes of the next run on these disks. Time is the wall
//! clock of the process; peak memory is the OS's maximum resident set size
//! (GNU time's `%M`, from wait4). Then `site-gen serve` runs on the site and
//! the time from a one-page edit to the browser's reload signal (with the
//! page then carrying the edit) is measured. `--serve` measures only that.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo, root, run};

const LANGS: &[&str] = &[
    "en", "ja", "fr", "de", "es", "pt", "ko", "zh", "vi", "th", "id", "tl", "ne", "my", "ru",
];
const SECTIONS: usize = 20;

struct Args {
    pages: Vec<usize>,
    langs: usize,
    runs: usize,
    /// Only serve's edit-to-reload (no builds, no Hugo).
    serve_only: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        pages: vec![1000, 4000],
        langs: 4,
        runs: 3,
        serve_only: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value"))
                .cloned()
        };
        match a.as_str() {
            "--pages" => {
                out.pages = value()?
                    .split(',')
                    .map(|n| n.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--pages: {e} (e.g. --pages 1000,4000,16000)"))?;
            }
            "--langs" => {
                out.langs = value()?
                    .parse()
                    .map_err(|e| format!("--langs: {e} (1 to {})", LANGS.len()))?;
            }
            "--runs" => {
                out.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?;
            }
            "--serve" => out.serve_only = true,
            _ => {
                return Err(format!(
                    "unknown argument `{a}`: cargo xtask bench [--pages N[,N...]] [--langs L] [--runs R] [--serve]"
                ));
            }
        }
    }
    if out.langs == 0 || out.langs > LANGS.len() {
        return Err(format!("--langs must be from 1 to {}", LANGS.len()));
    }
    if out.runs == 0 || out.pages.contains(&0) {
        return Err("--runs and --pages must be at least 1".into());
    }
    Ok(out)
}

/// A small deterministic generator (xorshift64*), so the corpus is the same
/// on every machine.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "residence",
    "card",
    "office",
    "application",
    "request",
    "form",
    "document",
    "copy",
    "registration",
    "record",
    "municipal",
    "window",
    "deadline",
    "postage",
    "stamp",
    "envelope",
    "passport",
    "certificate",
    "family",
    "representative",
    "address",
    "notice",
    "period",
    "submit",
    "receive",
    "confirm",
    "check",
    "return",
    "mail",
    "counter",
    "staff",
    "agency",
    "procedure",
    "guide",
    "the",
    "a",
    "of",
    "to",
    "and",
    "for",
    "with",
    "by",
    "your",
    "this",
    "when",
    "before",
    "after",
    "within",
    "days",
    "name",
    "date",
    "birth",
    "nationality",
];

fn sentence(g: &mut Gen, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[g.below(WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn page_name(i: usize) -> (String, String) {
    (format!("s{:02}", i % SECTIONS), format!("p{i:05}"))
}

/// About 5 KB of Markdown.
fn page_body(g: &mut Gen, i: usize, pages: usize) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "{}\n", sentence(g, 30));
    for h in 0..5 {
        let _ = writeln!(
            md,
            "## Step {} {}\n",
            h + 1,
            sentence(g, 3).trim_end_matches('.')
        );
        for _ in 0..2 {
            let _ = writeln!(md, "{} {}\n", sentence(g, 18), sentence(g, 14));
        }
        match h {
            1 => {
                for _ in 0..5 {
                    let _ = writeln!(md, "- {}", sentence(g, 8));
                }
                md.push('\n');
            }
            2 => {
                md.push_str("| Item | Where | Fee | Notes |\n|---|---|---|---|\n");
                for r in 0..6 {
                    let _ = writeln!(
                        md,
                        "| {} | {} | ¥{} | {} |",
                        WORDS[g.below(WORDS.len())],
                        WORDS[g.below(WORDS.len())],
                        (r + 1) * 100,
                        sentence(g, 5)
                    );
                }
                md.push('\n');
            }
            3 => {
                for n in 0..3 {
                    let _ = writeln!(md, "{}. {}", n + 1, sentence(g, 9));
                }
                md.push('\n');
            }
            _ => {}
        }
        let target = (i + 1 + g.below(pages.max(2) - 1)) % pages;
        let (sec, name) = page_name(target);
        let _ = writeln!(
            md,
            "See [{}](@/{sec}/{name}.md) for the next step.\n",
            sentence(g, 3).trim_end_matches('.')
        );
    }
    md
}

fn front(title: &str, weight: usize, translated: bool) -> String {
    let mut f = format!(
        "+++\ntitle = \"{title}\"\ndescription = \"About {title}\"\nupdated = 2026-11-20\nweight = {weight}\n"
    );
    if translated {
        f.push_str("translated_from = 2026-11-20\n");
    }
    f.push_str("+++\n");
    f
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

const SG_BASE: &str = r#"<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ page.title }} | {{ site.title }}</title></head>
<body>
<nav><ul>{% for alt in page.alternates %}<li><a href="{{ alt.url }}" hreflang="{{ alt.code }}">{{ alt.name }}</a></li>{% endfor %}</ul></nav>
<nav><ol>{% for crumb in page.breadcrumbs %}<li><a href="{{ crumb.url }}">{{ crumb.title }}</a></li>{% endfor %}</ol></nav>
<main><h1>{{ page.title }}</h1>
{{ page.content | safe }}
{% block list %}{% endblock list %}
</main>
<footer><ul><li><a href="{{ site.base_path }}{{ lang }}/">{{ site.title }}</a></li>{% if page.section %}<li><a href="{{ page.section.url }}">{{ page.section.title }}</a></li>{% endif %}</ul></footer>
</body>
</html>
"#;

const SG_LIST: &str = r#"{% extends "bench-base.html" %}
{% block list %}<ul>{% for child in page.children %}<li><a href="{{ child.url }}">{{ child.title }}</a> {{ child.description }}</li>{% endfor %}</ul>{% if page.paginator %}<nav>{% if page.paginator.previous %}<a href="{{ page.paginator.previous }}" rel="prev">prev</a>{% endif %}{% if page.paginator.next %}<a href="{{ page.paginator.next }}" rel="next">next</a>{% endif %}</nav>{% endif %}{% endblock list %}
"#;

const HUGO_BASE: &str = r#"<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body>
<nav><ul>{{ range .AllTranslations }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a></li>{{ end }}</ul></nav>
<nav><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol></nav>
<main><h1>{{ .Title }}</h1>
{{ .Content }}
{{ block "list" . }}{{ end }}
</main>
<footer><ul><li><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></li>{{ with .FirstSection }}{{ if not .IsHome }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul></footer>
</body>
</html>
"#;

const HUGO_LIST: &str = r#"{{ define "list" }}{{ $p := .Paginate .Pages 100 }}<ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}" rel="prev">prev</a>{{ end }}{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}" rel="next">next</a>{{ end }}{{ end }}
"#;

const HUGO_LINK: &str = r#"{{- $u := urls.Parse .Destination -}}
{{- if hasPrefix .Destination "@/" -}}
{{- with site.GetPage (strings.TrimPrefix "@/" $u.Path) -}}<a href="{{ .RelPermalink }}{{ with $u.Fragment }}#{{ . }}{{ end }}">{{ $.Text | safeHTML }}</a>{{- end -}}
{{- else -}}<a href="{{ .Destination | safeURL }}">{{ .Text | safeHTML }}</a>{{- end -}}"#;

/// Writes the corpus (once per size: a stamp marks a complete one).
fn corpus(dir: &Path, pages: usize, langs: &[&str]) -> Result<(), String> {
    let stamp = dir.join("bench-complete");
    if stamp.is_file() {
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    eprintln!(
        "bench: writing the corpus ({pages} pages × {} languages) to {}",
        langs.len(),
        dir.display()
    );
    let content = dir.join("content");
    // Every corpus language gets the real site's (Japanese) interface strings:
    // the only complete set on disk (other languages live in catalogs).
    let strings = std::fs::read_to_string(root().join("content/i18n/ja.toml"))
        .map_err(|e| format!("content/i18n/ja.toml: {e}"))?;
    let mut site = String::from(
        "title = \"Bench\"\nbase_url = \"https://example.org/\"\ndefault_language = \"en\"\n",
    );
    let mut hugo = String::from(
        "baseURL = \"https://example.org/\"\ntitle = \"Bench\"\ndefaultContentLanguage = \"en\"\n\
         defaultContentLanguageInSubdir = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n\
         ignoreFiles = [\"\\\\.toml$\"]\n[markup.goldmark.renderer]\nunsafe = false\n",
    );
    for (w, code) in langs.iter().enumerate() {
        let _ = write!(
            site,
            "\n[[languages]]\ncode = \"{code}\"\nname = \"Lang {code}\"\ntitle = \"Bench {code}\"\n"
        );
        let _ = write!(
            hugo,
            "[languages.{code}]\nweight = {}\nlanguageName = \"Lang {code}\"\ntitle = \"Bench {code}\"\n",
            w + 1
        );
        write(&content.join(format!("i18n/{code}.toml")), &strings)?;
    }
    write(&content.join("site.toml"), &site)?;
    write(&dir.join("hugo.toml"), &hugo)?;
    // The default chooser, 404 and facts pages link these; Hugo copies them too.
    write(&dir.join("static/css/site.css"), "body { margin: 1rem; }\n")?;
    write(
        &dir.join("static/favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>\n",
    )?;
    write(&dir.join("templates/bench-base.html"), SG_BASE)?;
    for t in ["page.html", "section.html", "home.html"] {
        let text = if t == "page.html" {
            "{% extends \"bench-base.html\" %}\n"
        } else {
            SG_LIST
        };
        write(&dir.join("templates").join(t), text)?;
    }
    let layouts = dir.join("layouts/_default");
    write(&layouts.join("baseof.html"), HUGO_BASE)?;
    write(
        &layouts.join("single.html"),
        "{{ define \"list\" }}{{ end }}\n",
    )?;
    write(&layouts.join("list.html"), HUGO_LIST)?;
    write(&layouts.join("_markup/render-link.html"), HUGO_LINK)?;
    let mut g = Gen(0x5eed_1234_abcd_0001);
    for (l, code) in langs.iter().enumerate() {
        let translated = l > 0;
        write(
            &content.join(format!("_index.{code}.md")),
            &format!("{}{}\n", front("Home", 0, translated), sentence(&mut g, 40)),
        )?;
        for s in 0..SECTIONS.min(pages) {
            write(
                &content.join(format!("s{s:02}/_index.{code}.md")),
                &format!(
                    "{}{}\n",
                    front(&format!("Section {s}"), s, translated),
                    sentence(&mut g, 40)
                ),
            )?;
        }
        for i in 0..pages {
            let (sec, name) = page_name(i);
            let title = sentence(&mut g, 4);
            let title = title.trim_end_matches('.');
            let body = page_body(&mut g, i, pages);
            write(
                &content.join(format!("{sec}/{name}.{code}.md")),
                &format!("{}{body}", front(title, i, translated)),
            )?;
        }
    }
    write(&stamp, "")
}

fn ensure_tools() -> Result<(), String> {
    let missing: Vec<&str> = [("hugo", "version"), ("/usr/bin/time", "--version")]
        .into_iter()
        .filter(|(cmd, arg)| {
            !Command::new(cmd)
                .arg(arg)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(|(cmd, _)| if cmd == "hugo" { "hugo" } else { "time" })
        .collect();
    if !missing.is_empty() {
        eprintln!("setup: installing {} (Debian)", missing.join(", "));
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    Ok(())
}

struct Sample {
    secs: f64,
    rss_kib: u64,
}

/// Runs `cmd` under GNU time; returns wall time and peak RSS.
fn measure(cmd: &[&std::ffi::OsStr], log: &Path) -> Result<Sample, String> {
    let rss_file = log.with_extension("rss");
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .args(cmd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let rss = std::fs::read_to_string(&rss_file).map_err(|e| format!("{e}"))?;
    let rss_kib = rss
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("no peak RSS from /usr/bin/time: {rss:?}"))?;
    Ok(Sample { secs, rss_kib })
}

fn html_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                n += 1;
            }
        }
    }
    n
}

struct Stats {
    median: f64,
    min: f64,
    max: f64,
    rss_mib: f64,
}

fn stats(samples: &[Sample]) -> Stats {
    let mut t: Vec<f64> = samples.iter().map(|s| s.secs).collect();
    t.sort_by(f64::total_cmp);
    Stats {
        median: t[t.len() / 2],
        min: t[0],
        max: t[t.len() - 1],
        rss_mib: samples.iter().map(|s| s.rss_kib).max().unwrap_or(0) as f64 / 1024.0,
    }
}

/// One HTTP GET on 127.0.0.1; the body, if the answer is 200.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200")
        .then(|| body.to_string())
        .or_else(|| head.starts_with("HTTP/1.0 200").then(|| body.to_string()))
}

/// Edit-to-reload of `serve` as a reader sees it: the time from writing a
/// page's file until the browser's live-reload request (the long poll of
/// `/__livereload?since=<version>`, opened before the write) is answered
/// and the page then served carries the edit. Median of 5 edits of the
/// page's text, each after the watcher settled; then the same for edits of
/// its title (which its section's listing shows too).
fn edit_to_reload(bin: &Path, corpus: &Path, lang: &str) -> Result<Reload, String> {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let mut child = Command::new(bin)
        .arg("--root")
        .arg(corpus)
        .args(["serve", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start site-gen serve: {e}"))?;
    let (sec, name) = page_name(1);
    let file = corpus.join(format!("content/{sec}/{name}.{lang}.md"));
    let original = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let result = (|| {
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out)
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
        }
        let url = format!("/{lang}/{sec}/{name}/");
        let deadline = Instant::now() + Duration::from_secs(600);
        while get(port, &url).is_none() {
            if Instant::now() > deadline {
                return Err("serve did not answer within 10 minutes".to_string());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let text = |marker: &str| format!("{original}\nEdited: {marker}\n");
        let title =
            |marker: &str| original.replacen("title = \"", &format!("title = \"{marker} "), 1);
        Ok(Reload {
            text: median_reload(port, &url, &file, &text)?,
            title: median_reload(port, &url, &file, &title)?,
        })
    })();
    let _ = std::fs::write(&file, &original);
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// Edit-to-reload times of one kind of edit, in seconds.
struct Reload {
    text: Times,
    title: Times,
}

/// Median, min and max of 5 edits, in seconds.
struct Times {
    median: f64,
    min: f64,
    max: f64,
}

impl Times {
    fn show(&self) -> String {
        format!(
            "{:.0} ms ({:.0}–{:.0})",
            self.median * 1000.0,
            self.min * 1000.0,
            self.max * 1000.0
        )
    }
}

fn median_reload(
    port: u16,
    url: &str,
    file: &Path,
    edit: &dyn Fn(&str) -> String,
) -> Result<Times, String> {
    let mut times = Vec::new();
    for n in 0..5 {
        // Let the watcher settle between edits.
        std::thread::sleep(Duration::from_millis(1000));
        let mut version: u64 = get(port, "/__livereload")
            .and_then(|v| v.trim().parse().ok())
            .ok_or("no live-reload version")?;
        let marker = format!("benchedit{n}x");
        let mut poll = long_poll(port, version)?;
        std::fs::write(file, edit(&marker)).map_err(|e| e.to_string())?;
        let start = Instant::now();
        loop {
            let mut answer = String::new();
            poll.read_to_string(&mut answer)
                .map_err(|e| format!("live-reload request: {e}"))?;
            let elapsed = start.elapsed();
            let now: u64 = answer
                .split_once("\r\n\r\n")
                .and_then(|(_, body)| body.trim().parse().ok())
                .ok_or_else(|| format!("unexpected live-reload answer: {answer}"))?;
            if now != version && get(port, url).is_some_and(|b| b.contains(&marker)) {
                times.push(elapsed.as_secs_f64());
                break;
            }
            if elapsed > Duration::from_secs(600) {
                return Err("the edit did not show within 10 minutes".to_string());
            }
            version = now;
            poll = long_poll(port, version)?;
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(Times {
        median: times[times.len() / 2],
        min: times[0],
        max: times[times.len() - 1],
    })
}

/// Opens the browser's live-reload request: answered when the version
/// changes (or after 25 s with the same version).
fn long_poll(port: u16, since: u64) -> Result<std::net::TcpStream, String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))
        .map_err(|e| format!("live-reload request: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET /__livereload?since={since} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .map_err(|e| format!("live-reload request: {e}"))?;
    Ok(s)
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    if args.serve_only {
        return bench_serve(&args);
    }
    ensure_tools()?;
    run(cargo().args(["build", "--quiet", "--release", "--package", "site-gen"]))?;
    let bin = root().join("target/release/site-gen");
    let hugo_version = String::from_utf8_lossy(
        &Command::new("hugo")
            .arg("version")
            .output()
            .map_err(|e| format!("hugo: {e}"))?
            .stdout,
    )
    .trim()
    .to_string();
    let langs = &LANGS[..args.langs];
    let base = root().join("target/bench");
    let outs = base.join("out");
    std::fs::create_dir_all(&outs).map_err(|e| format!("{}: {e}", outs.display()))?;
    let mut rows = Vec::new();
    let mut sg_medians = Vec::new();
    for &pages in &args.pages {
        let dir = base.join(format!("corpus-{pages}x{}", args.langs));
        corpus(&dir, pages, langs)?;
        let mut sg = Vec::new();
        let mut hu = Vec::new();
        let mut html = (0, 0);
        for r in 0..args.runs {
            let order: [bool; 2] = if r % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for is_sg in order {
                let out = outs.join(format!(
                    "{pages}x{}-{}-{r}",
                    args.langs,
                    if is_sg { "site-gen" } else { "hugo" }
                ));
                let sample = if is_sg {
                    measure(
                        &[
                            bin.as_os_str(),
                            "--root".as_ref(),
                            dir.as_os_str(),
                            "build".as_ref(),
                            // Hugo writes no compressed copies either.
                            "--no-precompress".as_ref(),
                            "--out".as_ref(),
                            out.as_os_str(),
                        ],
                        &out.with_extension("log"),
                    )?
                } else {
                    measure(
                        &[
                            "hugo".as_ref(),
                            "--quiet".as_ref(),
                            "--source".as_ref(),
                            dir.as_os_str(),
                            "--destination".as_ref(),
                            out.as_os_str(),
                        ],
                        &out.with_extension("log"),
                    )?
                };
                eprintln!(
                    "bench: {pages}×{} run {} {:<8} {:.2} s, {:.0} MiB",
                    args.langs,
                    r + 1,
                    if is_sg { "site-gen" } else { "hugo" },
                    sample.secs,
                    sample.rss_kib as f64 / 1024.0
                );
                if r == 0 {
                    if is_sg {
                        html.0 = html_files(&out);
                    } else {
                        html.1 = html_files(&out);
                    }
                }
                if is_sg { &mut sg } else { &mut hu }.push(sample);
            }
        }
        let (s, h) = (stats(&sg), stats(&hu));
        sg_medians.push((pages, s.median, s.rss_mib));
        rows.push((pages, html, s, h));
    }
    // Serve: on the 4k site when it was built, else on the largest.
    let serve_pages = if args.pages.contains(&4000) {
        4000
    } else {
        args.pages.iter().copied().max().unwrap_or(1000)
    };
    let serve_dir = base.join(format!("corpus-{serve_pages}x{}", args.langs));
    eprintln!(
        "bench: site-gen serve on {serve_pages}×{}: editing one page",
        args.langs
    );
    let reload = edit_to_reload(&bin, &serve_dir, langs[0])?;
    eprintln!("bench: deleting the outputs");
    let _ = std::fs::remove_dir_all(&outs);

    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "\nsite-gen (release) vs {hugo_version}\n{cpus} CPUs; {} run(s) each, alternating; \
         time = wall clock, median (min–max); memory = peak RSS\n",
        args.runs
    );
    println!(
        "| pages × languages | HTML files (site-gen / Hugo) | Hugo | site-gen | site-gen pages/s | ratio to Hugo |"
    );
    println!("|---|---|---|---|---|---|");
    for (pages, html, s, h) in &rows {
        println!(
            "| {pages} × {} | {} / {} | {:.2} s ({:.2}–{:.2}), {:.0} MiB | {:.2} s ({:.2}–{:.2}), {:.0} MiB | {:.0} | {:.2}× |",
            args.langs,
            html.0,
            html.1,
            h.median,
            h.min,
            h.max,
            h.rss_mib,
            s.median,
            s.min,
            s.max,
            s.rss_mib,
            html.0 as f64 / s.median,
            s.median / h.median
        );
    }
    println!();
    print_reload(serve_pages, args.langs, &reload);
    println!("\nGoals (issue #11):");
    for (pages, _, s, h) in &rows {
        let ratio = s.median / h.median;
        println!(
            "  {} ≤ 0.3 × Hugo at {pages} × {}: {ratio:.2}×",
            mark(ratio <= 0.3),
            args.langs
        );
    }
    let at = |n: usize| sg_medians.iter().find(|(p, _, _)| *p == n);
    if let (Some(a), Some(b)) = (at(4000), at(16000)) {
        let k = b.1 / a.1;
        println!("  {} 16k build ≤ 4.5 × 4k build: {k:.2}×", mark(k <= 4.5));
    }
    if let Some(b) = at(16000) {
        println!(
            "  {} peak memory ≤ 400 MiB at 16k: {:.0} MiB",
            mark(b.2 <= 400.0),
            b.2
        );
    }
    if serve_pages == 4000 {
        print_reload_goal(&reload);
    }
    Ok(())
}

fn print_reload(pages: usize, langs: usize, reload: &Reload) {
    println!(
        "site-gen serve, edit-to-reload on {pages} × {langs} (file written → reload signal, \
         median (min–max) of 5): {} after a text edit, {} after a title edit",
        reload.text.show(),
        reload.title.show()
    );
}

fn print_reload_goal(reload: &Reload) {
    println!(
        "  {} edit-to-reload ≤ 100 ms at 4k: {:.0} ms (text), {:.0} ms (title)",
        mark(reload.text.median <= 0.1 && reload.title.median <= 0.1),
        reload.text.median * 1000.0,
        reload.title.median * 1000.0
    );
}

/// `--serve`: only the edit-to-reload of `serve`, on the largest `--pages`.
fn bench_serve(args: &Args) -> Result<(), String> {
    run(cargo().args(["build", "--quiet", "--release", "--package", "site-gen"]))?;
    let bin = root().join("target/release/site-gen");
    let pages = args.pages.iter().copied().max().unwrap_or(4000);
    let langs = &LANGS[..args.langs];
    let dir = root()
        .join("target/bench")
        .join(format!("corpus-{pages}x{}", args.langs));
    corpus(&dir, pages, langs)?;
    eprintln!(
        "bench: site-gen serve on {pages}×{}: editing one page",
        args.langs
    );
    let reload = edit_to_reload(&bin, &dir, langs[0])?;
    print_reload(pages, args.langs, &reload);
    if pages == 4000 {
        print_reload_goal(&reload);
    }
    Ok(())
}

fn mark(ok: bool) -> &'static str {
    if ok { "met    " } else { "NOT met" }
}
