//! Loading a site root, the only part of the build that reads the disk:
//! walking `content/`, `static/` and `templates/` (`source_files`: what is
//! followed and what is refused), classifying and reading each file, parsing
//! site.toml, interface strings, facts, procedures, pages and templates; and
//! `check_out`, which refuses an `--out` that would overwrite the sources.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{self, Cache, PageEntry, PageList, SOURCE_DIRS, Slot, SourceFile, Walked};
use crate::checks::check_front_texts;
use crate::config::{self, I18n, SiteConfig, Step, TomlSpans};
use crate::content::{self, Kind, Page};
use crate::data::{self, Facts};
use crate::diag::{self, Diagnostic, Sources};
use crate::options::Options;
use crate::output;
use crate::policy;
use crate::procedures;
use crate::templates::{FnData, Templates};
use crate::translate::glossary::{Glossary, GlossaryFile};
use crate::translate::{self, catalog::Catalog};

pub(crate) struct Loaded {
    pub(crate) site: SiteConfig,
    pub(crate) procedures: BTreeMap<String, procedures::Loaded>,
    pub(crate) i18n: BTreeMap<String, I18n>,
    pub(crate) facts: Arc<Facts>,
    /// Every page: those read from files (in the order of their files),
    /// then the catalogs' pages. Shared with `serve`'s cache, which keeps
    /// the pages read from files while their files and the configuration
    /// are the same (see [`PageList`]).
    pub(crate) pages: Arc<Vec<Page>>,
    pub(crate) templates: Option<Arc<Templates>>,
    pub(crate) assets: BTreeMap<String, (String, Vec<u8>)>,
    /// Every language's interface strings and every static file loaded:
    /// pages can be rendered.
    pub(crate) i18n_complete: bool,
    /// Keys of pages whose file could not be read or parsed.
    pub(crate) unparsed: BTreeSet<String>,
    /// Stems of data files with errors: "unknown fact" there is a follow-on error.
    pub(crate) broken_data: BTreeSet<String>,
    /// Each translated language's catalog (`content/i18n/<lang>.po`).
    pub(crate) catalogs: BTreeMap<String, Arc<Catalog>>,
    /// The default language's interface strings file.
    pub(crate) source_i18n: Option<diag::FileId>,
    /// `content/data/glossary.toml` as written, and with every language's explanations.
    pub(crate) glossary_file: Option<(diag::FileId, GlossaryFile)>,
    pub(crate) glossary: Glossary,
    /// A hash of the templates and of what their functions read (the
    /// key of a page's HTML in `serve`'s cache, with its context).
    pub(crate) templates_print: u64,
    /// `serve`'s cache only: a hash of each page read from a file (the
    /// first pages of `pages`; the catalogs' pages follow), all but its file.
    pub(crate) page_metas: Vec<u64>,
    /// A hash of the site configuration (`hash_debug`).
    pub(crate) site_print: u64,
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
                    .kind(diag::Kind::Unreadable(shown.clone()))
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
            let id = sources.add(path, shown.clone(), text);
            diags.push(
                Diagnostic::error("file is not valid UTF-8")
                    .kind(diag::Kind::Unreadable(shown))
                    .at(id, good..good + 1)
                    .label("first invalid byte")
                    .help("save the file as UTF-8 (not Shift_JIS or another encoding)")
                    .parse_error(),
            );
            None
        }
    }
}

