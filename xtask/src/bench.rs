//! `cargo xtask bench`: site-gen on synthetic sites of the shapes real
//! sites have, against Debian's Hugo where both tools can build the site.
//!
//! Every corpus comes from one deterministic generator (a fixed xorshift,
//! no randomness from the machine; [`Spec`] says what to write): `--pages`
//! pages per language, each about 5 KB of Markdown with headings, lists, a
//! table and links to other pages (`@/section/page.md`, which Hugo resolves
//! with a link render hook so both tools do the same work). The shapes:
//!
//! - `fixed`: 20 sections whatever the size (the corpus of issue #11);
//! - `sections`: a section per 100 pages (40 at 4k, 160 at 16k);
//! - `flat`: every page directly under the home page;
//! - `catalog`: Japanese pages plus 14 catalog languages, their catalogs
//!   made by the built `site-gen i18n update` and every entry filled with a
//!   translation the catalog rules accept ([`translate`]; `site-gen check`
//!   must then report nothing), against the same pages as 15 hand-written
//!   languages, in the same run;
//! - `errors`: 10,000 invalid procedure steps in one file, and a catalog
//!   with 10,000 entries that each break a rule: the time until
//!   `site-gen check` reports them (and that it reports every one);
//! - `serve`: serve's edit-to-reload on the `sections` site.
//!
//! Both tools get equivalent minimal templates: language links,
//! breadcrumbs, a footer linking the home page and the page's top-level
//! section (site-gen's `page.section`, Hugo's `.FirstSection`: no list of
//! every section on every page, which made each page grow with the site),
//! the page, and a section's list of pages, 100 a page with previous and
//! next links (site-gen's `page.paginator`, Hugo's `.Paginate`). Runs alternate between the tools (and between
//! the catalog and hand-written sites), each into a fresh folder; a shape's
//! outputs are deleted only after all its runs, because a large delete
//! slows the writes of the next run on these disks. Time is the wall clock
//! of the process, and its CPU time (user + system) beside it; peak memory
//! is the OS's maximum resident set size (GNU time's `%M`, from wait4).
//! Catalog sites also carry a fact (`{{ fact(...) }}`) on every page and
//! Japanese text (so catalog pages mark Japanese runs as the real site's
//! do). Corpora are kept under `target/bench/`, one
//! folder per shape and size, reused while their stamp says they are
//! complete and written by this generator.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Profile, root, run, site_gen_binary};

/// The corpora's languages: the first `--langs` for the shapes both tools
/// build (`en` the default), `ja` and the other 14 for `catalog`.
const LANGS: &[&str] = &[
    "en", "ja", "fr", "de", "es", "pt", "ko", "zh", "vi", "th", "id", "tl", "ne", "my", "ru",
];
/// Sections of the `fixed` shape.
const FIXED_SECTIONS: usize = 20;
/// Pages per section of the `sections` shape.
const PER_SECTION: usize = 100;
/// Problems the `errors` shape plants, of each kind.
const ERRORS: usize = 10_000;
/// Written into each corpus's stamp: change it when the generator changes,
/// so that corpora cached by an older one are written again.
const GENERATOR: &str = "bench corpus v4";

/// What `cargo xtask bench` measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Fixed,
    Sections,
    Flat,
    Catalog,
    Errors,
    Serve,
}

impl Shape {
    const ALL: [Shape; 6] = [
        Shape::Fixed,
        Shape::Sections,
        Shape::Flat,
        Shape::Catalog,
        Shape::Errors,
        Shape::Serve,
    ];

    fn name(self) -> &'static str {
        match self {
            Shape::Fixed => "fixed",
            Shape::Sections => "sections",
            Shape::Flat => "flat",
            Shape::Catalog => "catalog",
            Shape::Errors => "errors",
            Shape::Serve => "serve",
        }
    }

    /// The layout of a shape both tools build.
    fn layout(self) -> Option<Layout> {
        match self {
            Shape::Fixed => Some(Layout::Fixed),
            Shape::Sections => Some(Layout::Growing),
            Shape::Flat => Some(Layout::Flat),
            _ => None,
        }
    }
}

#[derive(Debug, PartialEq)]
struct Args {
    /// Pages per language, ascending.
    pages: Vec<usize>,
    /// In the order of [`Shape::ALL`].
    shapes: Vec<Shape>,
    /// Languages of `fixed`, `sections`, `flat` and `serve`.
    langs: usize,
    runs: usize,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        pages: vec![4000, 16000],
        shapes: Shape::ALL.to_vec(),
        langs: 4,
        runs: 1,
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
                    .map_err(|e| format!("--pages: {e} (e.g. --pages 4000,16000)"))?;
            }
            "--shape" => {
                let mut shapes = Vec::new();
                for name in value()?.split(',').map(str::trim) {
                    if name == "all" {
                        shapes.extend(Shape::ALL);
                        continue;
                    }
                    let shape = Shape::ALL
                        .into_iter()
                        .find(|s| s.name() == name)
                        .ok_or_else(|| {
                            format!(
                                "--shape: unknown shape `{name}` (one or more of {}, or all)",
                                Shape::ALL.map(Shape::name).join(", ")
                            )
                        })?;
                    shapes.push(shape);
                }
                out.shapes = shapes;
            }
            "--langs" => {
                out.langs = value()?
                    .parse()
                    .map_err(|e| format!("--langs: {e} (1 to {})", LANGS.len()))?;
            }
            "--runs" => {
                out.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?;
            }
            "--serve" => out.shapes = vec![Shape::Serve],
            _ => {
                return Err(format!(
                    "unknown argument `{a}`: cargo xtask bench [--shape S[,S...]] \
                     [--pages N[,N...]] [--langs L] [--runs R] [--serve] (--help: more)"
                ));
            }
        }
    }
    if out.langs == 0 || out.langs > LANGS.len() {
        return Err(format!("--langs must be from 1 to {}", LANGS.len()));
    }
    if out.runs == 0 || out.pages.is_empty() || out.pages.contains(&0) {
        return Err("--runs and --pages must be at least 1".into());
    }
    out.pages.sort_unstable();
    out.pages.dedup();
    out.shapes.sort_unstable();
    out.shapes.dedup();
    Ok(out)
}

/// A small deterministic generator (xorshift64*), so the corpus is the same
/// on every machine.
struct Gen(u64);

const SEED: u64 = 0x5eed_1234_abcd_0001;

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

/// The words and set phrases of a corpus's text.
struct Lexicon {
    words: &'static [&'static str],
    /// Between words.
    space: &'static str,
    /// Ends a sentence.
    stop: &'static str,
    step: &'static str,
    headers: [&'static str; 4],
    home: &'static str,
    section: &'static str,
    /// A page's description: before and after its title.
    about: (&'static str, &'static str),
    /// The paragraph that links on: before and after the link.
    see: (&'static str, &'static str),
    /// The paragraph that names a fee (a fact): before and after it.
    fee: (&'static str, &'static str),
}

const ENGLISH: Lexicon = Lexicon {
    words: &[
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
    ],
    space: " ",
    stop: ".",
    step: "Step",
    headers: ["Item", "Where", "Fee", "Notes"],
    home: "Home",
    section: "Section",
    about: ("About ", ""),
    see: ("See ", " for the next step."),
    fee: ("The fee is ", "."),
};

const JAPANESE: Lexicon = Lexicon {
    words: &[
        "在留カード",
        "住民票",
        "写し",
        "窓口",
        "申請",
        "請求",
        "書類",
        "本人",
        "代理人",
        "郵送",
        "切手",
        "封筒",
        "旅券",
        "証明書",
        "家族",
        "住所",
        "期限",
        "手数料",
        "提出",
        "確認",
        "返信",
        "受付",
        "職員",
        "役所",
        "手続",
        "案内",
        "氏名",
        "生年月日",
        "国籍",
        "記録",
        "開示",
        "交付",
        "登録",
        "日本",
        "外国人",
        "の",
        "を",
        "に",
        "は",
        "で",
        "と",
        "から",
        "まで",
        "して",
        "します",
        "できます",
        "ください",
        "以内",
        "日",
        "前",
        "後",
        "とき",
        "必要",
    ],
    space: "",
    stop: "。",
    step: "手順",
    headers: ["項目", "場所", "手数料", "備考"],
    home: "ホーム",
    section: "区分",
    about: ("", "について"),
    see: ("次の手順は", "を見てください。"),
    fee: ("手数料は", "です。"),
};

