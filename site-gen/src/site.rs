//! The whole build: load a site root, check everything, build the site model,
//! render every page of every language (in parallel), and either keep the
//! output in memory (`generate`: check, facts, serve) or have the rendering
//! workers write it into a staging folder that `output::Staging` swaps in
//! (`build`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::checker;
use crate::config::{self, I18n, SiteConfig};
use crate::content::{self, Kind, Page, PageIndex};
use crate::context::{
    Alternate, CheckerCtx, ChooserCtx, Common, Crumb, FactsCtx, Home, Link, NotFoundCtx,
    NotFoundHome, PageCtx, PageData, Scripts, SiteCtx, SourceCtx, Translation,
};
use crate::data::{self, Facts};
use crate::diag::{self, Diagnostic, Sources};
use crate::markdown::{self, Rendered};
use crate::model::Library;
use crate::output;
use crate::procedures;
use crate::register::{self, Register};
use crate::templates::{FnData, Templates};

/// The Content-Security-Policy every page carries.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

/// The staff page listing every fact (not linked, not in the sitemap, noindex).
pub const FACTS_PAGE: &str = "staff/facts/index.html";

/// Path of the live-reload script the dev server injects.
pub const LIVERELOAD_JS: &str = "__livereload.js";

#[derive(Debug, Clone)]
pub struct Options {
    /// The site root: holds `content/`, and optionally `templates/` and `static/`.
    pub root: PathBuf,
    /// Replaces `base_url` from site.toml (the dev server uses its own address).
    pub base_url: Option<String>,
    /// Adds the dev server's live-reload script to every page.
    pub livereload: bool,
    /// trunk's output folder with the checker's wasm and JS glue; without it
    /// checker pages carry only the server-rendered first screen.
    pub checker_dist: Option<PathBuf>,
    /// The day the facts register shows values for and measures the age of
    /// each fact's `checked` date against (default: today, UTC). Only the
    /// staff page and the warnings depend on it, never a reader's page.
    pub today: config::Date,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            base_url: None,
            livereload: false,
            checker_dist: None,
            today: register::today_utc(),
        }
    }
}

/// A successful build: the output files (see `output_files`) and anything
/// worth a warning.
pub struct Built {
    pub files: BTreeMap<String, Vec<u8>>,
    pub sources: Sources,
    pub warnings: Vec<Diagnostic>,
    pub pages: usize,
    pub languages: usize,
    /// Every fact, its sources and where it is used (`site-gen facts`).
    pub register: Register,
    /// The files and bytes of the whole output (written to disk by
    /// [`build`], where `files` holds only what is not a page).
    pub output_files: usize,
    pub output_bytes: usize,
}

/// A failed build: every error found, with the sources they point into.
pub struct Failed {
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
}

impl Failed {
    pub fn render_plain(&self) -> String {
        diag::render_plain(&self.sources, &self.diags)
    }
}

impl std::fmt::Debug for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render_plain())
    }
}

struct Loaded {
    site: SiteConfig,
    procedures: BTreeMap<String, procedures::Loaded>,
    i18n: BTreeMap<String, I18n>,
    facts: Arc<Facts>,
    pages: Vec<Page>,
    templates: Option<Templates>,
    assets: BTreeMap<String, (String, Vec<u8>)>,
    /// Every language's interface strings and every static file loaded:
    /// pages can be rendered.
    i18n_complete: bool,
    /// Keys of pages whose file could not be read or parsed.
    unparsed: BTreeSet<String>,
    /// Stems of data files with errors: "unknown fact" there is a follow-on error.
    broken_data: BTreeSet<String>,
}

fn rel_display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads a text file into `sources`; invalid UTF-8 is an error at the first bad byte.
fn read_text(
    root: &Path,
    path: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<diag::FileId> {
    let shown = rel_display(root, path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read `{shown}`: {e}"))
                    .help("check that the file exists and is readable")
                    .parse_error(),
            );
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(sources.add(path, shown, text)),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(path, shown, text);
            diags.push(
                Diagnostic::error("file is not valid UTF-8")
                    .at(id, good..good + 1)
                    .label("first invalid byte")
                    .help("save the file as UTF-8 (not Shift_JIS or another encoding)")
                    .parse_error(),
            );
            None
        }
    }
}

/// The source folders of a site root; none may be reached through another.
const SOURCE_DIRS: [&str; 3] = ["content", "static", "templates"];