fn is_dot_name(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// The files of a source folder (`content`, `static` or `templates`),
/// sorted by name. Dot-files and dot-folders are skipped (never read, never
/// published). A symbolic link is followed only when it stays inside its
/// source folder; any other link, a link loop or an unreadable file or
/// folder is an error naming it, so nothing is silently left out and
/// nothing outside the site is ever read (or quoted in an error).
fn source_files(
    root: &Path,
    dir_name: &'static str,
    cache: &mut Cache,
    diags: &mut Vec<Diagnostic>,
) -> Arc<Vec<SourceFile>> {
    if let Some(w) = cache.walk(dir_name) {
        diags.extend(w.diags.iter().cloned());
        return Arc::clone(&w.files);
    }
    let mut found = Vec::new();
    let linked = std::cell::Cell::new(false);
    let files: Arc<Vec<SourceFile>> = Arc::new(
        walk_source(root, dir_name, &linked, &mut found)
            .into_iter()
            .map(|path| SourceFile {
                shown: rel_display(root, &path).into(),
                path: path.into(),
            })
            .collect(),
    );
    for d in &mut found {
        d.parse = true;
    }
    cache.store_walk(
        dir_name,
        Walked {
            files: Arc::clone(&files),
            diags: found.clone(),
            linked: linked.get(),
        },
    );
    diags.extend(found);
    files
}

fn walk_source(
    root: &Path,
    dir_name: &str,
    linked: &std::cell::Cell<bool>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let dir = root.join(dir_name);
    let link_target =
        |p: &Path| std::fs::read_link(p).map_or_else(|_| "?".into(), |t| t.display().to_string());
    match std::fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read `{dir_name}/`: {e}"))
                    .kind(diag::Kind::Unreadable(dir_name.to_string()))
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
            .kind(diag::Kind::Unreadable(dir_name.to_string()))
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
            )).kind(diag::Kind::Unreadable(dir_name.to_string()))
            .help(format!(
                "make `{dir_name}` a real folder (or a link to a folder inside the site root \
                 that holds nothing else): a link out of it could publish the site's secrets"
            )),
        );
        return Vec::new();
    }
    if dir_real != root_real.join(dir_name) {
        linked.set(true);
    }
    let mut files = Vec::new();
    let walk = Walk {
        root,
        dir_name,
        dir_real: &dir_real,
        linked,
    };
    walk.tree(&dir, &mut vec![dir_real.clone()], &mut files, diags);
    files
}

/// One source folder's walk. Links are not followed by `walkdir`: each is
/// resolved here first, and only a link that stays inside the folder is
/// entered (its files listed under the link's own path), so nothing behind
/// a link out of it is ever opened, listed or read.
struct Walk<'a> {
    root: &'a Path,
    dir_name: &'a str,
    dir_real: &'a Path,
    /// Set when the walk meets a symbolic link.
    linked: &'a std::cell::Cell<bool>,
}

impl Walk<'_> {
    fn link_target(p: &Path) -> String {
        std::fs::read_link(p).map_or_else(|_| "?".into(), |t| t.display().to_string())
    }

    fn inside(&self, real: &Path) -> bool {
        real.starts_with(self.dir_real)
            && !real
                .strip_prefix(self.dir_real)
                .is_ok_and(|rel| rel.components().any(|c| is_dot_name(c.as_os_str())))
    }

    /// Walks `dir` (a path under the source folder, maybe through links);
    /// `entered` holds the real folders being walked, to find link loops.
    fn tree(
        &self,
        dir: &Path,
        entered: &mut Vec<PathBuf>,
        files: &mut Vec<PathBuf>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let shown = |p: &Path| rel_display(self.root, p);
        let walk = walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| !is_dot_name(e.file_name()));
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                    diags.push(
                        Diagnostic::error(format!(
                            "cannot read `{}`: {}",
                            shown(&path),
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ))
                        .kind(diag::Kind::Unreadable(shown(&path)))
                        .help(
                            "make every file and folder under the site's source folders \
                             readable, or move it out of them",
                        ),
                    );
                    continue;
                }
            };
            let path = entry.path();
            if entry.path_is_symlink() {
                self.linked.set(true);
                let Ok(real) = path.canonicalize() else {
                    diags.push(
                        Diagnostic::error(format!(
                            "`{}` is a symbolic link to `{}`, which does not exist",
                            shown(path),
                            Self::link_target(path)
                        ))
                        .kind(diag::Kind::Unreadable(shown(path)))
                        .help(
                            "make every file and folder under the site's source folders \
                             readable, or move it out of them",
                        ),
                    );
                    continue;
                };
                if !self.inside(&real) {
                    diags.push(
                        Diagnostic::error(format!(
                            "`{}` is a symbolic link to `{}`, outside `{}/`",
                            shown(path),
                            Self::link_target(path),
                            self.dir_name
                        ))
                        .kind(diag::Kind::Unreadable(shown(path)))
                        .help(format!(
                            "copy the file into `{}/` instead: links may only point \
                             inside the folder they are in",
                            self.dir_name
                        )),
                    );
                    continue;
                }
                // Only now, inside the folder, is the target looked at.
                match std::fs::metadata(&real) {
                    Ok(m) if m.is_file() => files.push(path.to_path_buf()),
                    Ok(m) if m.is_dir() => {
                        let parent_real = path.parent().and_then(|p| p.canonicalize().ok());
                        if entered.contains(&real)
                            || parent_real.is_some_and(|p| p.starts_with(&real))
                        {
                            diags.push(
                                Diagnostic::error(format!(
                                    "`{}` is a symbolic link to `{}`, which loops back to a \
                                     folder above it",
                                    shown(path),
                                    Self::link_target(path)
                                ))
                                .kind(diag::Kind::Unreadable(shown(path)))
                                .help(
                                    "make every file and folder under the site's source \
                                     folders readable, or move it out of them",
                                ),
                            );
                            continue;
                        }
                        entered.push(real);
                        self.tree(path, entered, files, diags);
                        entered.pop();
                    }
                    Ok(_) => diags.push(
                        Diagnostic::error(format!(
                            "`{}` is neither a file nor a folder",
                            shown(path)
                        ))
                        .kind(diag::Kind::Unreadable(shown(path)))
                        .help("remove it: only files and folders belong in the site's sources"),
                    ),
                    Err(e) => diags.push(
                        Diagnostic::error(format!("cannot read `{}`: {e}", shown(path)))
                            .kind(diag::Kind::Unreadable(shown(path)))
                            .help(
                                "make every file and folder under the site's source folders \
                             readable, or move it out of them",
                            ),
                    ),
                }
                continue;
            }
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            } else if !entry.file_type().is_dir() {
                diags.push(
                    Diagnostic::error(format!("`{}` is neither a file nor a folder", shown(path)))
                        .kind(diag::Kind::Unreadable(shown(path)))
                        .help("remove it: only files and folders belong in the site's sources"),
                );
            }
        }
    }
}