fn sentence(g: &mut Gen, lex: &Lexicon, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = lex.words[g.below(lex.words.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(lex.space);
            s.push_str(w);
        }
    }
    s.push_str(lex.stop);
    s
}

/// A sentence without its full stop (titles, headings, link texts).
fn phrase(g: &mut Gen, lex: &Lexicon, words: usize) -> String {
    let s = sentence(g, lex, words);
    s.strip_suffix(lex.stop).unwrap_or(&s).to_string()
}

/// Where pages go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// [`FIXED_SECTIONS`] sections, page i in section i mod 20.
    Fixed,
    /// A section per [`PER_SECTION`] pages, in order.
    Growing,
    /// Every page directly under the home page.
    Flat,
}

impl Layout {
    fn sections(self, pages: usize) -> usize {
        match self {
            Layout::Fixed => FIXED_SECTIONS.min(pages),
            Layout::Growing => pages.div_ceil(PER_SECTION),
            Layout::Flat => 0,
        }
    }

    fn section(self, s: usize) -> String {
        match self {
            Layout::Growing => format!("s{s:03}"),
            _ => format!("s{s:02}"),
        }
    }

    /// Page i's path under `content/` without the language and `.md`
    /// (`s03/p00003`, or `p00003` when flat).
    fn page(self, i: usize) -> String {
        match self {
            Layout::Fixed => format!("{}/p{i:05}", self.section(i % FIXED_SECTIONS)),
            Layout::Growing => format!("{}/p{i:05}", self.section(i / PER_SECTION)),
            Layout::Flat => format!("p{i:05}"),
        }
    }
}

/// A corpus: what [`corpus`] writes.
#[derive(Debug)]
struct Spec<'a> {
    layout: Layout,
    pages: usize,
    /// Languages with hand-written pages, the default first.
    written: &'a [&'a str],
    /// Catalog languages: only in site.toml; their pages come from
    /// `content/i18n/<code>.po` (made after the pages are written).
    catalog: &'a [&'a str],
    /// Japanese text (else English).
    japanese: bool,
    /// Every language's pages are the default language's, each run of
    /// text marked as [`translate`] marks it (what a filled catalog gives);
    /// else each language has text of its own.
    same_text: bool,
    /// A paragraph per page names a fee with `{{ fact(...) }}` (a data file).
    facts: bool,
}

/// The translation of one message into `code` that the catalog rules
/// accept: the Japanese with `code: ` before it, so facts, placeholders,
/// link targets, anchors, readings and the block's shape stay as written;
/// formats (`format:…`) stay as the Japanese (their digits and placeholders
/// have rules of their own).
fn translate(code: &str, ctxt: Option<&str>, msgid: &str) -> String {
    match ctxt {
        Some(c) if c.starts_with("format:") => msgid.to_string(),
        _ => mark(code, msgid),
    }
}

fn mark(code: &str, text: &str) -> String {
    format!("{code}: {text}")
}

/// A translation of a Markdown message that breaks one rule (raw HTML).
fn broken(code: &str, msgid: &str) -> String {
    format!("{} <b>!</b>", mark(code, msgid))
}

/// About 5 KB of Markdown. `tr` is applied to each run of text (the units
/// a catalog translates); it draws nothing from `g`.
fn page_body(
    g: &mut Gen,
    spec: &Spec<'_>,
    lex: &Lexicon,
    i: usize,
    tr: &dyn Fn(&str) -> String,
) -> String {
    let pages = spec.pages;
    let mut md = String::new();
    let _ = writeln!(md, "{}\n", tr(&sentence(g, lex, 30)));
    if spec.facts {
        let _ = writeln!(
            md,
            "{}\n",
            tr(&format!(
                "{}{{{{ fact(key=\"fees.copy\") }}}}{}",
                lex.fee.0, lex.fee.1
            ))
        );
    }
    for h in 0..5 {
        let heading = phrase(g, lex, 3);
        let _ = writeln!(
            md,
            "## {}\n",
            tr(&format!("{} {} {heading}", lex.step, h + 1))
        );
        for _ in 0..2 {
            let a = sentence(g, lex, 18);
            let b = sentence(g, lex, 14);
            let _ = writeln!(md, "{}\n", tr(&format!("{a}{}{b}", lex.space)));
        }
        match h {
            1 => {
                for _ in 0..5 {
                    let _ = writeln!(md, "- {}", tr(&sentence(g, lex, 8)));
                }
                md.push('\n');
            }
            2 => {
                let _ = writeln!(
                    md,
                    "| {} |\n|---|---|---|---|",
                    lex.headers.map(tr).join(" | ")
                );
                for r in 0..6 {
                    let a = lex.words[g.below(lex.words.len())];
                    let b = lex.words[g.below(lex.words.len())];
                    let note = sentence(g, lex, 5);
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} |",
                        tr(a),
                        tr(b),
                        tr(&format!("¥{}", (r + 1) * 100)),
                        tr(&note)
                    );
                }
                md.push('\n');
            }
            3 => {
                for n in 0..3 {
                    let _ = writeln!(md, "{}. {}", n + 1, tr(&sentence(g, lex, 9)));
                }
                md.push('\n');
            }
            _ => {}
        }
        let target = (i + 1 + g.below(pages.max(2) - 1)) % pages;
        let text = phrase(g, lex, 3);
        let _ = writeln!(
            md,
            "{}\n",
            tr(&format!(
                "{}[{text}](@/{}.md){}",
                lex.see.0,
                spec.layout.page(target),
                lex.see.1
            ))
        );
    }
    md
}