fn is_dot_name(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// The files of a source folder (`content`, `static` or `templates`),
/// sorted by name. Dot-files and dot-folders are skipped (never read, never
/// published). A symbolic link is followed only when it stays inside its
/// source folder; any other link, a link loop or an unreadable file or
/// folder is an error naming it, so nothing is silently left out and
/// nothing outside the site is ever read (or quoted in an error).
fn source_files(root: &Path, dir_name: &str, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let before = diags.len();
    let files = walk_source(root, dir_name, diags);
    for d in &mut diags[before..] {
        d.parse = true;
    }
    files
}

fn walk_source(root: &Path, dir_name: &str, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let dir = root.join(dir_name);
    let shown = |p: &Path| rel_display(root, p);
    let link_target =
        |p: &Path| std::fs::read_link(p).map_or_else(|_| "?".into(), |t| t.display().to_string());
    match std::fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read `{dir_name}/`: {e}"))
                    .help("make the folder readable by the build"),
            );
            return Vec::new();
        }
        Ok(_) => {}
    }
    let (Ok(root_real), Ok(dir_real)) = (root.canonicalize(), dir.canonicalize()) else {
        diags.push(
            Diagnostic::error(format!(
                "`{dir_name}` is a symbolic link to `{}`, which does not exist",
                link_target(&dir)
            ))
            .help(format!(
                "make `{dir_name}` a real folder inside the site root"
            )),
        );
        return Vec::new();
    };
    let other_source = SOURCE_DIRS
        .iter()
        .filter(|d| **d != dir_name)
        .any(|d| dir_real.starts_with(root_real.join(d)));
    let dotted = dir_real
        .strip_prefix(&root_real)
        .is_ok_and(|rel| rel.components().any(|c| is_dot_name(c.as_os_str())));
    if dir_real != root_real.join(dir_name)
        && (!dir_real.starts_with(&root_real) || dir_real == root_real || other_source || dotted)
    {
        diags.push(
            Diagnostic::error(format!(
                "`{dir_name}` is a symbolic link to `{}`, outside the site's own `{dir_name}` folder",
                link_target(&dir)
            ))
            .help(format!(
                "make `{dir_name}` a real folder (or a link to a folder inside the site root \
                 that holds nothing else): a link out of it could publish the site's secrets"
            )),
        );
        return Vec::new();
    }
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_dot_name(e.file_name()));
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map_or_else(|| dir.clone(), Path::to_path_buf);
                let msg = if e.loop_ancestor().is_some() {
                    format!(
                        "`{}` is a symbolic link to `{}`, which loops back to a folder above it",
                        shown(&path),
                        link_target(&path)
                    )
                } else if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink())
                    && std::fs::metadata(&path).is_err()
                {
                    format!(
                        "`{}` is a symbolic link to `{}`, which does not exist",
                        shown(&path),
                        link_target(&path)
                    )
                } else {
                    format!(
                        "cannot read `{}`: {}",
                        shown(&path),
                        e.io_error()
                            .map_or_else(|| e.to_string(), ToString::to_string)
                    )
                };
                diags.push(Diagnostic::error(msg).help(
                    "make every file and folder under the site's source folders readable, \
                     or move it out of them",
                ));
                continue;
            }
        };
        if entry.path_is_symlink() {
            let inside = entry.path().canonicalize().is_ok_and(|real| {
                real.starts_with(&dir_real)
                    && !real
                        .strip_prefix(&dir_real)
                        .is_ok_and(|rel| rel.components().any(|c| is_dot_name(c.as_os_str())))
            });
            if !inside {
                diags.push(
                    Diagnostic::error(format!(
                        "`{}` is a symbolic link to `{}`, outside `{dir_name}/`",
                        shown(entry.path()),
                        link_target(entry.path())
                    ))
                    .help(format!(
                        "copy the file into `{dir_name}/` instead: links may only point \
                         inside the folder they are in"
                    )),
                );
                continue;
            }
        }
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        } else if !entry.file_type().is_dir() {
            diags.push(
                Diagnostic::error(format!(
                    "`{}` is neither a file nor a folder",
                    shown(entry.path())
                ))
                .help("remove it: only files and folders belong in the site's sources"),
            );
        }
    }
    files
}