/// Whether a template's text may call the `fact` function (the default
/// templates do not).
fn calls_fact(text: &str) -> bool {
    text.match_indices("fact")
        .any(|(i, _)| text[i + 4..].trim_start().starts_with('('))
}

/// A hash of everything a page holds but its file's id.
fn page_meta(p: &Page) -> u64 {
    let mut p = p.clone();
    p.file = 0;
    cache::hash_debug(&p)
}

/// The fingerprints of the catalogs (by their place in `files`), read in
/// parallel when building without `serve`'s cache: catalogs are the
/// largest sources (tens of MB each), loading keeps only their
/// fingerprint (they are read again when parsed), and one at a time the
/// reads left a core idle. A catalog that cannot be read as UTF-8 is not
/// here: it is read again where the others are registered, for the same
/// messages in the same order. At most one text per thread is held.
fn catalog_prints(
    files: &[SourceFile],
    kinds: &cache::Kinds,
    cache: &Cache,
) -> BTreeMap<usize, u64> {
    if cache.keeps() {
        return BTreeMap::new();
    }
    let catalogs: Vec<usize> = (0..files.len())
        .filter(|&n| matches!(kinds.get(n), Some(Ok(Kind::Catalog { .. }))))
        .collect();
    catalogs
        .into_par_iter()
        .with_max_len(1)
        .filter_map(|n| {
            let text = diag::Utf8Bytes::new(std::fs::read(&files[n].path).ok()?)?;
            Some((n, text.fingerprint()))
        })
        .collect()
}