fn front(title: &str, description: &str, weight: usize, translated: bool) -> String {
    let mut f = format!(
        "+++\ntitle = \"{title}\"\ndescription = \"{description}\"\nupdated = 2026-11-20\nweight = {weight}\n"
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

/// A data file with the one fact the `facts` paragraphs name.
const FEES: &str = "[copy]\nyen = 300\nsources = [\n  { title = \"Bench source\", url = \"https://example.org/source\" },\n]\nchecked = 2026-11-25\n";

/// Writes a corpus into `dir` unless its stamp says it holds this one;
/// `finish` runs on the written corpus before the stamp (catalogs).
fn corpus(
    dir: &Path,
    spec: &Spec<'_>,
    finish: &dyn Fn(&Path) -> Result<(), String>,
) -> Result<(), String> {
    let stamp = dir.join("bench-complete");
    // The templates written into the corpus count as the generator too.
    let templates = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (SG_BASE, SG_LIST, HUGO_BASE, HUGO_LIST, HUGO_LINK).hash(&mut h);
        h.finish()
    };
    let want = format!("{GENERATOR} templates {templates:016x}\n{spec:?}\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want) {
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    eprintln!(
        "bench: writing the corpus ({} pages × {} languages{}) to {}",
        spec.pages,
        spec.written.len() + spec.catalog.len(),
        if spec.catalog.is_empty() {
            String::new()
        } else {
            format!(", {} of them catalogs", spec.catalog.len())
        },
        dir.display()
    );
    let content = dir.join("content");
    // Every hand-written language gets the real site's (Japanese) interface
    // strings: the only complete set on disk (other languages live in
    // catalogs).
    let strings = std::fs::read_to_string(root().join("content/i18n/ja.toml"))
        .map_err(|e| format!("content/i18n/ja.toml: {e}"))?;
    let default = spec.written.first().ok_or("a corpus needs a language")?;
    let mut site = format!(
        "title = \"Bench\"\nbase_url = \"https://example.org/\"\ndefault_language = \"{default}\"\n"
    );
    if spec.facts {
        // The fact's check date must not make warnings on any later day.
        site.push_str("recheck_after_days = 100000\n");
        write(&content.join("data/fees.toml"), FEES)?;
    }
    let mut hugo = format!(
        "baseURL = \"https://example.org/\"\ntitle = \"Bench\"\ndefaultContentLanguage = \"{default}\"\n\
         defaultContentLanguageInSubdir = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n\
         ignoreFiles = [\"\\\\.toml$\"]\n[markup.goldmark.renderer]\nunsafe = false\n",
    );
    for (w, code) in spec.written.iter().chain(spec.catalog).enumerate() {
        let _ = write!(
            site,
            "\n[[languages]]\ncode = \"{code}\"\nname = \"Lang {code}\"\ntitle = \"Bench {code}\"\n"
        );
        if w < spec.written.len() {
            let _ = write!(
                hugo,
                "[languages.{code}]\nweight = {}\nlanguageName = \"Lang {code}\"\ntitle = \"Bench {code}\"\n",
                w + 1
            );
            write(&content.join(format!("i18n/{code}.toml")), &strings)?;
        }
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
    let lex = if spec.japanese { &JAPANESE } else { &ENGLISH };
    let about = |title: &str| format!("{}{title}{}", lex.about.0, lex.about.1);
    let mut g = Gen(SEED);
    for (l, code) in spec.written.iter().enumerate() {
        if spec.same_text {
            g = Gen(SEED);
        }
        let translated = l > 0;
        let tr = |t: &str| {
            if spec.same_text && translated {
                mark(code, t)
            } else {
                t.to_string()
            }
        };
        let page = |title: &str, weight: usize, body: &str| {
            format!(
                "{}{body}",
                front(&tr(title), &tr(&about(title)), weight, translated)
            )
        };
        let body = format!("{}\n", tr(&sentence(&mut g, lex, 40)));
        write(
            &content.join(format!("_index.{code}.md")),
            &page(lex.home, 0, &body),
        )?;
        for s in 0..spec.layout.sections(spec.pages) {
            let body = format!("{}\n", tr(&sentence(&mut g, lex, 40)));
            write(
                &content.join(format!("{}/_index.{code}.md", spec.layout.section(s))),
                &page(&format!("{} {s}", lex.section), s, &body),
            )?;
        }
        for i in 0..spec.pages {
            let title = phrase(&mut g, lex, 4);
            let body = page_body(&mut g, spec, lex, i, &tr);
            write(
                &content.join(format!("{}.{code}.md", spec.layout.page(i))),
                &page(&title, i, &body),
            )?;
        }
    }
    finish(dir)?;
    write(&stamp, &want)
}

/// `"…"` of a PO line, unescaped.
fn po_string(s: &str) -> Result<String, String> {
    let inner = s
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| format!("not a quoted PO string: {s}"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('"' | '\\')) => out.push(c),
            other => return Err(format!("unknown escape \\{other:?} in {s}")),
        }
    }
    Ok(out)
}

fn po_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Gives every entry of a PO catalog (but the header) the msgstr `fill`
/// returns for its context and msgid; the rest of the file stays as it
/// was. Returns the new text and the number of entries filled.
fn fill_po(
    text: &str,
    fill: &mut dyn FnMut(Option<&str>, &str) -> String,
) -> Result<(String, usize), String> {
    #[derive(PartialEq)]
    enum Field {
        None,
        Ctxt,
        Id,
        /// The header's msgstr: kept.
        Header,
        /// A filled msgstr: its old continuation lines dropped.
        Filled,
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut field = Field::None;
    let mut ctxt: Option<String> = None;
    let mut id: Option<String> = None;
    let mut filled = 0;
    for (n, line) in text.lines().enumerate() {
        let at = |e: String| format!("line {}: {e}", n + 1);
        if let Some(rest) = line.strip_prefix("msgctxt ") {
            ctxt = Some(po_string(rest).map_err(at)?);
            field = Field::Ctxt;
        } else if let Some(rest) = line.strip_prefix("msgid ") {
            id = Some(po_string(rest).map_err(at)?);
            field = Field::Id;
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            po_string(rest).map_err(at)?;
            let msgid = id.take().ok_or_else(|| at("msgstr without msgid".into()))?;
            let context = ctxt.take();
            if msgid.is_empty() && context.is_none() {
                field = Field::Header;
            } else {
                field = Field::Filled;
                let _ = writeln!(
                    out,
                    "msgstr {}",
                    po_quote(&fill(context.as_deref(), &msgid))
                );
                filled += 1;
                continue;
            }
        } else if line.starts_with('"') {
            let more = po_string(line).map_err(at)?;
            match field {
                Field::Ctxt => ctxt.get_or_insert_default().push_str(&more),
                Field::Id => id.get_or_insert_default().push_str(&more),
                Field::Filled => continue,
                Field::Header => {}
                Field::None => return Err(at("a string outside an entry".into())),
            }
        } else if line.starts_with("msgid_plural") || line.starts_with("msgstr[") {
            return Err(at("plural entries are not made by site-gen".into()));
        } else {
            field = Field::None;
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok((out, filled))
}

/// `site-gen i18n update` on a corpus (which makes its catalogs), then
/// every entry of each catalog filled by `fill(language, context, msgid)`.
fn make_catalogs(
    bin: &Path,
    dir: &Path,
    langs: &[&str],
    fill: &dyn Fn(&str, Option<&str>, &str) -> String,
) -> Result<(), String> {
    let start = Instant::now();
    let out = Command::new(bin)
        .arg("--root")
        .arg(dir)
        .args(["i18n", "update"])
        .output()
        .map_err(|e| format!("cannot run site-gen i18n update: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "site-gen --root {} i18n update failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    eprintln!(
        "bench: site-gen i18n update made {} catalogs in {:.1} s",
        langs.len(),
        start.elapsed().as_secs_f64()
    );
    for code in langs {
        let path = dir.join(format!("content/i18n/{code}.po"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (text, n) = fill_po(&text, &mut |ctxt, id| fill(code, ctxt, id))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            return Err(format!("{}: no entry to fill", path.display()));
        }
        write(&path, &text)?;
    }
    Ok(())
}

/// `site-gen check` on a corpus whose catalogs must be accepted: it must
/// succeed and print no warning or error (a filled catalog that the build
/// rejected would measure the wrong thing).
fn check_clean(bin: &Path, dir: &Path) -> Result<(), String> {
    let out = Command::new(bin)
        .arg("--root")
        .arg(dir)
        .arg("check")
        .output()
        .map_err(|e| format!("cannot run site-gen check: {e}"))?;
    let text = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("warning") || l.starts_with("error"))
        .collect();
    if !out.status.success() || !problems.is_empty() {
        return Err(format!(
            "site-gen --root {} check does not accept the filled catalogs ({} problems; \
             the bench's translate() must keep what the catalog rules protect):\n{}",
            dir.display(),
            problems.len(),
            text.lines().take(60).collect::<Vec<_>>().join("\n")
        ));
    }
    Ok(())
}

/// One procedure whose every step has an option going to a step that does
/// not exist (the other goes on, so every step is reachable).
fn bad_procedure(steps: usize) -> String {
    let mut t = String::from(
        "id = \"bench\"\nlanguages = [\"ja\"]\ntitle = { ja = \"ベンチ\" }\n\n[[outcomes]]\nid = \"ok\"\nkind = \"eligible\"\n",
    );
    for n in 0..steps {
        let go_on = if n + 1 < steps {
            format!("next = \"step-{}\"", n + 1)
        } else {
            "outcome = \"ok\"".to_string()
        };
        let _ = write!(
            t,
            "\n[[steps]]\nid = \"step-{n}\"\nkind = \"choice\"\nlegend = {{ ja = \"質問{n}\" }}\n\n\
             [[steps.options]]\nvalue = \"yes\"\nlabel = {{ ja = \"はい\" }}\n{go_on}\n\n\
             [[steps.options]]\nvalue = \"no\"\nlabel = {{ ja = \"いいえ\" }}\nnext = \"missing-{n}\"\n"
        );
    }
    t
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
    /// User + system CPU time (less sensitive than the wall clock to other
    /// processes on a shared machine, though not immune).
    cpu: f64,
    rss_kib: u64,
}

/// GNU time's `%U %S %M` line (the last of its output: a failed command's
/// "Command exited with non-zero status N" comes first): CPU seconds and
/// peak RSS in KiB.
fn parse_time(text: &str) -> Option<(f64, u64)> {
    let mut f = text.lines().last()?.split_whitespace();
    let user: f64 = f.next()?.parse().ok()?;
    let system: f64 = f.next()?.parse().ok()?;
    let rss = f.next()?.parse().ok()?;
    f.next().is_none().then_some((user + system, rss))
}

/// Runs `cmd` under GNU time; returns wall time, CPU time and peak RSS. It must
/// succeed unless `may_fail`; `stderr` receives what it printed.
fn measure_output(
    cmd: &[&std::ffi::OsStr],
    log: &Path,
    may_fail: bool,
    stderr: &mut String,
) -> Result<Sample, String> {
    let rss_file = log.with_extension("rss");
    if let Some(dir) = rss_file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%U %S %M")
        .arg("-o")
        .arg(&rss_file)
        .args(cmd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    *stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() && !may_fail {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            stderr.lines().take(60).collect::<Vec<_>>().join("\n")
        ));
    }
    let text = std::fs::read_to_string(&rss_file).map_err(|e| format!("{e}"))?;
    let (cpu, rss_kib) = parse_time(&text)
        .ok_or_else(|| format!("no CPU time and peak RSS from /usr/bin/time: {text:?}"))?;
    Ok(Sample { secs, cpu, rss_kib })
}

fn measure(cmd: &[&std::ffi::OsStr], log: &Path) -> Result<Sample, String> {
    measure_output(cmd, log, false, &mut String::new())
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

#[derive(Debug, Clone, Copy, PartialEq)]
struct Stats {
    median: f64,
    /// Median CPU time (user + system), seconds.
    cpu: f64,
    min: f64,
    max: f64,
    rss_mib: f64,
}

/// The median of sorted values (the mean of the middle two of an even count).
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn stats(samples: &[Sample]) -> Stats {
    let mut t: Vec<f64> = samples.iter().map(|s| s.secs).collect();
    t.sort_by(f64::total_cmp);
    let mut cpu: Vec<f64> = samples.iter().map(|s| s.cpu).collect();
    cpu.sort_by(f64::total_cmp);
    Stats {
        median: median(&t),
        cpu: median(&cpu),
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
fn edit_to_reload(bin: &Path, corpus: &Path, page: &str, lang: &str) -> Result<Reload, String> {
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
    let file = corpus.join(format!("content/{page}.{lang}.md"));
    let original = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let result = (|| {
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out)
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
        }
        let url = format!("/{lang}/{page}/");
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

/// Edit-to-reload times of each kind of edit, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Reload {
    text: Times,
    title: Times,
}

/// Median, min and max of 5 edits, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// One size of a shape both tools build.
#[derive(Debug, Clone)]
struct BuildRow {
    shape: Shape,
    pages: usize,
    langs: usize,
    /// HTML files written by site-gen and by Hugo.
    html: (usize, usize),
    sg: Stats,
    hugo: Stats,
}

impl BuildRow {
    fn to_hugo(&self) -> f64 {
        self.sg.median / self.hugo.median
    }
}

/// One size of `catalog`: the catalog site and the hand-written one.
#[derive(Debug, Clone)]
struct CatalogRow {
    pages: usize,
    langs: usize,
    catalog_html: usize,
    catalog: Stats,
    written_html: usize,
    written: Stats,
}

impl CatalogRow {
    /// Time per output page of the catalog site over the hand-written one's.
    fn per_page_ratio(&self) -> f64 {
        (self.catalog.median / self.catalog_html.max(1) as f64)
            / (self.written.median / self.written_html.max(1) as f64)
    }
}

/// One kind of problem of `errors`.
#[derive(Debug, Clone)]
struct ErrorsRow {
    what: &'static str,
    planted: usize,
    reported: usize,
    check: Stats,
}

#[derive(Debug, Default)]
struct Report {
    builds: Vec<BuildRow>,
    catalogs: Vec<CatalogRow>,
    errors: Vec<ErrorsRow>,
    /// Pages, languages, times.
    reload: Option<(usize, usize, Reload)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Met,
    NotMet,
    NotMeasured,
}

#[derive(Debug)]
struct Goal {
    verdict: Verdict,
    text: String,
}

impl Goal {
    fn new(met: bool, text: String) -> Goal {
        Goal {
            verdict: if met { Verdict::Met } else { Verdict::NotMet },
            text,
        }
    }
    fn not_measured(text: String) -> Goal {
        Goal {
            verdict: Verdict::NotMeasured,
            text,
        }
    }
}

/// The sizes of the goals.
const SMALL: usize = 4000;
const LARGE: usize = 16000;

/// The sizes a growth is measured between: 4k and 16k when both were run,
/// else the smallest and the largest.
fn growth_pair(sizes: &[usize]) -> Option<(usize, usize)> {
    if sizes.contains(&SMALL) && sizes.contains(&LARGE) {
        return Some((SMALL, LARGE));
    }
    let (a, b) = (*sizes.iter().min()?, *sizes.iter().max()?);
    (a < b).then_some((a, b))
}

/// The growth goal between two sizes: ≤ 4.5× the time for 4× the pages,
/// the same proportion (1.125 × the size ratio) between other sizes.
fn growth_goal(what: &str, a: (usize, f64), b: (usize, f64)) -> Goal {
    let k = b.1 / a.1;
    let limit = 4.5 * (b.0 as f64 / a.0 as f64) / 4.0;
    let sizes = if (a.0, b.0) == (SMALL, LARGE) {
        String::new()
    } else {
        format!(" (not the goal's sizes: limit scaled to {limit:.2}×)")
    };
    Goal::new(
        k <= limit,
        format!(
            "{} → {} ≤ 4.5× the time, {what}: {k:.2}× ({:.2} s → {:.2} s){sizes}",
            a.0, b.0, a.1, b.1
        ),
    )
}

fn goal_size_note(pages: usize, langs: usize, want_langs: usize) -> &'static str {
    if (pages == SMALL || pages == LARGE) && langs == want_langs {
        ""
    } else {
        " (not a goal size)"
    }
}

/// Every goal of issue #19, from what was measured.
fn goals(r: &Report) -> Vec<Goal> {
    let mut out = Vec::new();
    // Against Hugo, sections growing with the site.
    let sections: Vec<&BuildRow> = r
        .builds
        .iter()
        .filter(|b| b.shape == Shape::Sections)
        .collect();
    for size in [SMALL, LARGE] {
        if !sections.iter().any(|b| b.pages == size && b.langs == 4) {
            out.push(Goal::not_measured(format!(
                "≤ 0.3× Hugo, sections at {size} × 4: not measured (--shape sections --pages {SMALL},{LARGE} --langs 4)"
            )));
        }
    }
    for b in &sections {
        out.push(Goal::new(
            b.to_hugo() <= 0.3,
            format!(
                "≤ 0.3× Hugo, sections at {} × {}: {:.2}× ({:.2} s against {:.2} s){}",
                b.pages,
                b.langs,
                b.to_hugo(),
                b.sg.median,
                b.hugo.median,
                goal_size_note(b.pages, b.langs, 4)
            ),
        ));
    }
    // Growth, in every shape that builds.
    let mut growth = |what: String, points: Vec<(usize, f64)>| {
        let sizes: Vec<usize> = points.iter().map(|p| p.0).collect();
        let at = |n: usize| points.iter().find(|p| p.0 == n).copied();
        match growth_pair(&sizes).and_then(|(a, b)| Some((at(a)?, at(b)?))) {
            Some((a, b)) => out.push(growth_goal(&what, a, b)),
            None if !points.is_empty() => out.push(Goal::not_measured(format!(
                "{SMALL} → {LARGE} ≤ 4.5× the time, {what}: not measured (one size only)"
            ))),
            None => {}
        }
    };
    for shape in [Shape::Fixed, Shape::Sections, Shape::Flat] {
        let rows: Vec<&BuildRow> = r.builds.iter().filter(|b| b.shape == shape).collect();
        if let Some(first) = rows.first() {
            growth(
                format!("{} × {}", shape.name(), first.langs),
                rows.iter().map(|b| (b.pages, b.sg.median)).collect(),
            );
        }
    }
    growth(
        "catalog (ja + 14 catalogs)".into(),
        r.catalogs
            .iter()
            .map(|c| (c.pages, c.catalog.median))
            .collect(),
    );
    growth(
        "catalog's hand-written twin (15 languages)".into(),
        r.catalogs
            .iter()
            .map(|c| (c.pages, c.written.median))
            .collect(),
    );
    // Catalogs against hand-written pages, at 4k (or every size run).
    let at_4k: Vec<&CatalogRow> = match r.catalogs.iter().find(|c| c.pages == SMALL) {
        Some(c) => vec![c],
        None => r.catalogs.iter().collect(),
    };
    if at_4k.is_empty() {
        out.push(Goal::not_measured(
            "catalog per output page ≤ 1.25× hand-written, peak ≤ 400 MiB: not measured (--shape catalog)".into(),
        ));
    }
    for c in at_4k {
        let note = goal_size_note(c.pages, c.langs, 15);
        out.push(Goal::new(
            c.per_page_ratio() <= 1.25,
            format!(
                "catalog at {} ja × 14 catalogs, per output page ≤ 1.25× the hand-written path: {:.2}× \
                 ({:.3} ms against {:.3} ms per page){note}",
                c.pages,
                c.per_page_ratio(),
                c.catalog.median * 1000.0 / c.catalog_html.max(1) as f64,
                c.written.median * 1000.0 / c.written_html.max(1) as f64,
            ),
        ));
        out.push(Goal::new(
            c.catalog.rss_mib <= 400.0,
            format!(
                "catalog at {} ja × 14 catalogs, peak ≤ 400 MiB: {:.0} MiB (hand-written: {:.0} MiB){note}",
                c.pages, c.catalog.rss_mib, c.written.rss_mib
            ),
        ));
    }
    // Errors.
    if r.errors.is_empty() {
        out.push(Goal::not_measured(format!(
            "{ERRORS} invalid procedure steps or catalog entries reported in ≤ 2 s: not measured (--shape errors)"
        )));
    }
    for e in &r.errors {
        out.push(Goal::new(
            e.reported == e.planted && e.check.median <= 2.0,
            format!(
                "{} {} reported in ≤ 2 s: {:.2} s, {} reported",
                e.planted, e.what, e.check.median, e.reported
            ),
        ));
    }
    // Serve.
    match &r.reload {
        Some((pages, langs, reload)) => out.push(Goal::new(
            reload.text.median <= 0.1 && reload.title.median <= 0.1,
            format!(
                "serve's edit-to-reload ≤ 100 ms at {pages} × {langs}: {:.0} ms (text), {:.0} ms (title){}",
                reload.text.median * 1000.0,
                reload.title.median * 1000.0,
                if *pages == SMALL && *langs == 4 {
                    ""
                } else {
                    " (not the goal's 4000 × 4)"
                }
            ),
        )),
        None => out.push(Goal::not_measured(
            "serve's edit-to-reload ≤ 100 ms at 4000 × 4: not measured (--shape serve)".into(),
        )),
    }
    out
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Met => "met         ",
        Verdict::NotMet => "NOT met     ",
        Verdict::NotMeasured => "not measured",
    }
}

/// A tool's command line, given its output folder.
type Tool<'a> = (&'a str, &'a dyn Fn(&Path) -> Vec<std::ffi::OsString>);

/// Runs every tool `runs` times, alternating (each run starts with the
/// next tool), each into a fresh folder under `outs`; returns each tool's
/// samples and the HTML files of its first output.
fn alternate(
    outs: &Path,
    label: &str,
    runs: usize,
    tools: &[Tool<'_>],
) -> Result<Vec<(Vec<Sample>, usize)>, String> {
    let mut out: Vec<(Vec<Sample>, usize)> = tools.iter().map(|_| (Vec::new(), 0)).collect();
    for r in 0..runs {
        for k in 0..tools.len() {
            let t = (r + k) % tools.len();
            let (name, cmd) = tools[t];
            let dest = outs.join(format!("{label}-{name}-{r}"));
            let args = cmd(&dest);
            let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
            let sample = measure(&args, &dest.with_extension("log"))?;
            eprintln!(
                "bench: {label} run {} {name:<12} {:.2} s, CPU {:.2} s, {:.0} MiB",
                r + 1,
                sample.secs,
                sample.cpu,
                sample.rss_kib as f64 / 1024.0
            );
            if r == 0 {
                out[t].1 = html_files(&dest);
            }
            out[t].0.push(sample);
        }
    }
    Ok(out)
}

fn site_gen_build(bin: &Path, dir: &Path) -> impl Fn(&Path) -> Vec<std::ffi::OsString> {
    let (bin, dir) = (bin.to_path_buf(), dir.to_path_buf());
    move |out: &Path| {
        vec![
            bin.clone().into(),
            "--root".into(),
            dir.clone().into(),
            "build".into(),
            // Hugo writes no compressed copies either.
            "--no-precompress".into(),
            "--out".into(),
            out.into(),
        ]
    }
}

fn hugo_build(dir: &Path) -> impl Fn(&Path) -> Vec<std::ffi::OsString> {
    let dir = dir.to_path_buf();
    move |out: &Path| {
        vec![
            "hugo".into(),
            "--quiet".into(),
            "--source".into(),
            dir.clone().into(),
            "--destination".into(),
            out.into(),
        ]
    }
}

fn no_finish(_: &Path) -> Result<(), String> {
    Ok(())
}

fn written_spec<'a>(layout: Layout, pages: usize, langs: &'a [&'a str]) -> Spec<'a> {
    Spec {
        layout,
        pages,
        written: langs,
        catalog: &[],
        japanese: false,
        same_text: false,
        facts: false,
    }
}

/// `fixed`, `sections` or `flat` at one size: site-gen against Hugo.
fn build_shape(
    bin: &Path,
    base: &Path,
    outs: &Path,
    shape: Shape,
    layout: Layout,
    pages: usize,
    args: &Args,
) -> Result<BuildRow, String> {
    let langs = &LANGS[..args.langs];
    let label = format!("{}-{pages}x{}", shape.name(), langs.len());
    let dir = base.join(&label);
    corpus(&dir, &written_spec(layout, pages, langs), &no_finish)?;
    let sg = site_gen_build(bin, &dir);
    let hugo = hugo_build(&dir);
    let got = alternate(
        outs,
        &label,
        args.runs,
        &[("site-gen", &sg), ("hugo", &hugo)],
    )?;
    Ok(BuildRow {
        shape,
        pages,
        langs: langs.len(),
        html: (got[0].1, got[1].1),
        sg: stats(&got[0].0),
        hugo: stats(&got[1].0),
    })
}

/// `catalog` at one size: Japanese pages with 14 catalog languages against
/// the same pages as 15 hand-written languages.
fn catalog_shape(
    bin: &Path,
    base: &Path,
    outs: &Path,
    pages: usize,
    runs: usize,
) -> Result<CatalogRow, String> {
    let all: Vec<&str> = std::iter::once("ja")
        .chain(LANGS.iter().copied().filter(|l| *l != "ja"))
        .collect();
    let catalogs = Spec {
        layout: Layout::Growing,
        pages,
        written: &all[..1],
        catalog: &all[1..],
        japanese: true,
        same_text: true,
        facts: true,
    };
    let label = format!("catalog-{pages}x{}", all.len());
    let cat_dir = base.join(&label);
    corpus(&cat_dir, &catalogs, &|dir| {
        make_catalogs(bin, dir, &all[1..], &translate)?;
        check_clean(bin, dir)
    })?;
    let hand_dir = base.join(format!("handwritten-{pages}x{}", all.len()));
    let hand_written = Spec {
        written: &all,
        catalog: &[],
        ..catalogs
    };
    corpus(&hand_dir, &hand_written, &no_finish)?;
    let cat = site_gen_build(bin, &cat_dir);
    let hand = site_gen_build(bin, &hand_dir);
    let got = alternate(
        outs,
        &label,
        runs,
        &[("catalogs", &cat), ("hand-written", &hand)],
    )?;
    Ok(CatalogRow {
        pages,
        langs: all.len(),
        catalog_html: got[0].1,
        catalog: stats(&got[0].0),
        written_html: got[1].1,
        written: stats(&got[1].0),
    })
}

/// Pages of the Japanese site whose catalog has the broken entries: enough
/// for [`ERRORS`] Markdown messages (about 37 each).
const ERROR_PAGES: usize = 320;

/// `errors`: the time `site-gen check` takes to report [`ERRORS`] invalid
/// procedure steps, then as many broken catalog entries.
fn errors_shape(
    bin: &Path,
    base: &Path,
    outs: &Path,
    runs: usize,
) -> Result<Vec<ErrorsRow>, String> {
    let japanese = Spec {
        layout: Layout::Growing,
        pages: 20,
        written: &["ja"],
        catalog: &[],
        japanese: true,
        same_text: false,
        facts: true,
    };
    let procedure = base.join("errors-procedure");
    corpus(&procedure, &japanese, &|dir| {
        write(
            &dir.join("content/procedures/bench.toml"),
            &bad_procedure(ERRORS),
        )
    })?;
    let catalog = base.join("errors-catalog");
    let with_catalog = Spec {
        pages: ERROR_PAGES,
        catalog: &["en"],
        ..japanese
    };
    corpus(&catalog, &with_catalog, &|dir| {
        let broke = std::cell::Cell::new(0);
        make_catalogs(bin, dir, &["en"], &|code, ctxt, id| {
            if ctxt.is_none() && broke.get() < ERRORS {
                broke.set(broke.get() + 1);
                broken(code, id)
            } else {
                translate(code, ctxt, id)
            }
        })?;
        if broke.get() < ERRORS {
            return Err(format!(
                "the errors corpus's catalog has only {} Markdown messages, {ERRORS} wanted: \
                 raise ERROR_PAGES in xtask/src/bench.rs",
                broke.get()
            ));
        }
        Ok(())
    })?;
    let mut rows = Vec::new();
    for (what, dir, needle) in [
        (
            "invalid procedure steps",
            &procedure,
            "unknown step `missing-",
        ),
        (
            "broken catalog entries",
            &catalog,
            "the translation contains raw HTML",
        ),
    ] {
        let mut samples = Vec::new();
        let mut reported = 0;
        for r in 0..runs {
            let mut stderr = String::new();
            let log = outs.join(format!("errors-{r}.log"));
            let sample = measure_output(
                &[
                    bin.as_os_str(),
                    "--root".as_ref(),
                    dir.as_os_str(),
                    "check".as_ref(),
                ],
                &log,
                true,
                &mut stderr,
            )?;
            reported = stderr.matches(needle).count();
            eprintln!(
                "bench: errors run {} {what}: {:.2} s, CPU {:.2} s, {reported} reported, {:.0} MiB",
                r + 1,
                sample.secs,
                sample.cpu,
                sample.rss_kib as f64 / 1024.0
            );
            samples.push(sample);
        }
        rows.push(ErrorsRow {
            what,
            planted: ERRORS,
            reported,
            check: stats(&samples),
        });
    }
    Ok(rows)
}

/// `/proc/loadavg`'s three averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Deletes a shape's outputs, then waits for the disk.
fn delete_outputs(outs: &Path) {
    eprintln!("bench: deleting the outputs");
    let _ = std::fs::remove_dir_all(outs);
    let _ = Command::new("sync").status();
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let load_start = load_average();
    let wall = Instant::now();
    let compared = args.shapes.iter().any(|s| s.layout().is_some());
    if args.shapes != [Shape::Serve] {
        ensure_tools()?;
    }
    let bin = site_gen_binary(Profile::Release)?;
    let hugo_version = if compared {
        String::from_utf8_lossy(
            &Command::new("hugo")
                .arg("version")
                .output()
                .map_err(|e| format!("hugo: {e}"))?
                .stdout,
        )
        .trim()
        .to_string()
    } else {
        "(Hugo not run)".to_string()
    };
    let base = root().join("target/bench");
    let outs = base.join("out");
    let mut report = Report::default();
    for &shape in &args.shapes {
        match shape {
            Shape::Fixed | Shape::Sections | Shape::Flat => {
                let layout = shape.layout().ok_or("a shape both tools build")?;
                for &pages in &args.pages {
                    report.builds.push(build_shape(
                        &bin, &base, &outs, shape, layout, pages, &args,
                    )?);
                }
            }
            Shape::Catalog => {
                for &pages in &args.pages {
                    report
                        .catalogs
                        .push(catalog_shape(&bin, &base, &outs, pages, args.runs)?);
                }
            }
            Shape::Errors => report.errors = errors_shape(&bin, &base, &outs, args.runs)?,
            Shape::Serve => {
                // At 4k when it was asked for, else on the largest size.
                let pages = if args.pages.contains(&SMALL) {
                    SMALL
                } else {
                    args.pages.iter().copied().max().unwrap_or(SMALL)
                };
                let langs = &LANGS[..args.langs];
                let dir = base.join(format!("sections-{pages}x{}", langs.len()));
                corpus(
                    &dir,
                    &written_spec(Layout::Growing, pages, langs),
                    &no_finish,
                )?;
                eprintln!(
                    "bench: site-gen serve on sections {pages}×{}: editing one page",
                    langs.len()
                );
                let reload = edit_to_reload(&bin, &dir, &Layout::Growing.page(1), langs[0])?;
                report.reload = Some((pages, langs.len(), reload));
            }
        }
        if shape != Shape::Serve {
            delete_outputs(&outs);
        }
    }
    let load_end = load_average();
    print_report(&args, &report, &hugo_version);
    println!(
        "\nmachine: {} CPUs (nproc); load average (1, 5, 15 min) {load_start} at the start, \
         {load_end} at the end; the bench took {:.0} s",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        wall.elapsed().as_secs_f64()
    );
    Ok(())
}

fn show(s: &Stats) -> String {
    format!(
        "{:.2} s ({:.2}–{:.2}), CPU {:.2} s, {:.0} MiB",
        s.median, s.min, s.max, s.cpu, s.rss_mib
    )
}

fn print_report(args: &Args, r: &Report, hugo_version: &str) {
    println!(
        "\nsite-gen (release) vs {hugo_version}\n{} run(s) each, alternating; time = wall clock, \
         median (min–max); CPU = user + system time, median; memory = peak RSS",
        args.runs
    );
    for shape in [Shape::Fixed, Shape::Sections, Shape::Flat] {
        let rows: Vec<&BuildRow> = r.builds.iter().filter(|b| b.shape == shape).collect();
        if rows.is_empty() {
            continue;
        }
        let what = match shape {
            Shape::Fixed => format!("{FIXED_SECTIONS} sections whatever the size"),
            Shape::Sections => format!("a section per {PER_SECTION} pages"),
            _ => "every page under the home page".to_string(),
        };
        println!("\n{}: {what}, hand-written languages\n", shape.name());
        println!(
            "| pages × languages | HTML files (site-gen / Hugo) | Hugo | site-gen | site-gen pages/s | ratio to Hugo |"
        );
        println!("|---|---|---|---|---|---|");
        for b in &rows {
            println!(
                "| {} × {} | {} / {} | {} | {} | {:.0} | {:.2}× |",
                b.pages,
                b.langs,
                b.html.0,
                b.html.1,
                show(&b.hugo),
                show(&b.sg),
                b.html.0 as f64 / b.sg.median,
                b.to_hugo()
            );
        }
        let sizes: Vec<usize> = rows.iter().map(|b| b.pages).collect();
        if let Some((a, b)) = growth_pair(&sizes) {
            let (a, b) = (
                rows.iter().find(|x| x.pages == a),
                rows.iter().find(|x| x.pages == b),
            );
            if let (Some(a), Some(b)) = (a, b) {
                println!(
                    "\ngrowth {} → {} pages: site-gen {:.2}× the time (goal ≤ 4.5× for 4×), \
                     Hugo {:.2}×; ratio to Hugo {:.2}× → {:.2}× (goal ≤ 0.3×)",
                    a.pages,
                    b.pages,
                    b.sg.median / a.sg.median,
                    b.hugo.median / a.hugo.median,
                    a.to_hugo(),
                    b.to_hugo()
                );
            }
        }
    }
    if !r.catalogs.is_empty() {
        println!(
            "\ncatalog: Japanese pages (a section per {PER_SECTION}) + 14 catalog languages, \
             every entry translated; against the same pages hand-written in 15 languages\n"
        );
        println!(
            "| pages × languages | catalogs: HTML files, time, peak | per page | hand-written: HTML files, time, peak | per page | per-page ratio |"
        );
        println!("|---|---|---|---|---|---|");
        for c in &r.catalogs {
            println!(
                "| {} × {} | {}, {} | {:.3} ms | {}, {} | {:.3} ms | {:.2}× |",
                c.pages,
                c.langs,
                c.catalog_html,
                show(&c.catalog),
                c.catalog.median * 1000.0 / c.catalog_html.max(1) as f64,
                c.written_html,
                show(&c.written),
                c.written.median * 1000.0 / c.written_html.max(1) as f64,
                c.per_page_ratio()
            );
        }
        let sizes: Vec<usize> = r.catalogs.iter().map(|c| c.pages).collect();
        if let Some((a, b)) = growth_pair(&sizes) {
            let at = |n| r.catalogs.iter().find(|c| c.pages == n);
            if let (Some(a), Some(b)) = (at(a), at(b)) {
                println!(
                    "\ngrowth {} → {} pages: catalogs {:.2}× the time, hand-written {:.2}× (goal ≤ 4.5× for 4×)",
                    a.pages,
                    b.pages,
                    b.catalog.median / a.catalog.median,
                    b.written.median / a.written.median
                );
            }
        }
    }
    if !r.errors.is_empty() {
        println!("\nerrors: the time until `site-gen check` reports every planted problem\n");
        println!("| problems | reported | site-gen check |");
        println!("|---|---|---|");
        for e in &r.errors {
            println!(
                "| {} {} | {} | {} |",
                e.planted,
                e.what,
                e.reported,
                show(&e.check)
            );
        }
    }
    if let Some((pages, langs, reload)) = &r.reload {
        println!();
        print_reload(*pages, *langs, reload);
    }
    println!("\nGoals (issue #19):");
    for g in goals(r) {
        println!("  {} {}", verdict(g.verdict), g.text);
    }
}

fn print_reload(pages: usize, langs: usize, reload: &Reload) {
    println!(
        "serve: edit-to-reload on sections {pages} × {langs} (file written → reload signal, \
         median (min–max) of 5): {} after a text edit, {} after a title edit",
        reload.text.show(),
        reload.title.show()
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Args, String> {
        parse(
            &line
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn arguments_select_shapes_and_sizes() {
        let default = args("").unwrap();
        assert_eq!(default.pages, [4000, 16000]);
        assert_eq!(default.shapes, Shape::ALL);
        assert_eq!((default.langs, default.runs), (4, 1));
        let a = args("--shape serve,catalog,sections,catalog --pages 2000,500 --runs 2").unwrap();
        assert_eq!(a.shapes, [Shape::Sections, Shape::Catalog, Shape::Serve]);
        assert_eq!(a.pages, [500, 2000]);
        assert_eq!(a.runs, 2);
        assert_eq!(args("--shape all").unwrap().shapes, Shape::ALL);
        assert_eq!(args("--serve").unwrap().shapes, [Shape::Serve]);
        assert_eq!(args("--langs 15").unwrap().langs, 15);
        let e = args("--shape flat,tree").unwrap_err();
        assert!(
            e.contains("unknown shape `tree`") && e.contains("fixed, sections"),
            "{e}"
        );
        // --help describes every shape and option.
        for shape in Shape::ALL {
            assert!(
                crate::BENCH_HELP.contains(&format!("\n  {} ", shape.name())),
                "{}",
                shape.name()
            );
        }
        for option in ["--shape", "--pages", "--langs", "--runs", "--serve"] {
            assert!(
                crate::BENCH_HELP.contains(&format!("\n  {option} ")),
                "{option}"
            );
        }
        for bad in [
            "--pages 0",
            "--pages x",
            "--runs 0",
            "--langs 16",
            "--langs 0",
            "--shape",
            "--frobnicate",
        ] {
            assert!(args(bad).is_err(), "{bad}");
        }
    }

    /// What the catalog rules protect, as this test sees it: facts,
    /// placeholders, link targets and heading-like markers.
    fn protected(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '(', '#']) {
            let tail = &rest[i..];
            let end = match tail.as_bytes()[0] {
                b'{' if tail.starts_with("{{") => tail.find("}}").map(|e| e + 2),
                b'{' => tail.find('}').map(|e| e + 1),
                b'(' => tail.find(')').map(|e| e + 1),
                _ => tail.find(' ').or(Some(tail.len())),
            };
            let end = end.unwrap_or(tail.len());
            out.push(tail[..end].to_string());
            rest = &tail[end..];
        }
        out
    }

    #[test]
    fn the_translation_keeps_what_the_catalog_rules_protect() {
        for (ctxt, id) in [
            (None, "手数料は{{ fact(key=\"fees.copy\") }}です。"),
            (
                None,
                "次の手順は[在留カード](@/s001/p00007.md#fee)を見てください。",
            ),
            (Some("ui:source_checked"), "（{date}確認）"),
            (None, "手順 1 {住民票|じゅうみんひょう}の写し"),
        ] {
            let t = translate("fr", ctxt, id);
            assert_ne!(t, id, "a translation differs from the Japanese");
            assert!(t.starts_with("fr: "), "{t}");
            assert_eq!(protected(&t), protected(id), "{t}");
            assert!(!protected(id).is_empty(), "{id}");
        }
        // Formats stay as the Japanese (a digit or a placeholder more would be refused).
        for (ctxt, id) in [
            ("format:money", "{amount}円"),
            ("format:date", "{year}年{month}月{day}日"),
            ("format:thousands_separator", ","),
        ] {
            assert_eq!(translate("fr", Some(ctxt), id), id);
        }
        // The broken one breaks a rule (raw HTML) and keeps the rest.
        let b = broken("en", "[a](@/x.md)");
        assert!(b.contains("<b>") && b.contains("(@/x.md)"), "{b}");
    }

    #[test]
    fn filling_a_catalog_changes_only_the_msgstrs() {
        let po = "# header comment\nmsgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n\n\
                  #: content/a.ja.md:3\nmsgid \"一行\\n\\\"二行\\\"\"\nmsgstr \"\"\n\n\
                  #. page title\n#: content/b.ja.md:2\nmsgctxt \"ui:\"\n\"x\"\nmsgid \"\"\n\"長い\"\n\"文\"\n\
                  msgstr \"old\"\n\"more old\"\n\n\
                  msgctxt \"format:money\"\nmsgid \"{amount}円\"\nmsgstr \"\"\n\n\
                  msgctxt \"ui:empty\"\nmsgid \"\"\nmsgstr \"\"\n";
        let mut seen = Vec::new();
        let (out, n) = fill_po(po, &mut |ctxt, id| {
            seen.push((ctxt.map(String::from), id.to_string()));
            translate("fr", ctxt, id)
        })
        .unwrap();
        assert_eq!(n, 4);
        assert_eq!(
            seen,
            [
                (None, "一行\n\"二行\"".to_string()),
                (Some("ui:x".to_string()), "長い文".to_string()),
                (Some("format:money".to_string()), "{amount}円".to_string()),
                (Some("ui:empty".to_string()), String::new()),
            ]
        );
        let want = "# header comment\nmsgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n\n\
                    #: content/a.ja.md:3\nmsgid \"一行\\n\\\"二行\\\"\"\nmsgstr \"fr: 一行\\n\\\"二行\\\"\"\n\n\
                    #. page title\n#: content/b.ja.md:2\nmsgctxt \"ui:\"\n\"x\"\nmsgid \"\"\n\"長い\"\n\"文\"\n\
                    msgstr \"fr: 長い文\"\n\n\
                    msgctxt \"format:money\"\nmsgid \"{amount}円\"\nmsgstr \"{amount}円\"\n\n\
                    msgctxt \"ui:empty\"\nmsgid \"\"\nmsgstr \"fr: \"\n";
        assert_eq!(out, want);
        for bad in [
            "msgid \"a\nmsgstr \"\"\n",
            "\"stray\"\n",
            "msgid \"a\"\nmsgid_plural \"b\"\n",
        ] {
            assert!(fill_po(bad, &mut |_, _| String::new()).is_err(), "{bad}");
        }
    }

    #[test]
    fn stats_take_the_median_and_the_highest_peak() {
        let s = |secs: f64, rss_kib: u64| Sample {
            secs,
            cpu: secs * 2.0,
            rss_kib,
        };
        let one = super::stats(&[s(3.0, 2048)]);
        assert_eq!(
            (one.median, one.cpu, one.min, one.max, one.rss_mib),
            (3.0, 6.0, 3.0, 3.0, 2.0)
        );
        let two = super::stats(&[s(4.0, 1024), s(2.0, 3072)]);
        assert_eq!(
            (two.median, two.cpu, two.min, two.max, two.rss_mib),
            (3.0, 6.0, 2.0, 4.0, 3.0)
        );
        let three = super::stats(&[s(5.0, 1024), s(1.0, 1024), s(2.0, 1024)]);
        assert_eq!((three.median, three.min, three.max), (2.0, 1.0, 5.0));
    }

    #[test]
    fn gnu_times_line_gives_cpu_time_and_peak_rss() {
        assert_eq!(parse_time("1.50 0.25 40960\n"), Some((1.75, 40960)));
        assert_eq!(
            parse_time("Command exited with non-zero status 1\n0.30 0.10 123\n"),
            Some((0.4, 123))
        );
        for bad in ["", "40960\n", "1.5 x 40960\n", "1 2 3 4\n"] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn layouts_place_pages_as_the_shapes_say() {
        assert_eq!(Layout::Fixed.sections(16000), 20);
        assert_eq!(Layout::Growing.sections(4000), 40);
        assert_eq!(Layout::Growing.sections(16000), 160);
        assert_eq!(Layout::Growing.sections(150), 2);
        assert_eq!(Layout::Flat.sections(4000), 0);
        assert_eq!(Layout::Fixed.page(21), "s01/p00021");
        assert_eq!(Layout::Growing.page(15999), "s159/p15999");
        assert_eq!(Layout::Flat.page(7), "p00007");
    }

    fn files(dir: &Path) -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let key = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                    out.insert(key, std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn the_generator_is_deterministic_and_links_only_to_its_pages() {
        let tmp = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        for (layout, japanese, same_text) in [
            (Layout::Fixed, false, false),
            (Layout::Growing, true, true),
            (Layout::Flat, false, false),
        ] {
            let spec = Spec {
                layout,
                pages: 230,
                written: &["ja", "fr"],
                catalog: &["ko"],
                japanese,
                same_text,
                facts: japanese,
            };
            let (a, b) = (tmp.join("a"), tmp.join("b"));
            corpus(&a, &spec, &no_finish).unwrap();
            corpus(&b, &spec, &no_finish).unwrap();
            let (fa, fb) = (files(&a), files(&b));
            assert_eq!(fa, fb, "{layout:?}");
            let pages: Vec<&String> = fa
                .keys()
                .filter(|k| k.starts_with("content/") && k.ends_with(".ja.md"))
                .collect();
            assert_eq!(
                pages.len(),
                1 + layout.sections(230) + 230,
                "{layout:?}: home, sections, pages"
            );
            for (key, text) in &fa {
                for link in text.split("(@/").skip(1) {
                    let target = &link[..link.find(')').unwrap()];
                    let file = format!("content/{}", target.replace(".md", ".fr.md"));
                    assert!(fa.contains_key(&file), "{key} links to {target}");
                }
            }
            // Same text: the other language's page is the default's with each run marked.
            let page = format!("content/{}", layout.page(5));
            let (ja, fr) = (&fa[&format!("{page}.ja.md")], &fa[&format!("{page}.fr.md")]);
            assert_eq!(fr.contains("fr: "), same_text, "{fr}");
            assert_eq!(
                fr.replace("fr: ", "")
                    .replace("translated_from = 2026-11-20\n", "")
                    == *ja,
                same_text
            );
            assert!(
                !fa.contains_key(&format!("{page}.ko.md")),
                "catalog languages have no pages"
            );
            assert!(fa["content/site.toml"].contains("code = \"ko\""));
            assert!(
                !fa.contains_key("content/i18n/ko.toml"),
                "a catalog language has no strings file"
            );
            // The stamp is kept; a changed spec writes the corpus again.
            let other = Spec { pages: 231, ..spec };
            corpus(&a, &other, &no_finish).unwrap();
            assert!(
                a.join(format!("content/{}.ja.md", layout.page(230)))
                    .is_file()
            );
            std::fs::remove_dir_all(&tmp).unwrap();
        }
    }

    fn stats(median: f64, rss_mib: f64) -> Stats {
        Stats {
            median,
            cpu: median,
            min: median,
            max: median,
            rss_mib,
        }
    }

    fn build(shape: Shape, pages: usize, sg: f64, hugo: f64) -> BuildRow {
        BuildRow {
            shape,
            pages,
            langs: 4,
            html: (pages * 4, pages * 4),
            sg: stats(sg, 100.0),
            hugo: stats(hugo, 1000.0),
        }
    }

    fn verdicts(r: &Report) -> Vec<(Verdict, String)> {
        goals(r).into_iter().map(|g| (g.verdict, g.text)).collect()
    }

    fn find(v: &[(Verdict, String)], text: &str) -> Verdict {
        let hits: Vec<_> = v.iter().filter(|(_, t)| t.contains(text)).collect();
        assert_eq!(hits.len(), 1, "{text:?} in {v:#?}");
        hits[0].0
    }

    #[test]
    fn goals_are_met_or_not_by_the_figures() {
        let reload = |ms: f64| Times {
            median: ms / 1000.0,
            min: ms / 1000.0,
            max: ms / 1000.0,
        };
        let r = Report {
            builds: vec![
                build(Shape::Sections, 4000, 2.9, 10.0),
                build(Shape::Sections, 16000, 13.5, 40.0),
                build(Shape::Flat, 4000, 3.0, 10.0),
                build(Shape::Flat, 16000, 13.6, 40.0),
            ],
            catalogs: vec![CatalogRow {
                pages: 4000,
                langs: 15,
                catalog_html: 60000,
                catalog: stats(12.4, 399.0),
                written_html: 60000,
                written: stats(10.0, 200.0),
            }],
            errors: vec![
                ErrorsRow {
                    what: "invalid procedure steps",
                    planted: 10000,
                    reported: 10000,
                    check: stats(1.9, 50.0),
                },
                ErrorsRow {
                    what: "broken catalog entries",
                    planted: 10000,
                    reported: 9999,
                    check: stats(0.5, 50.0),
                },
            ],
            reload: Some((
                4000,
                4,
                Reload {
                    text: reload(99.0),
                    title: reload(101.0),
                },
            )),
        };
        let v = verdicts(&r);
        assert_eq!(find(&v, "sections at 4000 × 4"), Verdict::Met);
        assert_eq!(find(&v, "sections at 16000 × 4"), Verdict::NotMet); // 0.34×
        assert_eq!(find(&v, "time, sections × 4"), Verdict::NotMet); // 4.66×
        assert_eq!(find(&v, "time, flat × 4"), Verdict::NotMet); // 4.53×
        assert_eq!(find(&v, "per output page"), Verdict::Met); // 1.24×
        assert_eq!(find(&v, "peak ≤ 400 MiB"), Verdict::Met);
        assert_eq!(
            find(&v, "catalog (ja + 14 catalogs): not measured"),
            Verdict::NotMeasured
        );
        assert_eq!(find(&v, "invalid procedure steps"), Verdict::Met);
        assert_eq!(find(&v, "broken catalog entries"), Verdict::NotMet); // one not reported
        assert_eq!(find(&v, "edit-to-reload"), Verdict::NotMet); // the title's 101 ms
        assert!(
            v.iter().all(|(_, t)| !t.contains("not a goal size")),
            "{v:#?}"
        );

        // The other side of each line.
        let r = Report {
            builds: vec![
                build(Shape::Sections, 4000, 3.1, 10.0),
                build(Shape::Sections, 16000, 12.0, 40.0),
            ],
            catalogs: vec![CatalogRow {
                pages: 4000,
                langs: 15,
                catalog_html: 60000,
                catalog: stats(12.6, 401.0),
                written_html: 60000,
                written: stats(10.0, 200.0),
            }],
            errors: vec![ErrorsRow {
                what: "invalid procedure steps",
                planted: 10000,
                reported: 10000,
                check: stats(2.1, 50.0),
            }],
            reload: None,
        };
        let v = verdicts(&r);
        assert_eq!(find(&v, "sections at 4000 × 4"), Verdict::NotMet); // 0.31×
        assert_eq!(find(&v, "sections at 16000 × 4"), Verdict::Met);
        assert_eq!(find(&v, "time, sections × 4"), Verdict::Met); // 3.87×
        assert_eq!(find(&v, "per output page"), Verdict::NotMet); // 1.26×
        assert_eq!(find(&v, "peak ≤ 400 MiB"), Verdict::NotMet);
        assert_eq!(find(&v, "invalid procedure steps"), Verdict::NotMet); // 2.1 s
        assert_eq!(find(&v, "edit-to-reload"), Verdict::NotMeasured);

        // Other sizes: labelled, the growth limit scaled, the goal sizes not measured.
        let r = Report {
            builds: vec![
                build(Shape::Sections, 500, 0.5, 2.0),
                build(Shape::Sections, 2000, 2.3, 8.0),
            ],
            ..Report::default()
        };
        let v = verdicts(&r);
        assert_eq!(
            find(&v, "sections at 4000 × 4: not measured"),
            Verdict::NotMeasured
        );
        assert_eq!(find(&v, "sections at 500 × 4"), Verdict::Met);
        assert!(
            v.iter().any(
                |(_, t)| t.contains("500 × 4: 0.25× (0.50 s against 2.00 s) (not a goal size)")
            ),
            "{v:#?}"
        );
        // 4.6× for 4× the pages: above 4.5.
        assert_eq!(find(&v, "500 → 2000"), Verdict::NotMet);
        let r = Report {
            builds: vec![
                build(Shape::Fixed, 1000, 1.0, 2.0),
                build(Shape::Fixed, 2000, 2.2, 4.0),
            ],
            ..Report::default()
        };
        // 2.2× for 2× the pages: within 2.25.
        assert_eq!(find(&verdicts(&r), "1000 → 2000"), Verdict::Met);
        let r = Report {
            builds: vec![
                build(Shape::Fixed, 1000, 1.0, 2.0),
                build(Shape::Fixed, 2000, 2.3, 4.0),
            ],
            ..Report::default()
        };
        // 2.3× for 2× the pages: above 2.25.
        assert_eq!(find(&verdicts(&r), "1000 → 2000"), Verdict::NotMet);
    }
}