fn load(opts: &Options, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let root = &opts.root;
    let content_dir = root.join("content");
    let site_path = content_dir.join("site.toml");
    let before = diags.len();
    let content_files = source_files(root, "content", diags);
    if !content_files.contains(&site_path) {
        // A refused or unreadable `content/` or site.toml is already reported.
        let reported = diags[before..].iter().any(|d| {
            d.message.contains("`content/site.toml`")
                || d.message.starts_with("cannot read `content`")
                || d.message.starts_with("`content` is a symbolic link")
        });
        if !reported {
            diags.push(
                Diagnostic::error(format!(
                    "no site configuration at `{}`",
                    site_path.display()
                ))
                .help("run inside a site (a folder with content/site.toml) or pass --root DIR"),
            );
        }
        return None;
    }
    let site_file = read_text(root, &site_path, sources, diags)?;
    let mut site = match config::load_site(sources, site_file) {
        Ok(s) => s,
        Err(e) => {
            diags.extend(e);
            return None;
        }
    };
    if let Some(url) = &opts.base_url {
        site.base_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }

    let mut i18n_files = BTreeMap::new();
    let mut data_files = Vec::new();
    let mut page_files = Vec::new();
    let mut procedure_files = Vec::new();
    let mut unparsed = BTreeSet::new();
    let mut unreadable_data = BTreeSet::new();
    let mut unreadable_procedures = BTreeSet::new();
    for path in content_files {
        let rel = rel_display(&content_dir, &path);
        let kind = match content::classify(&rel, &site) {
            Ok(k) => k,
            Err(d) => {
                diags.push(d.parse_error());
                continue;
            }
        };
        match kind {
            Kind::Ignored | Kind::SiteConfig => {}
            Kind::I18n { lang } => {
                if let Some(id) = read_text(root, &path, sources, diags) {
                    i18n_files.insert(lang, id);
                }
            }
            Kind::Data { stem } => match read_text(root, &path, sources, diags) {
                Some(id) => data_files.push((stem, id)),
                None => {
                    unreadable_data.insert(stem);
                }
            },
            Kind::Procedure { id: proc_id } => match read_text(root, &path, sources, diags) {
                Some(id) => procedure_files.push((proc_id, id)),
                None => {
                    unreadable_procedures.insert(proc_id);
                }
            },
            Kind::Page { key, lang } => match read_text(root, &path, sources, diags) {
                Some(id) => page_files.push((key, lang, id)),
                None => {
                    unparsed.insert(key);
                }
            },
        }
    }

    let (i18n, i18n_complete) = load_i18n(&site, sources, &i18n_files, diags);

    let mut facts = Facts::default();
    let mut broken_data = unreadable_data;
    for (stem, id) in &data_files {
        let problems = data::load_file(&mut facts, sources, *id, stem, &site);
        if problems.iter().any(Diagnostic::is_error) {
            broken_data.insert(stem.clone());
        }
        diags.extend(problems);
    }
    let facts = Arc::new(facts);
    let procedures = procedures::load(sources, &procedure_files, &site, &facts, diags);

    let mut pages = Vec::new();
    for (key, lang, id) in &page_files {
        match content::parse_page(sources, *id, key, lang) {
            Ok(p) => {
                check_front_texts(sources, &p, diags);
                pages.push(p);
            }
            Err(d) => {
                unparsed.insert(key.clone());
                diags.push(d.parse_error());
            }
        }
    }
    check_page_set(&site, &pages, &unparsed, sources, diags);
    for p in &pages {
        if let Some(id) = &p.front.checker
            && !procedure_files.iter().any(|(pid, _)| pid == id)
            && !unreadable_procedures.contains(id)
        {
            let text = sources.text(p.file);
            let span = text
                .find(&format!("\"{id}\""))
                .map_or(0..3, |i| i..i + id.len() + 2);
            diags.push(
                Diagnostic::error(format!("no procedure `{id}` for this page's checker"))
                    .at(p.file, span)
                    .label("checker")
                    .help(format!(
                        "create content/procedures/{id}.toml or use one of: {}",
                        procedure_files
                            .iter()
                            .map(|(pid, _)| pid.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            );
        }
    }

    let mut assets = BTreeMap::new();
    let static_dir = root.join("static");
    let before = diags.len();
    let static_files = source_files(root, "static", diags);
    // Templates that ask for a refused static file would only repeat the error.
    let static_complete = diags.len() == before;
    for path in static_files {
        let rel = rel_display(&static_dir, &path);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let out = output::asset_name(&rel, &bytes);
                assets.insert(rel, (out, bytes));
            }
            Err(e) => diags.push(
                Diagnostic::error(format!("cannot read `{}`: {e}", rel_display(root, &path)))
                    .help("make the file readable by the build, or remove it")
                    .parse_error(),
            ),
        }
    }

    let mut site_templates = Vec::new();
    let tpl_dir = root.join("templates");
    for path in source_files(root, "templates", diags) {
        if let Some(id) = read_text(root, &path, sources, diags) {
            site_templates.push((rel_display(&tpl_dir, &path), id));
        }
    }
    let templates = Some(&i18n).filter(|m| !m.is_empty()).and_then(|i18n| {
        let fn_data = Arc::new(FnData {
            i18n: i18n.clone(),
            assets: assets
                .iter()
                .map(|(k, (out, _))| (k.clone(), out.clone()))
                .collect(),
            base_path: site.base_path(),
            facts: Arc::clone(&facts),
        });
        match Templates::load(sources, &site_templates, fn_data) {
            Ok(t) => Some(t),
            Err(e) => {
                diags.extend(e);
                None
            }
        }
    });

    Some(Loaded {
        procedures,
        i18n,
        site,
        facts,
        pages,
        templates,
        assets,
        i18n_complete: i18n_complete && static_complete,
        unparsed,
        broken_data,
    })
}

fn load_i18n(
    site: &SiteConfig,
    sources: &Sources,
    files: &BTreeMap<String, diag::FileId>,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, I18n>, bool) {
    let mut out = BTreeMap::new();
    let mut ok = true;
    for lang in site.codes() {
        let Some(&file) = files.get(lang) else {
            diags.push(
                Diagnostic::error(format!("no interface strings for `{lang}`")).help(format!(
                    "create content/i18n/{lang}.toml with [format] and [strings] tables, \
                         copying content/i18n/{}.toml",
                    site.default_language
                )),
            );
            ok = false;
            continue;
        };
        match config::parse_toml::<I18n>(
            sources,
            file,
            sources.text(file),
            0,
            "an i18n file has a [format] table (money, thousands_separator, date, month_names, \
             rate_from, unverified) and a [strings] table of interface strings",
        ) {
            Ok(t) => {
                let text = sources.text(file);
                for (key, value) in &t.strings {
                    if let Some((at, problem)) = markdown::text_problem(value) {
                        let bad = value[at..].chars().next().unwrap_or(' ');
                        let key_at = text.find(&format!("\n{key} ")).map_or(0, |i| i + 1);
                        let span = text[key_at..]
                            .find(bad)
                            .map_or(key_at..key_at + key.len(), |i| {
                                key_at + i..key_at + i + bad.len_utf8()
                            });
                        diags.push(
                            Diagnostic::error(format!("string `{key}` contains {problem}"))
                                .at(file, span)
                                .label("here")
                                .help(
                                    "delete the character (retype the text if it was pasted): \
                                     control characters and bidirectional overrides are not allowed",
                                ),
                        );
                    }
                }
                out.insert(lang.to_string(), t);
            }
            Err(d) => {
                diags.push(d.parse_error());
                ok = false;
            }
        }
    }
    for (lang, &file) in files {
        if site.language(lang).is_none() {
            diags.push(
                Diagnostic::error(format!(
                    "`content/i18n/{lang}.toml`: unknown language `{lang}`"
                ))
                .in_file(file)
                .help("add the language to content/site.toml or remove the file"),
            );
        }
    }
    if let Some(default) = out.get(&site.default_language).cloned() {
        for (lang, t) in &out {
            let Some(&file) = files.get(lang) else {
                continue;
            };
            for key in default.strings.keys() {
                if !t.strings.contains_key(key) {
                    diags.push(
                        Diagnostic::error(format!("`{lang}` has no interface string `{key}`"))
                            .in_file(file)
                            .help(format!(
                                "add `{key} = \"...\"` under [strings] (see content/i18n/{}.toml)",
                                site.default_language
                            )),
                    );
                    ok = false;
                }
            }
            for key in t.strings.keys() {
                if !default.strings.contains_key(key) {
                    diags.push(
                        Diagnostic::warning(format!(
                            "`{lang}` has string `{key}` that the default language lacks"
                        ))
                        .in_file(file)
                        .help("remove it, or add it to the default language too"),
                    );
                }
            }
        }
    }
    (out, ok)
}

/// Title and description must show something and hold no control or
/// bidirectional-override character.
fn check_front_texts(sources: &Sources, p: &Page, diags: &mut Vec<Diagnostic>) {
    let text = sources.text(p.file);
    let front = &text[..p.body_offset.min(text.len())];
    for (field, value) in [
        ("title", &p.front.title),
        ("description", &p.front.description),
    ] {
        let key_span = front
            .find(&format!("\n{field}"))
            .map_or(0..3, |i| i + 1..i + 1 + field.len());
        if let Some((at, problem)) = markdown::text_problem(value) {
            let bad = value[at..].chars().next().unwrap_or(' ');
            let span = front[key_span.start..]
                .find(bad)
                .map_or(key_span.clone(), |i| {
                    key_span.start + i..key_span.start + i + bad.len_utf8()
                });
            diags.push(
                Diagnostic::error(format!("the {field} contains {problem}"))
                    .at(p.file, span)
                    .label("here")
                    .help(
                        "delete the character (retype the text if it was pasted): control \
                         characters and bidirectional overrides are not allowed",
                    ),
            );
        } else if markdown::is_invisible(value) {
            diags.push(
                Diagnostic::error(format!("the {field} is empty or invisible"))
                    .at(p.file, key_span)
                    .label(field.to_string())
                    .help(format!("write a {field} readers can see")),
            );
        }
    }
}

fn check_page_set(
    site: &SiteConfig,
    pages: &[Page],
    unparsed: &BTreeSet<String>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let index = PageIndex::new(pages);
    // Two source files for one URL: one of them would be lost.
    let mut urls: BTreeMap<(&str, &str), &Page> = BTreeMap::new();
    for p in pages {
        if let Some(first) = urls.insert((&p.lang, &p.rel_url), p) {
            diags.push(
                Diagnostic::error(format!(
                    "`{}` and `{}` are both the page `/{}/{}`",
                    sources.name(first.file),
                    sources.name(p.file),
                    p.lang,
                    p.rel_url
                ))
                .in_file(p.file)
                .help(
                    "keep one of them: `x.<lang>.md` and `x/_index.<lang>.md` give the same \
                     address",
                ),
            );
        }
    }
    for lang in site.codes() {
        if index.get("_index.md", lang).is_none() && !unparsed.contains("_index.md") {
            diags.push(
                Diagnostic::error(format!("language `{lang}` has no home page"))
                    .help(format!("create content/_index.{lang}.md")),
            );
        }
    }
    for p in pages {
        let is_default = p.lang == site.default_language;
        if !is_default
            && index.get(&p.key, &site.default_language).is_none()
            && !unparsed.contains(&p.key)
        {
            diags.push(
                Diagnostic::error(format!(
                    "`{}` has no `{}` original",
                    p.key, site.default_language
                ))
                .in_file(p.file)
                .help(format!(
                    "every page is written in the default language first: create the `.{}.md` file",
                    site.default_language
                )),
            );
        }
        if !is_default && p.front.translated_from.is_none() {
            diags.push(
                Diagnostic::error("translation without `translated_from`")
                    .at(p.file, 0..3)
                    .label("front matter")
                    .help(format!(
                        "add `translated_from = <date>`: the `updated` date of the `{}` page this \
                         text was translated from, so outdated translations can be flagged",
                        site.default_language
                    )),
            );
        }
        if is_default && p.front.translated_from.is_some() {
            diags.push(
                Diagnostic::error("`translated_from` on a default-language page")
                    .at(p.file, 0..3)
                    .label("front matter")
                    .help("only translations record the original's date; remove it here"),
            );
        }
    }
}

/// Builds the site in memory. Every error of the build is in `Failed`.
/// Builds the site in memory (`check`, `facts`, `serve`): `files` holds
/// every output file.
pub fn generate(opts: &Options) -> Result<Built, Failed> {
    generate_to(opts, None)
}

/// The build. With `out`, pages are written by the rendering workers into
/// a staging folder that replaces `out` only if every page rendered and
/// every file was written; `files` then holds only what is not a page.
fn generate_to(opts: &Options, out: Option<&Path>) -> Result<Built, Failed> {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let loaded = load(opts, &mut sources, &mut diags);
    let Some(loaded) = loaded else {
        return Err(finish_failed(sources, diags));
    };
    let Loaded {
        procedures,
        site,
        i18n,
        facts,
        pages,
        templates,
        assets,
        i18n_complete,
        unparsed,
        broken_data,
    } = loaded;
    // Errors caused by a file that is already reported broken are left out.
    let follow_on = |d: &Diagnostic| {
        d.message
            .split("unknown fact `")
            .skip(1)
            .filter_map(|rest| rest.split('`').next())
            .any(|key| {
                key.match_indices('.')
                    .any(|(i, _)| broken_data.contains(&key[..i]))
            })
    };
    // A language whose strings are broken still gets its pages checked, with
    // the default language's formats (nothing is written in that case).
    let Some(fallback_i18n) = i18n
        .get(&site.default_language)
        .or_else(|| i18n.values().next())
    else {
        diags.retain(|d| !follow_on(d));
        return Err(finish_failed(sources, diags));
    };
    let index = PageIndex::new(&pages);

    // Markdown of one page, rendered where it is used (in the worker that
    // renders and writes the page), so only the pages being rendered hold
    // their HTML at any moment.
    let markdown_of = |p: &Page| {
        let ctx = markdown::Ctx {
            site: &site,
            facts: &facts,
            i18n: i18n.get(&p.lang).unwrap_or(fallback_i18n),
            pages: &pages,
            index: &index,
            unparsed: &unparsed,
        };
        markdown::render(&ctx, p, sources.text(p.file))
    };

    // The facts each procedure refers to, and where (after the pages' uses
    // in the register).
    let mut procedure_uses: Vec<(String, register::Use)> = Vec::new();
    let procedure_facts: BTreeMap<String, Vec<String>> = procedures
        .iter()
        .map(|(id, loaded)| {
            let refs = madoguchi_rules::fact_references(&loaded.procedure);
            for (key, span) in &refs {
                procedure_uses.push((
                    key.clone(),
                    register::Use {
                        file: loaded.file,
                        span: span.clone().unwrap_or(0..0),
                    },
                ));
            }
            (id.clone(), refs.into_iter().map(|(key, _)| key).collect())
        })
        .collect();

    let mut warnings = Vec::new();
    let mut files = BTreeMap::new();
    let core_facts = procedures::core_facts(&facts);
    let mut scripts = None;
    if pages.iter().any(|p| p.front.checker.is_some())
        && let Some(dist) = &opts.checker_dist
    {
        match checker::load_bundle(dist) {
            Ok(bundle) => {
                let boot = checker::boot_module(&bundle);
                let boot_name = output::asset_name("boot.js", boot.as_bytes());
                let base = format!("{}{}/", site.base_path(), checker::DIR);
                scripts = Some(Scripts {
                    boot: format!("{base}{boot_name}"),
                    boot_integrity: checker::integrity(boot.as_bytes()),
                    glue: format!("{base}{}", bundle.glue.0),
                    glue_integrity: checker::integrity(&bundle.glue.1),
                    wasm: format!("{base}{}", bundle.wasm.0),
                    wasm_integrity: checker::integrity(&bundle.wasm.1),
                });
                files.insert(format!("{}/{boot_name}", checker::DIR), boot.into_bytes());
                files.insert(format!("{}/{}", checker::DIR, bundle.glue.0), bundle.glue.1);
                files.insert(format!("{}/{}", checker::DIR, bundle.wasm.0), bundle.wasm.1);
            }
            Err(d) => diags.push(d),
        }
    }
    // Building to disk: a staging folder next to `out`, made only when
    // loading found nothing wrong (an invalid site writes nothing at all)
    // and deleted unless every file is written and swapped in. Pages whose
    // Markdown has an error are not written; the error deletes the folder.
    let staging = match out {
        Some(out)
            if templates.is_some()
                && i18n_complete
                && !diags.iter().any(|d| d.is_error() && !follow_on(d)) =>
        {
            match output::Staging::new(out) {
                Ok(s) => Some(s),
                Err(e) => {
                    return Err(Failed {
                        sources,
                        diags: vec![write_failed(out, &e)],
                    });
                }
            }
        }
        _ => None,
    };
    let base_path = site.base_path();
    let livereload = opts
        .livereload
        .then(|| format!("{base_path}{LIVERELOAD_JS}"));
    let lib = Library::new(&site, &pages, &index);
    let checkers: BTreeMap<(String, String), Result<CheckerOut, Diagnostic>> =
        if templates.is_some() && i18n_complete {
            // Checker data and its server render, once per (procedure, language).
            let pairs: BTreeSet<(String, String)> = pages
                .iter()
                .filter_map(|p| Some((p.front.checker.clone()?, p.lang.clone())))
                .filter(|(id, _)| procedures.contains_key(id))
                .collect();
            pairs
                .into_par_iter()
                .map(|(id, lang)| {
                    let out =
                        checker_out(&procedures[&id].procedure, &core_facts, &id, &lang, &i18n);
                    ((id, lang), out)
                })
                .collect()
        } else {
            BTreeMap::new()
        };
    let renderer = templates
        .as_ref()
        .filter(|_| i18n_complete)
        .map(|templates| Renderer {
            lib: &lib,
            i18n: &i18n,
            templates,
            sources: &sources,
            livereload: livereload.as_deref(),
            base_path: &base_path,
            procedure_facts: &procedure_facts,
            facts: &facts,
            checkers: &checkers,
            scripts: scripts.as_ref(),
        });

    // Each page, in parallel: its Markdown, then (with templates) its
    // template, then (building to disk) its file in the staging folder;
    // otherwise pages stay in memory (serve, check). What the checks across
    // pages need is kept as a small summary; results stay in page order.
    type PageResult = Result<Option<(String, String)>, Diagnostic>;
    let results: Vec<(Summary, Option<PageResult>)> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let rendered = markdown_of(p);
            let page = renderer.as_ref().map(|r| {
                let path = format!("{}/{}index.html", p.lang, p.rel_url);
                let html = r.page(i, &rendered)?;
                match (&staging, out) {
                    (Some(_), Some(_)) if rendered.diags.iter().any(Diagnostic::is_error) => {
                        Ok(None)
                    }
                    (Some(staging), Some(out)) => staging
                        .write(&path, html.as_bytes())
                        .map(|()| None)
                        .map_err(|e| write_failed(out, &e)),
                    _ => Ok(Some((path, html))),
                }
            });
            (Summary::of(rendered), page)
        })
        .collect();
    let mut summaries = Vec::with_capacity(results.len());
    let mut page_errors = Vec::new();
    for (summary, page) in results {
        match page {
            Some(Ok(Some((path, html)))) => {
                files.insert(path, html.into_bytes());
            }
            Some(Err(d)) => page_errors.push(d),
            Some(Ok(None)) | None => {}
        }
        summaries.push(summary);
    }

    // Checks across pages, from the summaries: `@/…#anchor` links.
    for s in &summaries {
        diags.extend(s.diags.iter().cloned());
        for link in &s.links {
            if !summaries[link.target].ids.contains(&link.anchor) {
                let target = &pages[link.target];
                let known: Vec<&str> = summaries[link.target]
                    .ids
                    .iter()
                    .map(String::as_str)
                    .collect();
                diags.push(
                    Diagnostic::error(format!(
                        "link to `#{}`: no such heading in `{}` ({})",
                        link.anchor, target.key, target.lang
                    ))
                    .at(link.file, link.span.clone())
                    .label("broken anchor")
                    .help(format!("headings there have the ids: {}", known.join(", "))),
                );
            }
        }
    }
    diags.extend(page_errors);

    // Where each fact is used: pages' shortcodes and procedures' references.
    let mut uses: BTreeMap<String, Vec<register::Use>> = BTreeMap::new();
    for (p, s) in pages.iter().zip(&summaries) {
        for (key, span) in &s.facts_used {
            uses.entry(key.clone()).or_default().push(register::Use {
                file: p.file,
                span: span.clone(),
            });
        }
    }
    drop(summaries);
    for (key, use_) in procedure_uses {
        uses.entry(key).or_default().push(use_);
    }
    let default_i18n = i18n.get(&site.default_language).or(i18n.values().next());
    let (register, register_warnings) = match default_i18n {
        Some(d) => register::build(
            &facts,
            &uses,
            &sources,
            (&site.default_language, d),
            opts.today,
            site.recheck_after_days,
        ),
        None => (
            Register {
                today: opts.today.iso(),
                recheck_after_days: site.recheck_after_days,
                facts: Vec::new(),
            },
            Vec::new(),
        ),
    };
    warnings.extend(register_warnings);

    if let Some(r) = &renderer {
        for (path, res) in [
            ("index.html".to_string(), r.chooser()),
            ("404.html".to_string(), r.not_found()),
        ] {
            match res {
                Ok(html) => {
                    files.insert(path, html.into_bytes());
                }
                Err(d) => diags.push(d),
            }
        }
        match r.facts_page(&register) {
            Ok(html) => {
                files.insert(FACTS_PAGE.into(), html.into_bytes());
            }
            Err(d) => diags.push(d),
        }
        files.insert("sitemap.xml".into(), r.sitemap().into_bytes());
        files.insert(
            "robots.txt".into(),
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
                site.base_url
            )
            .into_bytes(),
        );
        warnings.extend(r.outdated_translations());
    }
    if opts.livereload {
        files.insert(
            LIVERELOAD_JS.into(),
            include_bytes!("../templates/livereload.js").to_vec(),
        );
    }
    // A static file may not replace a generated one (nor another static file).
    let generated: BTreeSet<String> = pages
        .iter()
        .map(|p| format!("{}/{}index.html", p.lang, p.rel_url))
        .chain(
            [
                "index.html",
                "404.html",
                "sitemap.xml",
                "robots.txt",
                FACTS_PAGE,
            ]
            .into_iter()
            .map(String::from),
        )
        .chain(files.keys().cloned())
        .collect();
    let mut from_static: BTreeMap<String, String> = BTreeMap::new();
    for (rel, (out, bytes)) in assets {
        let clash = if generated.contains(&out) {
            Some(format!("the generated `{out}`"))
        } else if out.starts_with(&format!("{}/", checker::DIR)) {
            Some(format!("the checker's folder `{}/`", checker::DIR))
        } else {
            from_static
                .get(&out)
                .map(|other| format!("`static/{other}`, published as `{out}`"))
        };
        if let Some(clash) = clash {
            diags.push(
                Diagnostic::error(format!("`static/{rel}` would replace {clash}"))
                    .help("rename or remove the static file: generated pages, the sitemap and robots.txt come from content/"),
            );
            continue;
        }
        from_static.insert(out.clone(), rel);
        files.insert(out, bytes);
    }

    let (errors, warns): (Vec<_>, Vec<_>) = diags
        .into_iter()
        .filter(|d| !follow_on(d))
        .partition(Diagnostic::is_error);
    warnings.extend(warns);
    if !errors.is_empty() || templates.is_none() || !i18n_complete {
        let mut all = errors;
        all.extend(warnings);
        return Err(finish_failed(sources, all));
    }
    let (output_files, output_bytes) = match (staging, out) {
        (Some(staging), Some(out)) => {
            let written = files
                .iter()
                .try_for_each(|(rel, bytes)| staging.write(rel, bytes))
                .and_then(|()| staging.commit());
            match written {
                Ok(written) => {
                    if let Some(leftover) = written.leftover {
                        warnings.push(
                            Diagnostic::warning(format!(
                                "the new site is in `{}`, but its previous version could not be deleted: {leftover}",
                                out.display()
                            ))
                            .help("delete that folder by hand"),
                        );
                    }
                    (written.files, written.bytes)
                }
                Err(e) => {
                    return Err(Failed {
                        sources,
                        diags: vec![write_failed(out, &e)],
                    });
                }
            }
        }
        _ => (files.len(), files.values().map(Vec::len).sum()),
    };
    diag::sort(&mut warnings);
    Ok(Built {
        files,
        sources,
        warnings,
        pages: pages.len(),
        languages: site.languages.len(),
        register,
        output_files,
        output_bytes,
    })
}