/// Reads a text file through `serve`'s cache (see [`read_text`]).
fn read_cached(
    root: &Path,
    file: &SourceFile,
    cache: &mut Cache,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<diag::FileId> {
    if let Some(text) = cache.text(&file.shown) {
        return Some(sources.add(&file.path, file.shown.to_string(), text.to_string()));
    }
    let id = read_text(root, &file.path, sources, diags)?;
    cache.store_text(&file.shown, sources.text(id));
    Some(id)
}

/// Loads the site root: every source file read (through `cache`, which
/// `build` gives empty), parsed and checked on its own.
pub(crate) fn load(
    opts: &Options,
    cache: &mut Cache,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    cache.reading();
    let root = &opts.root;
    let content_dir = root.join("content");
    let site_path = content_dir.join("site.toml");
    let before = diags.len();
    let content_files = source_files(root, "content", cache, diags);
    let Some(site_source) = content_files
        .iter()
        .find(|f| &*f.shown == "content/site.toml")
    else {
        // A refused or unreadable `content/` or site.toml is already reported.
        let reported = diags[before..].iter().any(|d| {
            matches!(d.kind_of(), diag::Kind::Unreadable(p) if p == "content" || p == "content/site.toml")
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
    };
    let site_source = site_source.clone();
    let site_file = read_cached(root, &site_source, cache, sources, diags)?;
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

    // A page file's parse depends on the configuration (its languages).
    let site_print = cache::hash_debug(&site);
    let mut i18n_files = BTreeMap::new();
    let mut catalog_files = BTreeMap::new();
    let mut glossary_id = None;
    let mut data_files = Vec::new();
    let mut pages = Vec::new();
    let mut procedure_files = Vec::new();
    let mut unparsed = BTreeSet::new();
    let mut page_metas = Vec::new();
    let mut page_files = Vec::new();
    // The pages the last build read from files, to take again those whose
    // data and file are the same.
    let kept_list = cache.take_page_list();
    let mut unreadable_data = BTreeSet::new();
    let mut unreadable_procedures = BTreeSet::new();
    let mut unreadable_catalogs = BTreeSet::new();
    // The default language's pages are the source of the catalogs' pages,
    // whose translation status (every build) and `i18n update` read their
    // text: it is kept when the site has a catalog language (one without
    // `i18n/<lang>.toml`, or with a `.po` catalog).
    let kinds = match cache.kinds(&content_files, site_print) {
        Some(kinds) => kinds,
        None => {
            let kinds: cache::Kinds = Arc::new(
                content_files
                    .par_iter()
                    .map(|f| content::classify(f.rel(), &site))
                    .collect(),
            );
            cache.store_kinds(&content_files, site_print, &kinds);
            kinds
        }
    };
    let keep_default_texts = kinds.iter().any(|k| matches!(k, Ok(Kind::Catalog { .. })))
        || site.codes().any(|lang| {
            lang != site.default_language
                && !kinds
                    .iter()
                    .any(|k| matches!(k, Ok(Kind::I18n { lang: l }) if l == lang))
        });
    cache.align_pages(&content_files);
    let catalog_prints = catalog_prints(&content_files, &kinds, cache);
    for (n, (file, kind)) in content_files.iter().zip(kinds.iter()).enumerate() {
        let kind = match kind {
            Ok(k) => k,
            Err(d) => {
                diags.push(d.clone().parse_error());
                continue;
            }
        };
        match kind {
            Kind::Ignored | Kind::SiteConfig => {}
            Kind::I18n { lang } => {
                if let Some(id) = read_cached(root, file, cache, sources, diags) {
                    i18n_files.insert(lang.clone(), id);
                }
            }
            Kind::Glossary => glossary_id = read_cached(root, file, cache, sources, diags),
            Kind::Catalog { lang } => {
                if let Some(&print) = catalog_prints.get(&n) {
                    let id = sources.add_known(&file.path, &file.shown, None, print);
                    catalog_files.insert(lang.clone(), id);
                    continue;
                }
                let before = diags.len();
                match read_cached(root, file, cache, sources, diags) {
                    Some(id) => {
                        // Let go at once (catalogs are large), read again
                        // when parsed, one or two at a time; so are what a
                        // diagnostic quotes and what `i18n update` merges.
                        sources.release(id);
                        catalog_files.insert(lang.clone(), id);
                    }
                    None => {
                        // Never blocking the Japanese: the language shows
                        // the Japanese pages (marked) until it is fixed;
                        // `check` fails and `i18n update` leaves the file alone.
                        for d in &mut diags[before..] {
                            *d = std::mem::replace(d, Diagnostic::error("")).translation();
                        }
                        unreadable_catalogs.insert(lang.clone());
                    }
                }
            }
            Kind::Data { stem } => match read_cached(root, file, cache, sources, diags) {
                Some(id) => data_files.push((stem.clone(), id)),
                None => {
                    unreadable_data.insert(stem.clone());
                }
            },
            Kind::Procedure { id: proc_id } => match read_cached(root, file, cache, sources, diags)
            {
                Some(id) => procedure_files.push((proc_id.clone(), id)),
                None => {
                    unreadable_procedures.insert(proc_id.clone());
                }
            },
            // Each page is parsed as soon as it is read, and its text let
            // go (see `keep_default_texts`): no build holds every page's
            // Markdown at once.
            Kind::Page { key, lang } => {
                let keep_text = keep_default_texts && *lang == site.default_language;
                if let Some(e) = cache.page(n, &file.shown, site_print, keep_text) {
                    let id = sources.add_known(&file.path, &file.shown, e.text.clone(), e.print);
                    diags.extend(e.diags.iter().map(|d| cache::refile(d.clone(), id)));
                    match &e.parsed {
                        Ok((p, span)) => {
                            // The last build's page at this place is this
                            // one (same data, same file): nothing is copied.
                            let n = page_metas.len();
                            let slot = if kept_list.as_ref().is_some_and(|l| l.holds(n, e.meta, id))
                            {
                                Slot::Same
                            } else {
                                let mut p = p.clone();
                                p.file = id;
                                Slot::New(Box::new(p))
                            };
                            pages.push((slot, span.clone()));
                            page_metas.push(e.meta);
                            page_files.push(id);
                        }
                        Err(d) => {
                            unparsed.insert(key.clone());
                            diags.push(cache::refile(d.clone(), id));
                        }
                    }
                    continue;
                }
                let Some(id) = read_text(root, &file.path, sources, diags) else {
                    unparsed.insert(key.clone());
                    continue;
                };
                let before = diags.len();
                let parsed = match content::parse_page(sources, id, key, lang) {
                    Ok(p) => {
                        check_front_texts(sources, &p, diags);
                        let checker_span = p.front.checker.as_ref().map(|_| {
                            p.front_spans(sources.text(id))
                                .value(&[Step::Key("checker")])
                                .unwrap_or(p.front_toml.clone())
                        });
                        Ok((p, checker_span))
                    }
                    Err(d) => Err(d.parse_error()),
                };
                if cache.keeps() {
                    let meta = parsed.as_ref().map_or(0, |(p, _)| page_meta(p));
                    if parsed.is_ok() {
                        page_metas.push(meta);
                        page_files.push(id);
                    }
                    cache.store_page(
                        n,
                        PageEntry {
                            meta,
                            site: site_print,
                            print: diag::fingerprint(sources.text(id)),
                            text: keep_text.then(|| sources.text(id).to_string()),
                            parsed: parsed.clone(),
                            diags: diags[before..].to_vec(),
                        },
                    );
                }
                if !keep_text {
                    sources.release(id);
                }
                match parsed {
                    Ok((p, span)) => pages.push((Slot::New(Box::new(p)), span)),
                    Err(d) => {
                        unparsed.insert(key.clone());
                        diags.push(d);
                    }
                }
            }
        }
    }

    let (mut i18n, i18n_complete) = load_i18n(&site, sources, &i18n_files, diags);
    // Building without serve's cache, a catalog keeps in memory what
    // loading reads (translations with a context, page titles and
    // descriptions); its Markdown runs' translations stay in its file,
    // read again for its language's pages (see `site::generate_to`).
    let catalogs = {
        // Without serve's cache every page was read now (no slot is `Same`);
        // with it, catalogs keep everything and `held` is not asked.
        let held: std::collections::HashSet<&str, foldhash::fast::RandomState> = pages
            .iter()
            .filter_map(|(slot, _)| match slot {
                Slot::New(p) => Some(&**p),
                Slot::Same => None,
            })
            .filter(|p| p.lang == site.default_language && !p.from_catalog)
            .flat_map(|p| [p.front.title.as_str(), p.front.description.as_str()])
            .collect();
        let keep = |msgid: &str| held.contains(msgid);
        let let_go = translate::catalog::LetGo {
            keep: &keep,
            read: |path| std::fs::read(path).ok(),
        };
        load_catalogs(
            &site,
            sources,
            (&catalog_files, &unreadable_catalogs),
            &i18n_files,
            (!cache.keeps()).then_some(&let_go),
            diags,
        )
    };
    if let Some(source) = i18n.get(&site.default_language).cloned() {
        for (lang, catalog) in &catalogs {
            i18n.insert(lang.clone(), translate::strings_for(&source, catalog));
        }
    }

    let mut facts = Facts::default();
    let mut broken_data = unreadable_data;
    for (stem, id) in &data_files {
        let problems = data::load_file(&mut facts, sources, *id, stem, &site);
        if problems.iter().any(Diagnostic::is_error) {
            broken_data.insert(stem.clone());
        }
        diags.extend(problems);
    }
    translate::translate_facts(&mut facts, &site, &catalogs);
    let facts = Arc::new(facts);
    let procedures = procedures::load(sources, &procedure_files, &site, &facts, diags);

    let (slots, checker_spans): (Vec<Slot>, Vec<_>) = pages.into_iter().unzip();
    let pages = PageList::assemble(kept_list, slots, &page_metas, page_files);
    let mut pages = match cache.keeps() {
        true => {
            let shared = Arc::clone(&pages.pages);
            cache.store_page_list(pages);
            shared
        }
        false => pages.pages,
    };
    // Pages from the catalogs share their original's file (and checker).
    if !catalogs.is_empty() {
        add_catalog_pages(&site, &catalogs, Arc::make_mut(&mut pages));
    }
    let ids: Vec<String> = procedure_files.iter().map(|(pid, _)| pid.clone()).collect();
    for (p, span) in pages.iter().zip(checker_spans) {
        diags.extend(checker_problem(p, span, &ids, &unreadable_procedures));
    }

    let mut assets = BTreeMap::new();
    let before = diags.len();
    let static_files = source_files(root, "static", cache, diags);
    // Templates that ask for a refused static file would only repeat the error.
    let static_complete = diags.len() == before;
    for SourceFile { path, shown } in static_files.iter() {
        let rel = shown.split_once('/').map_or("", |(_, r)| r).to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let out = output::asset_name(&rel, &bytes);
                assets.insert(rel, (out, bytes));
            }
            Err(e) => diags.push(
                Diagnostic::error(format!("cannot read `{shown}`: {e}"))
                    .help("make the file readable by the build, or remove it")
                    .parse_error(),
            ),
        }
    }

    let mut site_templates = Vec::new();
    for file in source_files(root, "templates", cache, diags).iter() {
        if let Some(id) = read_cached(root, file, cache, sources, diags) {
            site_templates.push((file.rel().to_string(), id));
        }
    }
    let glossary_file = glossary_id.and_then(|id| {
        match config::parse_toml::<GlossaryFile>(
            sources,
            id,
            sources.text(id),
            0,
            "the glossary is a list of [[terms]], each with term, reading and explanation \
             (in the default language)",
        ) {
            Ok(g) => {
                let (g, problems) = translate::glossary::validated(sources.text(id), g);
                for (span, message, help) in problems {
                    diags.push(
                        Diagnostic::error(message)
                            .at(id, span)
                            .label("this term")
                            .help(help),
                    );
                }
                Some((id, g))
            }
            Err(d) => {
                diags.push(d.parse_error());
                None
            }
        }
    });
    let glossary =
        translate::glossary_for(glossary_file.as_ref().map(|(_, g)| g), &site, &catalogs);
    let mut templates_print = 0;
    let templates = Some(&i18n).filter(|m| !m.is_empty()).and_then(|i18n| {
        let fn_data = Arc::new(FnData {
            i18n: i18n.clone(),
            assets: assets
                .iter()
                .map(|(k, (out, _))| (k.clone(), out.clone()))
                .collect(),
            base_path: site.base_path(),
            facts: Arc::clone(&facts),
            glossary: Arc::new(glossary.clone()),
            html_langs: site
                .languages
                .iter()
                .map(|l| (l.code.clone(), l.html_lang().to_string()))
                .collect(),
            source_html_lang: site
                .language(&site.default_language)
                .map_or(site.default_language.clone(), |l| l.html_lang().to_string()),
        });
        if cache.keeps() {
            templates_print = cache::hash_of((
                site_templates
                    .iter()
                    .map(|(name, id)| (name, *id, sources.text(*id)))
                    .collect::<Vec<_>>(),
                cache::hash_of(&fn_data.i18n),
                &fn_data.assets,
                &fn_data.base_path,
                // The facts, for templates that call `fact(…)`.
                site_templates
                    .iter()
                    .any(|(_, id)| calls_fact(sources.text(*id)))
                    .then(|| cache::hash_debug(&*fn_data.facts)),
                cache::hash_debug(&*fn_data.glossary),
                &fn_data.html_langs,
                &fn_data.source_html_lang,
            ));
        }
        if let Some(t) = cache.templates(templates_print) {
            return Some(t);
        }
        match Templates::load(sources, &site_templates, fn_data) {
            Ok(t) => {
                let t = Arc::new(t);
                cache.store_templates(templates_print, &t);
                Some(t)
            }
            Err(e) => {
                diags.extend(e);
                None
            }
        }
    });

    cache.loaded();
    let source_i18n = i18n_files.get(&site.default_language).copied();
    // What loading found is printed with the texts it quotes (the `i18n`
    // commands print it as it is).
    let changed = restore_quoted(sources, diags);
    diags.extend(changed);
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
        source_i18n,
        catalogs,
        glossary_file,
        glossary,
        templates_print,
        page_metas,
        site_print,
    })
}

/// Reads each language's catalog; a catalog for a language the site does
/// not have is an error.
/// A language without `content/i18n/<lang>.toml` is a catalog language: a
/// missing catalog is a warning and leaves it all in the default language.
fn load_catalogs(
    site: &SiteConfig,
    sources: &Sources,
    (files, unreadable): (&BTreeMap<String, diag::FileId>, &BTreeSet<String>),
    hand_written: &BTreeMap<String, diag::FileId>,
    let_go: Option<&translate::catalog::LetGo<'_>>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Arc<Catalog>> {
    let mut out = BTreeMap::new();
    for lang in unreadable {
        if site.language(lang).is_some() && *lang != site.default_language {
            out.insert(lang.clone(), Arc::new(Catalog::empty(lang)));
        }
    }
    for lang in site.codes() {
        if unreadable.contains(lang) {
            continue;
        }
        if lang != site.default_language
            && !hand_written.contains_key(lang)
            && !files.contains_key(lang)
        {
            diags.push(
                Diagnostic::warning(format!(
                    "no catalog for `{lang}`: its pages show the `{}` text",
                    site.default_language
                ))
                .help(format!(
                    "run `site-gen i18n update` to create content/i18n/{lang}.po, then translate it"
                )),
            );
            out.insert(lang.to_string(), Arc::new(Catalog::empty(lang)));
        }
    }
    let mut parse = Vec::new();
    for (lang, &file) in files {
        if lang == &site.default_language {
            diags.push(
                Diagnostic::error(format!(
                    "`content/i18n/{lang}.po`: `{lang}` is the default language"
                ))
                .in_file(file)
                .help(
                    "the default language is the source of every translation: remove this catalog",
                ),
            );
            continue;
        }
        if site.language(lang).is_none() {
            diags.push(
                Diagnostic::error(format!(
                    "`content/i18n/{lang}.po`: unknown language `{lang}`"
                ))
                .in_file(file)
                .help("add the language to content/site.toml or remove the catalog"),
            );
            continue;
        }
        parse.push((lang.as_str(), file));
    }
    // Read together: the catalogs share their messages' Japanese.
    for c in Catalog::parse_all(sources, &parse, &read_catalog_again, let_go, diags) {
        out.insert(c.lang.clone(), Arc::new(c));
    }
    out
}