fn write_failed(out: &Path, e: &output::WriteError) -> Diagnostic {
    Diagnostic::error(format!("cannot write `{}`: {}", out.display(), e.message))
        .help("check the output folder's permissions and free disk space")
}

fn finish_failed(sources: Sources, mut diags: Vec<Diagnostic>) -> Failed {
    if !diags.iter().any(Diagnostic::is_error) {
        diags.push(Diagnostic::error("the build failed"));
    }
    diags.sort_by_key(|d| d.severity);
    let (mut errors, mut warnings): (Vec<_>, Vec<_>) =
        diags.into_iter().partition(Diagnostic::is_error);
    diag::sort(&mut errors);
    diag::sort(&mut warnings);
    // Files that could not be read or parsed first: fixing them often
    // changes what else is wrong.
    errors.sort_by_key(|d| !d.parse);
    // A broken template fails every page alike: say it once.
    errors.dedup();
    warnings.dedup();
    errors.extend(warnings);
    Failed {
        sources,
        diags: errors,
    }
}

/// Builds into `out`, replacing it only if the whole build succeeds.
/// An `out` that would overwrite the site's sources is refused first.
pub fn build(opts: &Options, out: &Path) -> Result<Built, Failed> {
    check_out(&opts.root, out).map_err(|d| Failed {
        sources: Sources::default(),
        diags: vec![d],
    })?;
    generate_to(opts, Some(out))
}