/// Every default-language page in each language that has a catalog and no
/// hand-written version of it.
fn add_catalog_pages(
    site: &SiteConfig,
    catalogs: &BTreeMap<String, Arc<Catalog>>,
    pages: &mut Vec<Page>,
) {
    if catalogs.is_empty() {
        return;
    }
    let written: BTreeSet<(String, String)> = pages
        .iter()
        .map(|p| (p.key.clone(), p.lang.clone()))
        .collect();
    let originals: Vec<Page> = pages
        .iter()
        .filter(|p| p.lang == site.default_language)
        .cloned()
        .collect();
    for lang in site.codes() {
        let Some(catalog) = catalogs.get(lang) else {
            continue;
        };
        for p in &originals {
            if written.contains(&(p.key.clone(), lang.to_string())) {
                continue;
            }
            pages.push(catalog_page(p, lang, catalog));
        }
    }
}

/// A page's `checker = "<id>"` naming no procedure file (`span`: where the
/// id is in the page, found before its text was let go).
pub(crate) fn checker_problem(
    p: &Page,
    span: Option<std::ops::Range<usize>>,
    procedure_ids: &[String],
    unreadable_procedures: &BTreeSet<String>,
) -> Option<Diagnostic> {
    let (Some(id), Some(span)) = (&p.front.checker, span) else {
        return None;
    };
    if procedure_ids.contains(id) || unreadable_procedures.contains(id) {
        return None;
    }
    Some(
        Diagnostic::error(format!("no procedure `{id}` for this page's checker"))
            .at(p.file, span)
            .label("checker")
            .help(format!(
                "create content/procedures/{id}.toml or use one of: {}",
                procedure_ids.join(", ")
            )),
    )
}

/// A page's text read again for its worker, which renders it: the text
/// whose front matter was read (`Sources::release`), or an error if the
/// file changed or vanished since.
pub(crate) fn read_again(sources: &Sources, id: diag::FileId) -> Result<String, Diagnostic> {
    match read_bytes_again(sources, id)? {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| changed(sources, id)),
        Err(held) => Ok(held.to_string()),
    }
}

/// [`read_again`] of a catalog (tens of MB): its bytes, checked to be
/// UTF-8 by [`diag::Utf8Bytes`], faster than `String`'s check.
pub(crate) fn read_catalog_again(
    sources: &Sources,
    id: diag::FileId,
) -> Result<diag::Utf8Bytes, Diagnostic> {
    match read_bytes_again(sources, id)? {
        Ok(bytes) => diag::Utf8Bytes::new(bytes).ok_or_else(|| changed(sources, id)),
        Err(held) => Ok(held.to_string().into()),
    }
}

/// The bytes of a released file read again, if they are the ones read
/// first (by fingerprint), or the text held (`Err`: never let go).
fn read_bytes_again(
    sources: &Sources,
    id: diag::FileId,
) -> Result<Result<Vec<u8>, &str>, Diagnostic> {
    let Some(expected) = sources.released(id) else {
        return Ok(Err(sources.text(id)));
    };
    let shown = sources.name(id);
    let path = sources.path(id).ok_or_else(|| changed(sources, id))?;
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(format!("cannot read `{shown}` again: {e}"))
            .help("check that the file exists and is readable, then build again")
    })?;
    if diag::fingerprint_bytes(&bytes) == expected {
        Ok(Ok(bytes))
    } else {
        Err(changed(sources, id))
    }
}