/// `path` made absolute with every symbolic link and `..` resolved, also
/// when its last parts do not exist yet.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                if *part == std::ffi::OsStr::new("..") {
                    out.pop();
                } else if *part != std::ffi::OsStr::new(".") {
                    out.push(part);
                }
            }
            return Ok(out);
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => {
                // `..` or `.` at the end: step over it lexically.
                match existing.parent() {
                    Some(parent) if existing.ends_with("..") => {
                        rest.push("..".into());
                        existing = parent.to_path_buf();
                    }
                    _ => return Ok(abs),
                }
            }
        }
    }
}

/// Refuses an output folder that is, holds or lies inside the site root's
/// sources, the root itself or one of its ancestors, or that is a file.
/// Nothing is touched before this passes.
pub fn check_out(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let shown = out.display();
    let refuse = |why: String| {
        Diagnostic::error(format!("refusing `--out {shown}`: {why}")).help(
            "write the site to a folder of its own, such as `public/` in the site root \
             (the default) or a folder outside the site; it is replaced as a whole",
        )
    };
    if let Ok(meta) = std::fs::metadata(out)
        && !meta.is_dir()
    {
        return Err(refuse("it is a file, not a folder".into()));
    }
    let (Ok(out_real), Ok(root_real)) = (resolve(out), resolve(root)) else {
        return Err(refuse("the path cannot be resolved".into()));
    };
    if root_real.starts_with(&out_real) {
        return Err(refuse(if root_real == out_real {
            "it is the site root, whose sources it would replace".into()
        } else {
            format!(
                "it holds the site root `{}`, whose sources it would replace",
                root.display()
            )
        }));
    }
    for dir in SOURCE_DIRS {
        let mut folders = vec![root_real.join(dir)];
        // A linked source folder counts where it points, unless it points at
        // the root or above: loading refuses that link before anything is written.
        if let Ok(real) = resolve(&root.join(dir))
            && !root_real.starts_with(&real)
        {
            folders.push(real);
        }
        if folders
            .iter()
            .any(|src| out_real.starts_with(src) || src.starts_with(&out_real))
        {
            return Err(refuse(format!(
                "it is, holds or lies inside the site's `{dir}/` folder"
            )));
        }
    }
    if let Ok(rel) = out_real.strip_prefix(&root_real)
        && rel.components().any(|c| is_dot_name(c.as_os_str()))
    {
        return Err(refuse(
            "it lies inside a hidden folder of the site root (such as `.git`)".into(),
        ));
    }
    Ok(())
}

fn checker_out(
    procedure: &madoguchi_rules::Procedure,
    core_facts: &madoguchi_rules::Facts,
    id: &str,
    lang: &str,
    i18n: &BTreeMap<String, I18n>,
) -> Result<CheckerOut, Diagnostic> {
    let data = checker::page_data(procedure, core_facts, lang, &i18n[lang]);
    let text = checker::data_text(&data)
        .map_err(|e| Diagnostic::error(format!("checker `{id}`: cannot encode its data: {e}")))?;
    let (html, blank_form) = checker::first_screen_and_blank_form(data).map_err(|e| {
        Diagnostic::error(format!("checker `{id}`: {e}"))
            .help("check the procedure file with `site-gen check`")
    })?;
    Ok(CheckerOut {
        data: text,
        html,
        blank_form,
    })
}

/// What the checks across pages need of a page's Markdown, once its page
/// is rendered: heading ids, `@/` links with anchors, facts used, problems.
struct Summary {
    ids: BTreeSet<String>,
    links: Vec<markdown::LinkRef>,
    facts_used: Vec<(String, std::ops::Range<usize>)>,
    diags: Vec<Diagnostic>,
}

impl Summary {
    fn of(r: Rendered) -> Summary {
        Summary {
            ids: r.ids,
            links: r.links,
            facts_used: r.facts_used,
            diags: r.diags,
        }
    }
}