fn changed(sources: &Sources, id: diag::FileId) -> Diagnostic {
    Diagnostic::error(format!(
        "`{}` changed while the site was built",
        sources.name(id)
    ))
    .in_file(id)
    .help("build again once the file is saved")
}

/// Reads again the released texts that `diags` quote, so that they print
/// as if the texts had been held all along. A file that changed since it
/// was read is quoted as it is now, with a warning saying so.
pub(crate) fn restore_quoted(sources: &mut Sources, diags: &[Diagnostic]) -> Vec<Diagnostic> {
    let ids: BTreeSet<diag::FileId> = diags
        .iter()
        .filter_map(|d| d.file)
        .filter(|&id| sources.released(id).is_some())
        .collect();
    let mut warnings = Vec::new();
    for id in ids {
        match read_again(sources, id) {
            Ok(text) => sources.restore(id, text),
            Err(_) => {
                let now = sources
                    .path(id)
                    .and_then(|p| std::fs::read(p).ok())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                sources.restore(id, now);
                warnings.push(
                    Diagnostic::warning(format!(
                        "`{}` changed while the site was built: the places shown in it may be off",
                        sources.name(id)
                    ))
                    .help("build again once the file is saved"),
                );
            }
        }
    }
    warnings
}

/// The page `p` (in the default language) in `lang`, from its catalog.
pub(crate) fn catalog_page(p: &Page, lang: &str, catalog: &Catalog) -> Page {
    let mut t = p.clone();
    t.lang = lang.to_string();
    t.front = translate::front_for(&p.front, catalog);
    t.from_catalog = true;
    t
}

/// What is at a path under the site root, without following a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    File,
    Folder,
    /// A symbolic link, or anything that is neither a file nor a folder.
    Other,
    Missing,
}

pub(crate) fn entry(path: &Path) -> Entry {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => Entry::File,
        Ok(m) if m.is_dir() => Entry::Folder,
        Ok(_) => Entry::Other,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Entry::Missing,
        Err(_) => Entry::Other,
    }
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
        if lang != site.default_language && !files.contains_key(lang) {
            // A catalog language: its strings are the default language's
            // with the catalog's translations (see `load`).
            continue;
        }
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
                let spans = TomlSpans::parse(text, 0);
                for (key, value) in &t.strings {
                    if let Some((at, problem)) = policy::text_problem(value) {
                        let bad = value[at..].chars().next().unwrap_or(' ');
                        let path = [Step::Key("strings"), Step::Key(key)];
                        let value_span = spans.value(&path).unwrap_or(0..0);
                        // The character inside the value the parser located.
                        let span = text[value_span.clone()]
                            .find(bad)
                            .map_or(spans.key(&path).unwrap_or(0..0), |i| {
                                value_span.start + i..value_span.start + i + bad.len_utf8()
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
    // Every other language falls back to the default one's strings, so it
    // must have each string the checker asks for.
    if let (Some(default), Some(&file)) = (
        out.get(&site.default_language),
        files.get(&site.default_language),
    ) {
        for key in checker_app::STRING_KEYS {
            if !default.strings.contains_key(*key) {
                diags.push(
                    Diagnostic::error(format!(
                        "`{}` has no interface string `{key}`, which the checker shows",
                        site.default_language
                    ))
                    .in_file(file)
                    .help(format!("add `{key} = \"...\"` under [strings]")),
                );
                ok = false;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_read_again_must_be_the_text_read_first() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("page.ja.md");
        std::fs::write(&path, "+++\ntitle = \"a\"\n+++\nbody\n").expect("write");
        let mut sources = Sources::default();
        let text = std::fs::read_to_string(&path).expect("read");
        let id = sources.add(&path, "content/page.ja.md".into(), text.clone());
        sources.release(id);
        assert_eq!(sources.text(id), "");
        assert_eq!(
            read_again(&sources, id).ok().as_deref(),
            Some(text.as_str())
        );

        std::fs::write(&path, "+++\ntitle = \"b\"\n+++\nbody\n").expect("write");
        let err = read_again(&sources, id).expect_err("the file changed");
        assert_eq!(
            err.message,
            "`content/page.ja.md` changed while the site was built"
        );
        let quoted = vec![Diagnostic::error("x").at(id, 4..9)];
        let warnings = restore_quoted(&mut sources, &quoted);
        assert_eq!(sources.text(id), "+++\ntitle = \"b\"\n+++\nbody\n");
        assert!(
            warnings[0]
                .message
                .contains("the places shown in it may be off")
        );
    }
}