/// A checker's data and server render for one (procedure, language), made
/// once per build and shared by every page that embeds it.
struct CheckerOut {
    data: String,
    html: String,
    blank_form: String,
}

struct Renderer<'a> {
    lib: &'a Library<'a>,
    i18n: &'a BTreeMap<String, I18n>,
    templates: &'a Templates,
    sources: &'a Sources,
    /// `base_path` of the site, and of the live-reload script under serve.
    base_path: &'a str,
    livereload: Option<&'a str>,
    /// The facts each procedure refers to, in file order.
    procedure_facts: &'a BTreeMap<String, Vec<String>>,
    facts: &'a Facts,
    checkers: &'a BTreeMap<(String, String), Result<CheckerOut, Diagnostic>>,
    scripts: Option<&'a Scripts>,
}

impl<'a> Renderer<'a> {
    fn site(&self) -> &'a SiteConfig {
        self.lib.site
    }

    fn lang_name(&self, code: &'a str) -> &'a str {
        self.site().language(code).map_or(code, |l| l.name.as_str())
    }

    /// The versions of a page in each language, in site language order.
    fn alternates(&self, i: usize) -> Vec<Alternate<'a>> {
        let lib = self.lib;
        let lang = &lib.pages[i].lang;
        lib.translations[i]
            .iter()
            .filter_map(|&a| {
                let alt = &lib.pages[a];
                let l = self.site().language(&alt.lang)?;
                Some(Alternate {
                    code: &l.code,
                    name: &l.name,
                    dir: l.dir,
                    url: &lib.urls[a],
                    permalink: &lib.permalinks[a],
                    current: l.code == *lang,
                })
            })
            .collect()
    }

    fn link(&self, i: usize, lang: &str) -> Link<'a> {
        let p = &self.lib.pages[i];
        Link {
            title: &p.front.title,
            description: &p.front.description,
            url: &self.lib.urls[i],
            lang: &p.lang,
            lang_name: self.lang_name(&p.lang),
            fallback: p.lang != lang,
            weight: p.front.weight,
        }
    }

    fn common(&self, lang: &'a str) -> Common<'a> {
        let site = self.site();
        let language = site.language(lang);
        Common {
            lang,
            dir: language.map(|l| l.dir),
            site: SiteCtx {
                title: language.map_or(&site.title, |l| &l.title),
                base_url: &site.base_url,
                base_path: self.base_path,
                default_language: &site.default_language,
                languages: &site.languages,
            },
            csp: CSP,
            nav: self
                .lib
                .nav
                .get(lang)
                .into_iter()
                .flatten()
                .map(|&k| self.link(k, lang))
                .collect(),
            livereload: self.livereload,
        }
    }

    fn render(&self, template: &str, ctx: &impl serde::Serialize) -> Result<String, Diagnostic> {
        let ctx = tera::Context::from_serialize(ctx).map_err(|e| {
            Diagnostic::error(format!(
                "template `{template}`: cannot build its context: {e}"
            ))
        })?;
        self.templates.render(self.sources, template, &ctx)
    }

    /// Page `i`, around its Markdown `r`.
    fn page(&self, i: usize, r: &Rendered) -> Result<String, Diagnostic> {
        let lib = self.lib;
        let p = &lib.pages[i];
        let f = &self.i18n[&p.lang].format;
        let default = &self.site().default_language;
        let original = lib.originals[i].filter(|_| p.lang != *default);
        let outdated = match (original, p.front.translated_from) {
            (Some(o), Some(from)) => from < lib.pages[o].front.updated,
            _ => false,
        };
        let show_toc = p
            .front
            .toc
            .unwrap_or(r.toc.iter().filter(|t| t.level == 2).count() >= 4);
        let is_home = p.is_section && p.dir.is_empty();
        let checker = match &p.front.checker {
            Some(id) => match self.checkers.get(&(id.clone(), p.lang.clone())) {
                Some(Ok(out)) => Some(CheckerCtx {
                    id,
                    html: &out.html,
                    data: &out.data,
                    scripts: self.scripts,
                    blank_form: &out.blank_form,
                    root_id: checker_app::ROOT_ELEMENT_ID,
                    data_id: checker_app::DATA_ELEMENT_ID,
                    section_id: checker_app::SECTION_ID,
                    failed_id: checker::FAILED_ID,
                }),
                Some(Err(d)) => return Err(d.clone().at(p.file, 0..3)),
                None => None,
            },
            None => None,
        };
        let ctx = PageCtx {
            common: self.common(&p.lang),
            page: PageData {
                title: &p.front.title,
                description: &p.front.description,
                updated: p.front.updated.iso(),
                updated_display: f.date(p.front.updated),
                weight: p.front.weight,
                content: &r.html,
                toc: &r.toc,
                show_toc,
                url: &lib.urls[i],
                permalink: &lib.permalinks[i],
                key: &p.key,
                is_section: p.is_section,
                is_home,
                alternates: self.alternates(i),
                x_default: lib.originals[i].map(|d| lib.permalinks[d].as_str()),
                breadcrumbs: lib.breadcrumbs[i]
                    .iter()
                    .map(|&s| Crumb {
                        title: &lib.pages[s].front.title,
                        url: &lib.urls[s],
                    })
                    .collect(),
                children: lib.children[i]
                    .iter()
                    .map(|&k| self.link(k, &p.lang))
                    .collect(),
                extra: content::toml_to_json(&toml::Value::Table(p.front.extra.clone())),
                sources: self.page_sources(p, r),
                translation: Translation {
                    outdated,
                    original_url: original.map(|o| lib.urls[o].as_str()),
                    original_lang: default,
                    original_lang_name: self.lang_name(default),
                    original_updated_display: original.map(|o| f.date(lib.pages[o].front.updated)),
                },
            },
            checker,
        };
        let template = match &p.front.template {
            Some(t) => t.clone(),
            None if is_home => "home.html".into(),
            None if p.is_section => "section.html".into(),
            None => "page.html".into(),
        };
        if !self.templates.has(&template) {
            return Err(Diagnostic::error(format!("no template `{template}`"))
                .at(p.file, 0..3)
                .label("front matter")
                .help("create templates/<name>.html in the site root or use a default template"));
        }
        self.render(&template, &ctx)
    }

    /// The official pages behind the facts a page shows (its prose and its
    /// checker), each once, in order of first use, with the earliest
    /// `checked` date of the facts citing it.
    fn page_sources<'b>(&self, p: &'b Page, r: &'b Rendered) -> Vec<SourceCtx<'b>>
    where
        'a: 'b,
    {
        let f = &self.i18n[&p.lang].format;
        let checker_facts = p
            .front
            .checker
            .as_ref()
            .and_then(|id| self.procedure_facts.get(id))
            .into_iter()
            .flatten();
        let keys = r.facts_used.iter().map(|(k, _)| k).chain(checker_facts);
        let mut order: Vec<&str> = Vec::new();
        let mut found: BTreeMap<&str, (&data::SourceLink, config::Date)> = BTreeMap::new();
        for key in keys {
            let Some(fact) = self.facts.facts.get(key) else {
                continue;
            };
            for s in &fact.sources {
                match found.get_mut(s.url.as_str()) {
                    Some((_, checked)) => *checked = (*checked).min(fact.checked),
                    None => {
                        order.push(&s.url);
                        found.insert(&s.url, (s, fact.checked));
                    }
                }
            }
        }
        order
            .into_iter()
            .filter_map(|url| found.get(url))
            .map(|(s, checked)| SourceCtx {
                title: &s.title,
                url: &s.url,
                lang: s.lang.as_deref().unwrap_or(&self.site().default_language),
                checked: checked.iso(),
                checked_display: f.date(*checked),
            })
            .collect()
    }

    /// The staff page of the facts register, in the default language.
    fn facts_page(&self, register: &'a Register) -> Result<String, Diagnostic> {
        let ctx = FactsCtx {
            common: self.common(&self.site().default_language),
            register,
        };
        self.render("facts.html", &ctx)
    }

    fn homes(&self) -> impl Iterator<Item = (&'a config::Language, usize)> + use<'a, '_> {
        let lib = self.lib;
        self.site()
            .languages
            .iter()
            .filter_map(move |l| Some((l, lib.index.get("_index.md", &l.code)?)))
    }

    fn chooser(&self) -> Result<String, Diagnostic> {
        let site = self.site();
        let ctx = ChooserCtx {
            common: self.common(&site.default_language),
            homes: self
                .homes()
                .map(|(l, i)| Home {
                    code: &l.code,
                    name: &l.name,
                    dir: l.dir,
                    title: &l.title,
                    url: &self.lib.urls[i],
                    permalink: &self.lib.permalinks[i],
                })
                .collect(),
            site_title: &site.title,
            permalink: &site.base_url,
        };
        self.render("chooser.html", &ctx)
    }

    fn not_found(&self) -> Result<String, Diagnostic> {
        let ctx = NotFoundCtx {
            common: self.common(&self.site().default_language),
            homes: self
                .homes()
                .map(|(l, i)| NotFoundHome {
                    code: &l.code,
                    name: &l.name,
                    dir: l.dir,
                    url: &self.lib.urls[i],
                })
                .collect(),
        };
        self.render("404.html", &ctx)
    }

    fn sitemap(&self) -> String {
        let lib = self.lib;
        let mut urls: Vec<(&str, String)> = Vec::new();
        for (i, p) in lib.pages.iter().enumerate() {
            let mut entry = format!(
                "  <url>\n    <loc>{}</loc>\n    <lastmod>{}</lastmod>\n",
                xml_escape(&lib.permalinks[i]),
                p.front.updated.iso()
            );
            for alt in self.alternates(i) {
                entry.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    xml_escape(alt.code),
                    xml_escape(alt.permalink)
                ));
            }
            if let Some(d) = lib.originals[i] {
                entry.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                    xml_escape(&lib.permalinks[d])
                ));
            }
            entry.push_str("  </url>\n");
            urls.push((&lib.permalinks[i], entry));
        }
        urls.sort();
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (_, e) in urls {
            xml.push_str(&e);
        }
        xml.push_str("</urlset>\n");
        xml
    }

    fn outdated_translations(&self) -> Vec<Diagnostic> {
        let lib = self.lib;
        let mut out = Vec::new();
        for (i, p) in lib.pages.iter().enumerate() {
            if p.lang == self.site().default_language {
                continue;
            }
            let (Some(orig), Some(from)) = (lib.originals[i], p.front.translated_from) else {
                continue;
            };
            let orig = &lib.pages[orig];
            if from < orig.front.updated {
                out.push(
                    Diagnostic::warning(format!(
                        "translation is outdated: translated from the {} version of {}, \
                         which was updated on {}",
                        self.site().default_language,
                        from.iso(),
                        orig.front.updated.iso()
                    ))
                    .at(p.file, 0..3)
                    .label("this translation")
                    .help("update the text, then set `translated_from` to the original's `updated` date"),
                );
            }
            if from > orig.front.updated {
                out.push(
                    Diagnostic::warning(format!(
                        "`translated_from` {} is later than the original's `updated` {}",
                        from.iso(),
                        orig.front.updated.iso()
                    ))
                    .at(p.file, 0..3)
                    .label("this translation")
                    .help("set `translated_from` to the `updated` date of the original you translated"),
                );
            }
        }
        out
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
