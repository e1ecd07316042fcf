//! `serve`'s incremental rebuild. A [`Session`] keeps the loaded site, each
//! page's summary (what the checks across pages need) and the whole output
//! in memory between changes. A change list is classified ([`ChangeKind`],
//! after Zola's `serve`): a page edit reads that one file again; anything
//! else loads the site again. Then only the pages whose inputs changed are
//! rendered again: the page itself, the pages whose context it changes
//! (listings, navigation, breadcrumbs, translations: compared through a
//! fingerprint of each page's context taken from the site model), the pages
//! linking to a page that appeared or went, and what a data, strings or
//! procedure edit touches. The checks across pages, the register, the
//! special pages and the sitemap run on the whole site as in a build, so an
//! edit that breaks an anchor elsewhere is reported, and the output equals
//! a clean build's byte for byte (tested).

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::checks::Summary;
use crate::config::{I18n, SiteConfig};
use crate::content::{self, FrontMatter, Kind, Page, PageIndex};
use crate::context::Scripts;
use crate::data::Facts;
use crate::diag::{self, Diagnostic, FileId, Sources};
use crate::load::{self, Entry, Loaded, PageFile};
use crate::model::Library;
use crate::procedures;
use crate::register;
use crate::render::Renderer;
use crate::site::{
    self, CheckerInputs, Checkers, Finish, Finished, LIVERELOAD_JS, MarkdownInputs, Options,
};
use crate::templates::Templates;
use crate::translate::{
    catalog::Catalog,
    glossary::{Glossary, GlossaryFile},
};

/// What a changed path is, and so what has to be built again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// `content/**/<slug>.<lang>.md` (the path relative to `content/`): that
    /// file is read again; the pages whose context or links it changes are
    /// rendered again.
    Page(PathBuf),
    /// A folder under `content/` made, removed or renamed, or a link: the
    /// site is loaded again; pages whose text and context did not change
    /// are kept.
    Folder,
    /// `content/i18n/<lang>.*`: the pages of that language.
    Strings(String),
    /// `content/data/<stem>.toml` (`None`: a folder there): the pages that
    /// show its facts and every checker page.
    Data(Option<String>),
    /// `content/procedures/`: every checker page.
    Procedure,
    /// trunk's output folder (`--checker`) appeared or changed (`serve`
    /// while the checker is built): its scripts and every checker page.
    Checker,
    /// `content/site.toml`, `templates/`, `static/` (asset names carry a
    /// hash) or the source folders themselves: every page.
    Everything,
    /// Dot-files, editor backups, files no build reads, folders without
    /// pages, anything outside the source folders.
    Ignored,
}

/// An output file's bytes, shared between the session and the server.
pub type Bytes = Arc<[u8]>;

/// The result of building after a change list.
pub struct Outcome {
    /// Pages whose Markdown and template ran.
    pub rendered: usize,
    /// Pages of the site.
    pub pages: usize,
    /// Whether the whole site was loaded again (a change other than pages).
    pub reloaded: bool,
    /// The build's errors and warnings, as `site-gen build` prints them
    /// (plain text), when it failed; the output is then left as it was.
    pub errors: Option<String>,
    /// On success: every output file that changed since the last success,
    /// with its new bytes (`None`: deleted).
    pub changed: Vec<(String, Option<Bytes>)>,
    /// `changed` lists every output file (the site was built afresh): any
    /// other file served before is gone.
    pub complete: bool,
}

/// A page's state kept between rebuilds, beside its `Page` and `Summary`.
#[derive(Default)]
struct Meta {
    /// Relative to `content/`.
    path: PathBuf,
    /// Problems found when reading the file (front matter).
    diags: Vec<Diagnostic>,
    /// Fingerprint of what its template context takes from other pages.
    fp: u64,
    /// The page keys its `@/` links may name.
    link_keys: Vec<String>,
    /// Its template failed.
    error: Option<Diagnostic>,
    dirty: bool,
}

/// A page file whose front matter did not parse.
struct Unparsed {
    key: String,
    diags: Vec<Diagnostic>,
}

/// Everything loaded, and every page's summary.
struct State {
    sources: Sources,
    site: SiteConfig,
    procedures: BTreeMap<String, procedures::Loaded>,
    i18n: BTreeMap<String, I18n>,
    facts: Arc<Facts>,
    templates: Option<Templates>,
    assets: BTreeMap<String, (String, Vec<u8>)>,
    i18n_complete: bool,
    broken_data: BTreeSet<String>,
    procedure_ids: Vec<String>,
    unreadable_procedures: BTreeSet<String>,
    /// Problems of the load that are not in a page file.
    global_diags: Vec<Diagnostic>,
    /// Something only a full load reports correctly (an unreadable or
    /// misnamed file, a refused link): every change loads the site again.
    reload_always: bool,
    /// Keys of pages that could not be read (only with `reload_always`).
    unreadable_pages: BTreeSet<String>,
    core_facts: madoguchi_rules::Facts,
    procedure_facts: BTreeMap<String, Vec<String>>,
    procedure_uses: Vec<(String, register::Use)>,
    any_checker: bool,
    scripts: Option<Scripts>,
    /// The checker is being built (`serve` before trunk's output exists).
    checker_building: bool,
    checker_files: BTreeMap<String, Vec<u8>>,
    checkers: Checkers,
    /// Where each checker is, by (language, procedure), as `checkers` were made.
    checker_urls: BTreeMap<(String, String), String>,
    templates_call_fact: bool,
    catalogs: BTreeMap<String, Arc<Catalog>>,
    glossary: Glossary,
    glossary_file: Option<(FileId, GlossaryFile)>,
    /// Pages written in a file come first (in walk order); pages made from
    /// a catalog follow.
    written: usize,
    /// Pages in the order a build loads them (by path, as the walk goes).
    pages: Vec<Page>,
    metas: Vec<Meta>,
    summaries: Vec<Summary>,
    failed: BTreeMap<PathBuf, Unparsed>,
    index: PageIndex,
    /// The checks of the page set at the last build, kept while only page
    /// bodies change (they read front matter and the page set).
    page_set_diags: Option<Vec<Diagnostic>>,
    /// What the pages edited in place since the last build left as it was
    /// (nothing, after any other change).
    kept: Kept,
    /// The site model of the last build, without its borrowed parts.
    model: Option<Model>,
}

/// What page edits in place left unchanged, so the last build's result
/// is kept: the site model (the same pages; with the same titles and
/// weights, the same order of children), every page's context (same front
/// matter), the checks of the page set (same `translated_from` and
/// `checker`), the sitemap (same `updated`).
#[derive(Debug, Default, Clone, Copy)]
struct Kept {
    model: bool,
    order: bool,
    contexts: bool,
    page_set: bool,
    sitemap: bool,
}

impl Kept {
    /// Edits in place, before looking at them.
    fn in_place() -> Kept {
        Kept {
            model: true,
            order: true,
            contexts: true,
            page_set: true,
            sitemap: true,
        }
    }

    /// What still holds after a page's front matter went from `old` to `new`.
    fn update(&mut self, new: &FrontMatter, old: &FrontMatter) {
        self.order &= new.title == old.title && new.weight == old.weight;
        self.contexts &= new == old;
        self.page_set &= new.translated_from == old.translated_from && new.checker == old.checker;
        self.sitemap &= new.updated == old.updated;
    }
}

/// What `Library` computes, kept between builds while only page bodies
/// change.
struct Model {
    urls: Vec<String>,
    permalinks: Vec<String>,
    originals: Vec<Option<usize>>,
    translations: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
    breadcrumbs: Vec<Vec<usize>>,
}

impl State {
    fn unparsed(&self) -> BTreeSet<String> {
        self.failed
            .values()
            .map(|u| u.key.clone())
            .chain(self.unreadable_pages.iter().cloned())
            .collect()
    }

    /// Whether `key` exists in some language, or failed to parse: what a
    /// link to it renders as depends on this.
    fn presence(&self, key: &str, unparsed: &BTreeSet<String>) -> (Vec<String>, bool) {
        (
            self.index
                .by_key
                .get(key)
                .map(|langs| langs.keys().cloned().collect())
                .unwrap_or_default(),
            unparsed.contains(key),
        )
    }
}

/// The incremental builder behind `site-gen serve`.
pub struct Session {
    opts: Options,
    state: Option<State>,
    /// Every output file of the current sources (also while they fail).
    files: BTreeMap<String, Bytes>,
    /// Outputs that are not pages (special pages, sitemap, static files…).
    others: BTreeSet<String>,
    /// Outputs changed since the last successful build.
    pending: BTreeSet<String>,
    /// The problems of the last build, printed by [`Session::print`].
    problems: Vec<Diagnostic>,
    /// Sources of `problems` when the site could not be loaded at all.
    load_failure: Option<Sources>,
}

impl Session {
    /// Loads and builds the whole site.
    pub fn new(opts: Options) -> (Session, Outcome) {
        let mut session = Session {
            opts,
            state: None,
            files: BTreeMap::new(),
            others: BTreeSet::new(),
            pending: BTreeSet::new(),
            problems: Vec::new(),
            load_failure: None,
        };
        let outcome = session.reload(&[]);
        (session, outcome)
    }

    /// Every output file of the last successful build and of what changed
    /// since (as served after the next successful build).
    pub fn files(&self) -> &BTreeMap<String, Bytes> {
        &self.files
    }

    /// Prints the last build's problems (in colour on a terminal).
    pub fn print(&self) {
        if self.problems.is_empty() {
            return;
        }
        match (&self.load_failure, &self.state) {
            (Some(sources), _) => diag::print(sources, &self.problems),
            (None, Some(state)) => diag::print(&state.sources, &self.problems),
            (None, None) => {}
        }
    }

    /// What a changed path (below the site root, as the watcher reports
    /// it) means for the build.
    pub fn classify(&self, path: &Path) -> ChangeKind {
        let root = &self.opts.root;
        if self
            .opts
            .checker_dist
            .as_ref()
            .is_some_and(|dist| path.starts_with(dist))
        {
            return ChangeKind::Checker;
        }
        // The watcher reports paths below the root it was given.
        let rel = path.strip_prefix(root).unwrap_or(path);
        let mut parts = Vec::new();
        for c in rel.components() {
            match c {
                Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                Component::CurDir => {}
                _ => return ChangeKind::Ignored,
            }
        }
        if parts.iter().any(|p| p.starts_with('.')) {
            return ChangeKind::Ignored;
        }
        let Some((top, rest)) = parts.split_first() else {
            return ChangeKind::Everything;
        };
        match top.as_str() {
            "templates" | "static" => return ChangeKind::Everything,
            "content" => {}
            _ => return ChangeKind::Ignored,
        }
        let Some(name) = rest.last() else {
            return ChangeKind::Everything;
        };
        let inner = rest.join("/");
        let entry = load::entry(path);
        let sub = rest.first().map(String::as_str);
        if inner == "site.toml" {
            return ChangeKind::Everything;
        }
        // A path that is gone: a folder if a known page lies under it.
        let held_pages = || {
            let dir = Path::new(&inner);
            self.state.as_ref().is_some_and(|s| {
                s.metas
                    .iter()
                    .any(|m| m.path.starts_with(dir) && m.path != dir)
                    || s.failed.keys().any(|p| p.starts_with(dir) && p != dir)
            })
        };
        let is_toml = name.ends_with(".toml");
        match sub {
            // The glossary's terms show on every page.
            Some("data")
                if self.state.as_ref().is_some_and(|s| {
                    matches!(content::classify(&inner, &s.site), Ok(Kind::Glossary))
                }) =>
            {
                return ChangeKind::Everything;
            }
            Some("data") if rest.len() > 1 => {
                return match entry {
                    Entry::File if is_toml => ChangeKind::Data(Some(
                        inner["data/".len()..inner.len() - ".toml".len()].replace('/', "."),
                    )),
                    Entry::Missing if is_toml => ChangeKind::Data(Some(
                        inner["data/".len()..inner.len() - ".toml".len()].replace('/', "."),
                    )),
                    Entry::File => ChangeKind::Ignored,
                    _ => ChangeKind::Data(None),
                };
            }
            Some("procedures") if rest.len() > 1 => {
                return match entry {
                    Entry::File if !is_toml => ChangeKind::Ignored,
                    _ => ChangeKind::Procedure,
                };
            }
            Some("i18n") if rest.len() == 2 => {
                if name.ends_with('~') {
                    return ChangeKind::Ignored;
                }
                return match name.split_once('.') {
                    Some((lang, _)) if entry != Entry::Folder => {
                        ChangeKind::Strings(lang.to_string())
                    }
                    _ => ChangeKind::Everything,
                };
            }
            Some("i18n") => return ChangeKind::Everything,
            _ => {}
        }
        match entry {
            Entry::Folder | Entry::Other => return ChangeKind::Folder,
            Entry::Missing if held_pages() => return ChangeKind::Folder,
            Entry::File | Entry::Missing => {}
        }
        if name.ends_with('~') || !name.ends_with(".md") {
            return ChangeKind::Ignored;
        }
        ChangeKind::Page(PathBuf::from(inner))
    }

    /// Builds again after the files at `changes` changed (were written,
    /// created or deleted): the incremental path `serve` takes.
    pub fn apply(&mut self, changes: &[PathBuf]) -> Option<Outcome> {
        let kinds: BTreeSet<ChangeKind> = changes
            .iter()
            .map(|p| self.classify(p))
            .filter(|k| *k != ChangeKind::Ignored)
            .collect();
        if kinds.is_empty() {
            return None;
        }
        let pages_only = kinds.iter().all(|k| matches!(k, ChangeKind::Page(_)));
        if pages_only
            && let Some(state) = &self.state
            && !state.reload_always
        {
            let paths: Vec<PathBuf> = kinds
                .iter()
                .filter_map(|k| match k {
                    ChangeKind::Page(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            if let Some(outcome) = self.pages_changed(&paths) {
                return Some(outcome);
            }
        }
        let kinds: Vec<ChangeKind> = kinds.into_iter().collect();
        Some(self.reload(&kinds))
    }

    /// Loads the whole site again; keeps the pages whose inputs are the same.
    fn reload(&mut self, kinds: &[ChangeKind]) -> Outcome {
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let Some(loaded) = load::load(&self.opts, &mut sources, &mut diags) else {
            return self.load_failed(sources, diags);
        };
        let mut new = state_from(&self.opts, loaded, sources, diags);
        let old = self.state.take();
        // The default language's strings are every catalog language's too.
        let everything = old.is_none()
            || kinds.iter().any(|k| match k {
                ChangeKind::Everything => true,
                ChangeKind::Strings(lang) => *lang == new.site.default_language,
                _ => false,
            });
        let stems: Vec<Option<&str>> = kinds
            .iter()
            .filter_map(|k| match k {
                ChangeKind::Data(s) => Some(s.as_deref()),
                _ => None,
            })
            .collect();
        let data_for_all = !stems.is_empty() && new.templates_call_fact;
        let langs: BTreeSet<&str> = kinds
            .iter()
            .filter_map(|k| match k {
                ChangeKind::Strings(l) => Some(l.as_str()),
                _ => None,
            })
            .collect();
        let mut removed = Vec::new();
        let afresh = old.is_none();
        if afresh {
            // After a site that could not be loaded: every page is made
            // again, none of the old ones stays.
            removed = self
                .files
                .keys()
                .filter(|k| !self.others.contains(*k))
                .cloned()
                .collect();
            self.pending.extend(self.files.keys().cloned());
        }
        if let Some(mut old) = old {
            // Old index → new index, for the links kept in summaries.
            let old_to_new: Vec<Option<usize>> = old
                .pages
                .iter()
                .map(|p| new.index.get(&p.key, &p.lang))
                .collect();
            for (i, p) in old.pages.iter().enumerate() {
                let gone = old_to_new[i].is_none_or(|j| new.metas[j].path != old.metas[i].path);
                if gone {
                    removed.push(site::page_path(p));
                }
            }
            let unparsed_old = old.unparsed();
            let unparsed_new = new.unparsed();
            for j in 0..new.pages.len() {
                let p = &new.pages[j];
                let Some(i) = old.index.get(&p.key, &p.lang) else {
                    continue;
                };
                let (om, os) = (&old.metas[i], &old.summaries[i]);
                let kept = !everything
                    && !om.dirty
                    && om.path == new.metas[j].path
                    && om.error.is_none()
                    && os.diags.is_empty()
                    && p.front.checker.is_none()
                    && !langs.contains(p.lang.as_str())
                    && !data_for_all
                    && !os.facts_used.iter().any(|(key, _, _)| {
                        stems
                            .iter()
                            .any(|s| s.is_none_or(|s| key.starts_with(&format!("{s}."))))
                    })
                    && text_print(&old.sources, old.pages[i].file)
                        == text_print(&new.sources, p.file)
                    && om
                        .link_keys
                        .iter()
                        .all(|k| old.presence(k, &unparsed_old) == new.presence(k, &unparsed_new));
                if !kept {
                    continue;
                }
                let mut summary = std::mem::take(&mut old.summaries[i]);
                let mut ok = true;
                for link in &mut summary.links {
                    link.file = p.file;
                    match old_to_new[link.target] {
                        Some(t) => link.target = t,
                        None => ok = false,
                    }
                }
                if ok {
                    let om = std::mem::take(&mut old.metas[i]);
                    let m = &mut new.metas[j];
                    m.fp = om.fp;
                    m.link_keys = om.link_keys;
                    m.dirty = false;
                    new.summaries[j] = summary;
                }
            }
        }
        self.state = Some(new);
        self.load_failure = None;
        let mut outcome = self.build(removed);
        outcome.reloaded = true;
        outcome.complete = afresh && outcome.errors.is_none();
        outcome
    }

    fn load_failed(&mut self, mut sources: Sources, mut diags: Vec<Diagnostic>) -> Outcome {
        self.state = None;
        let changed = load::restore_quoted(&mut sources, &diags);
        diags.extend(changed);
        self.problems = site::failure_order(diags);
        let text = diag::render_plain(&sources, &self.problems);
        self.load_failure = Some(sources);
        Outcome {
            rendered: 0,
            pages: 0,
            reloaded: true,
            errors: Some(text),
            changed: Vec::new(),
            complete: false,
        }
    }

    /// Reads the changed page files again. `None` when one of them needs a
    /// full load (a link, an unreadable or misnamed file).
    fn pages_changed(&mut self, paths: &[PathBuf]) -> Option<Outcome> {
        let state = self.state.as_mut()?;
        let mut read: BTreeMap<PathBuf, PageFile> = BTreeMap::new();
        for rel in paths {
            let file = load::load_page(
                &self.opts.root,
                rel,
                &state.site,
                (&state.procedure_ids, &state.unreadable_procedures),
                &mut state.sources,
            );
            if matches!(file, PageFile::Reload) {
                return None;
            }
            read.insert(rel.clone(), file);
        }
        let unparsed_old = state.unparsed();
        // The keys whose presence may change, and how they were before.
        let mut keys: BTreeMap<String, (Vec<String>, bool)> = BTreeMap::new();
        let key_of = |rel: &Path, f: &PageFile, state: &State| -> Option<String> {
            match f {
                PageFile::Read { key, .. } => Some(key.clone()),
                PageFile::Gone => state
                    .metas
                    .iter()
                    .position(|m| m.path == rel)
                    .map(|i| state.pages[i].key.clone())
                    .or_else(|| state.failed.get(rel).map(|u| u.key.clone())),
                PageFile::Reload => None,
            }
        };
        for (rel, f) in &read {
            if let Some(key) = key_of(rel, f, state) {
                let before = state.presence(&key, &unparsed_old);
                keys.insert(key, before);
            }
        }

        // Pages edited in place (the same file, still parsing): nothing
        // moves, the index stays.
        let positions: Option<Vec<usize>> = read
            .iter()
            .map(|(rel, f)| match f {
                PageFile::Read { page: Some(_), .. } => state.metas[..state.written]
                    .binary_search_by(|m| m.path.as_path().cmp(rel))
                    .ok(),
                _ => None,
            })
            .collect();
        if let Some(positions) = positions {
            let mut kept = Kept::in_place();
            let mut moved = BTreeSet::new();
            for ((_, f), i) in read.into_iter().zip(positions) {
                if let PageFile::Read {
                    page: Some(page),
                    diags,
                    ..
                } = f
                {
                    kept.update(&page.front, &state.pages[i].front);
                    moved.insert(state.pages[i].file);
                    state.pages[i] = *page;
                    state.metas[i].diags = diags;
                    state.metas[i].dirty = true;
                    // Its versions made from the catalogs follow it.
                    let p = &state.pages[i];
                    if p.lang != state.site.default_language {
                        continue;
                    }
                    let derived: Vec<(usize, Page)> = state
                        .catalogs
                        .iter()
                        .filter_map(|(lang, catalog)| {
                            let j = state.index.get(&p.key, lang)?;
                            state.pages[j]
                                .from_catalog
                                .then(|| (j, load::catalog_page(p, lang, catalog)))
                        })
                        .collect();
                    for (j, t) in derived {
                        kept.update(&t.front, &state.pages[j].front);
                        state.pages[j] = t;
                        state.metas[j].dirty = true;
                    }
                }
            }
            // A problem of the page set in an edited file points into its
            // old text: found again.
            if let Some(same) = &state.page_set_diags
                && same
                    .iter()
                    .any(|d| d.file.is_some_and(|f| moved.contains(&f)))
            {
                kept.page_set = false;
            }
            state.kept = kept;
            if !checkers_follow(state) {
                return None;
            }
            return Some(self.build(Vec::new()));
        }

        // Pages made from catalogs come and go with their originals: the
        // site is loaded again.
        if !state.catalogs.is_empty() {
            return None;
        }
        // Merge the changed files into the pages, in walk order.
        let old_pages = std::mem::take(&mut state.pages);
        let old_metas = std::mem::take(&mut state.metas);
        let old_summaries = std::mem::take(&mut state.summaries);
        let n = old_pages.len();
        let mut old_to_new: Vec<Option<usize>> = vec![None; n];
        let mut removed = Vec::new();
        let mut pages = Vec::with_capacity(n + read.len());
        let mut metas = Vec::with_capacity(n + read.len());
        let mut summaries = Vec::with_capacity(n + read.len());
        let mut incoming = read.into_iter().peekable();
        let push_read = |rel: PathBuf,
                         f: PageFile,
                         state: &mut State,
                         pages: &mut Vec<Page>,
                         metas: &mut Vec<Meta>,
                         summaries: &mut Vec<Summary>| {
            state.failed.remove(&rel);
            if let PageFile::Read {
                key, page, diags, ..
            } = f
            {
                match page {
                    Some(page) => {
                        pages.push(*page);
                        metas.push(Meta {
                            path: rel,
                            diags,
                            dirty: true,
                            ..Meta::default()
                        });
                        summaries.push(Summary::default());
                    }
                    None => {
                        state.failed.insert(rel, Unparsed { key, diags });
                    }
                }
            }
        };
        for (i, ((page, meta), summary)) in old_pages
            .into_iter()
            .zip(old_metas)
            .zip(old_summaries)
            .enumerate()
        {
            while let Some((rel, _)) = incoming.peek()
                && *rel < meta.path
            {
                let Some((rel, f)) = incoming.next() else {
                    break;
                };
                push_read(rel, f, state, &mut pages, &mut metas, &mut summaries);
            }
            if incoming.peek().is_some_and(|(rel, _)| *rel == meta.path) {
                let Some((rel, f)) = incoming.next() else {
                    break;
                };
                removed.push(site::page_path(&page));
                let before = pages.len();
                push_read(rel, f, state, &mut pages, &mut metas, &mut summaries);
                if pages.len() > before {
                    old_to_new[i] = Some(before);
                }
                continue;
            }
            old_to_new[i] = Some(pages.len());
            pages.push(page);
            metas.push(meta);
            summaries.push(summary);
        }
        for (rel, f) in incoming {
            push_read(rel, f, state, &mut pages, &mut metas, &mut summaries);
        }
        state.pages = pages;
        state.metas = metas;
        state.summaries = summaries;
        if old_to_new.iter().enumerate().any(|(i, j)| *j != Some(i)) || n != state.pages.len() {
            for (s, m) in state.summaries.iter_mut().zip(&mut state.metas) {
                for link in &mut s.links {
                    match old_to_new.get(link.target).copied().flatten() {
                        Some(t) => link.target = t,
                        None => m.dirty = true,
                    }
                }
            }
        }
        state.index = PageIndex::new(&state.pages);
        if !checkers_follow(state) {
            return None;
        }
        // Pages linking to a page that appeared, went or failed.
        let unparsed_new = state.unparsed();
        let changed_keys: BTreeSet<&str> = keys
            .iter()
            .filter(|(k, before)| state.presence(k, &unparsed_new) != **before)
            .map(|(k, _)| k.as_str())
            .collect();
        if !changed_keys.is_empty() {
            for m in &mut state.metas {
                if m.link_keys
                    .iter()
                    .any(|k| changed_keys.contains(k.as_str()))
                {
                    m.dirty = true;
                }
            }
            // A page whose address another one shared is written again.
            for (p, m) in state.pages.iter().zip(&mut state.metas) {
                if removed.contains(&site::page_path(p)) {
                    m.dirty = true;
                }
            }
        }
        Some(self.build(removed))
    }

    /// Renders the dirty pages and those whose context changed, runs the
    /// steps after the pages on the whole site, and updates the output.
    fn build(&mut self, removed: Vec<String>) -> Outcome {
        let mut outcome = self.build_pages(removed);
        // The problems quote page texts let go after loading: read again.
        if let Some(state) = &mut self.state {
            let changed = load::restore_quoted(&mut state.sources, &self.problems);
            self.problems.extend(changed);
            if outcome.errors.is_some() {
                outcome.errors = Some(diag::render_plain(&state.sources, &self.problems));
            }
        }
        outcome
    }

    fn build_pages(&mut self, removed: Vec<String>) -> Outcome {
        let Session {
            opts,
            state,
            files,
            others,
            pending,
            problems,
            ..
        } = self;
        let Some(state) = state.as_mut() else {
            return Outcome {
                rendered: 0,
                pages: 0,
                reloaded: false,
                errors: None,
                changed: Vec::new(),
                complete: false,
            };
        };
        let unparsed = state.unparsed();
        let State {
            sources,
            site: site_cfg,
            procedures,
            i18n,
            facts,
            templates,
            assets,
            i18n_complete,
            broken_data,
            global_diags,
            procedure_facts,
            procedure_uses,
            scripts,
            checker_building,
            checker_files,
            checkers,
            checker_urls,
            core_facts,
            catalogs,
            glossary,
            glossary_file,
            pages,
            metas,
            summaries,
            failed,
            index,
            page_set_diags,
            kept,
            model,
            ..
        } = state;
        let (sources, site_cfg, pages, index) = (&*sources, &*site_cfg, &*pages, &*index);

        let mut diags = global_diags.clone();
        for m in metas.iter() {
            diags.extend(m.diags.iter().cloned());
        }
        for u in failed.values() {
            diags.extend(u.diags.iter().cloned());
        }
        let kept = std::mem::take(kept);
        match page_set_diags {
            Some(same) if kept.page_set => diags.extend(same.iter().cloned()),
            _ => {
                let mut found = Vec::new();
                site::check_pages(site_cfg, pages, &unparsed, sources, &mut found);
                diags.extend(found.iter().cloned());
                *page_set_diags = Some(found);
            }
        }
        let fail = |diags: Vec<Diagnostic>, problems: &mut Vec<Diagnostic>| {
            *problems = site::failure_order(diags);
            Outcome {
                rendered: 0,
                pages: pages.len(),
                reloaded: false,
                // Rendered once the texts it quotes are read again (`build`).
                errors: Some(String::new()),
                changed: Vec::new(),
                complete: false,
            }
        };
        let Some(fallback_i18n) = site::fallback_i18n(site_cfg, i18n) else {
            diags.retain(|d| !site::follow_on(broken_data, d));
            return fail(diags, problems);
        };

        // Pages at an address another page left are written again.
        if !removed.is_empty() {
            let removed: BTreeSet<&str> = removed.iter().map(String::as_str).collect();
            for (p, m) in pages.iter().zip(metas.iter_mut()) {
                if removed.contains(site::page_path(p).as_str()) {
                    m.dirty = true;
                }
            }
        }
        let lib = match model.take().filter(|_| kept.model) {
            Some(m) => {
                let mut lib = Library {
                    site: site_cfg,
                    pages,
                    index,
                    urls: m.urls,
                    permalinks: m.permalinks,
                    originals: m.originals,
                    translations: m.translations,
                    children: m.children,
                    breadcrumbs: m.breadcrumbs,
                };
                if !kept.order {
                    lib.sort_children();
                }
                lib
            }
            None => Library::new(site_cfg, pages, index),
        };
        if !kept.contexts {
            let fps = fingerprints(&lib);
            for (m, fp) in metas.iter_mut().zip(&fps) {
                if m.fp != *fp {
                    m.dirty = true;
                    m.fp = *fp;
                }
            }
        }
        // Checkers for new (procedure, language) pairs, or all again when a
        // checker moved (a redirect outcome links to it).
        if templates.is_some() && *i18n_complete {
            let urls = site::checker_urls(pages, &lib.urls);
            let missing = pages
                .iter()
                .filter_map(|p| Some((p.front.checker.clone()?, p.lang.clone())))
                .any(|pair| procedures.contains_key(&pair.0) && !checkers.contains_key(&pair));
            if missing || urls != *checker_urls {
                let inputs = CheckerInputs {
                    site: site_cfg,
                    procedures,
                    i18n,
                    core_facts,
                    catalogs,
                };
                *checkers = site::checkers(&inputs, pages, &urls);
                *checker_urls = urls;
                for (p, m) in pages.iter().zip(metas.iter_mut()) {
                    if p.front.checker.is_some() {
                        m.dirty = true;
                    }
                }
            }
        }
        let markdown = MarkdownInputs {
            site: site_cfg,
            facts,
            i18n,
            fallback_i18n,
            pages,
            index,
            unparsed: &unparsed,
            sources,
            glossary,
            catalogs,
        };
        let base_path = site_cfg.base_path();
        let livereload = opts
            .livereload
            .then(|| format!("{base_path}{LIVERELOAD_JS}"));
        let offline =
            (!opts.livereload).then(|| format!("{base_path}{}", crate::offline::register_path()));
        let renderer = templates
            .as_ref()
            .filter(|_| *i18n_complete)
            .map(|templates| Renderer {
                lib: &lib,
                i18n,
                templates,
                sources,
                livereload: livereload.as_deref(),
                offline: offline.as_deref(),
                base_path: &base_path,
                procedure_facts,
                facts,
                checkers,
                scripts: scripts.as_ref(),
                procedures,
                catalogs,
                checker_building: *checker_building,
            });
        let dirty: Vec<usize> = (0..pages.len()).filter(|&i| metas[i].dirty).collect();
        type Done = (
            usize,
            Summary,
            Vec<String>,
            Option<Result<Vec<(String, String)>, Diagnostic>>,
        );
        let done: Vec<Done> = dirty
            .par_iter()
            .map(|&i| {
                let p = &pages[i];
                match markdown.render(p) {
                    Ok((rendered, text)) => {
                        let html = renderer.as_ref().map(|r| r.page(i, &rendered));
                        let keys = link_keys(&text, site_cfg);
                        (i, Summary::of(rendered, &text), keys, html)
                    }
                    // The file changed since it was read: its own event
                    // builds it again.
                    Err(d) => (i, Summary::failed(d), Vec::new(), None),
                }
            })
            .collect();
        let rendered = done.len();
        for path in &removed {
            files.remove(path);
            pending.insert(path.clone());
            // A long listing's further pages go with it.
            for n in 2.. {
                let further = crate::model::further_page(path, n);
                if files.remove(&further).is_none() {
                    break;
                }
                pending.insert(further);
            }
        }
        for (i, summary, keys, html) in done {
            summaries[i] = summary;
            let m = &mut metas[i];
            m.link_keys = keys;
            let path = site::page_path(&pages[i]);
            match html {
                Some(Ok(outputs)) => {
                    // A listing that got shorter leaves no page behind.
                    for n in outputs.len() + 1.. {
                        let further = crate::model::further_page(&path, n);
                        if files.remove(&further).is_none() {
                            break;
                        }
                        pending.insert(further);
                    }
                    for (path, html) in outputs {
                        if files.get(&path).is_none_or(|old| **old != *html.as_bytes()) {
                            files.insert(path.clone(), Bytes::from(html.into_bytes()));
                            pending.insert(path);
                        }
                    }
                    m.error = None;
                    m.dirty = false;
                }
                Some(Err(d)) => {
                    files.remove(&path);
                    pending.insert(path);
                    m.error = Some(d);
                    m.dirty = false;
                }
                // Not rendered (broken templates or strings): next time.
                None => {}
            }
        }
        let page_errors: Vec<Diagnostic> = metas.iter().filter_map(|m| m.error.clone()).collect();

        let translation_status = crate::i18n::status_of(
            site_cfg,
            pages,
            procedures,
            i18n.get(&site_cfg.default_language),
            (facts, glossary_file.as_ref().map(|(_, g)| g)),
            catalogs,
            sources,
        );
        let kept_sitemap = files.get("sitemap.xml").filter(|_| kept.sitemap).cloned();
        let kept_sitemap = kept_sitemap.as_deref();
        let mut outputs = checker_files.clone();
        let finish = Finish {
            opts,
            site: site_cfg,
            i18n,
            facts,
            sources,
            pages,
            renderer: renderer.as_ref(),
            assets,
            broken_data,
            sitemap: kept_sitemap,
            translation_status: &translation_status,
        };
        let Finished {
            errors, warnings, ..
        } = finish.run(
            summaries,
            page_errors,
            procedure_uses.clone(),
            diags,
            &mut outputs,
        );
        *model = Some(Model {
            urls: lib.urls,
            permalinks: lib.permalinks,
            originals: lib.originals,
            translations: lib.translations,
            children: lib.children,
            breadcrumbs: lib.breadcrumbs,
        });
        for gone in others.iter().filter(|k| !outputs.contains_key(*k)) {
            files.remove(gone);
            pending.insert(gone.clone());
        }
        *others = outputs.keys().cloned().collect();
        for (path, bytes) in outputs {
            if files.get(&path).is_none_or(|old| **old != *bytes) {
                pending.insert(path.clone());
                files.insert(path, Bytes::from(bytes));
            }
        }
        if !errors.is_empty() || templates.is_none() || !*i18n_complete {
            let mut all = errors;
            all.extend(warnings);
            let mut outcome = fail(all, problems);
            outcome.rendered = rendered;
            return outcome;
        }
        *problems = warnings;
        let changed = std::mem::take(pending)
            .into_iter()
            .map(|path| {
                let bytes = files.get(&path).cloned();
                (path, bytes)
            })
            .collect();
        Outcome {
            rendered,
            pages: pages.len(),
            reloaded: false,
            errors: None,
            changed,
            complete: false,
        }
    }
}

/// `false` when a checker page appeared where there was none (or none is
/// left): the checker's scripts come and go with them, so the site is
/// loaded again.
fn checkers_follow(state: &State) -> bool {
    state.pages.iter().any(|p| p.front.checker.is_some()) == state.any_checker
}

/// A fingerprint of a file's text, also once the text was let go.
fn text_print(sources: &Sources, id: FileId) -> u64 {
    sources
        .released(id)
        .unwrap_or_else(|| diag::fingerprint(sources.text(id)))
}

/// The state of a freshly loaded site: every page to be rendered.
fn state_from(opts: &Options, loaded: Loaded, sources: Sources, diags: Vec<Diagnostic>) -> State {
    let Loaded {
        procedures,
        site: site_cfg,
        i18n,
        facts,
        pages,
        templates,
        assets,
        i18n_complete,
        unparsed,
        broken_data,
        catalogs,
        source_i18n: _,
        glossary_file,
        glossary,
        page_files,
        procedure_ids,
        unreadable_procedures,
    } = loaded;
    let page_ids: BTreeMap<FileId, &PathBuf> = page_files
        .iter()
        .map(|(path, _, _, id)| (*id, path))
        .collect();
    let mut per_file: BTreeMap<FileId, Vec<Diagnostic>> = BTreeMap::new();
    let mut global = Vec::new();
    for d in diags {
        match d.file.filter(|f| page_ids.contains_key(f)) {
            Some(f) => per_file.entry(f).or_default().push(d),
            None => global.push(d),
        }
    }
    let metas: Vec<Meta> = pages
        .iter()
        .map(|p| Meta {
            path: page_ids
                .get(&p.file)
                .map(|p| (*p).clone())
                .unwrap_or_default(),
            diags: per_file.remove(&p.file).unwrap_or_default(),
            dirty: true,
            ..Meta::default()
        })
        .collect();
    let parsed: BTreeSet<FileId> = pages.iter().map(|p| p.file).collect();
    let mut failed = BTreeMap::new();
    for (path, key, _, id) in &page_files {
        if !parsed.contains(id) {
            failed.insert(
                path.clone(),
                Unparsed {
                    key: key.clone(),
                    diags: per_file.remove(id).unwrap_or_default(),
                },
            );
        }
    }
    let failed_keys: BTreeSet<&String> = failed.values().map(|u| &u.key).collect();
    let unreadable_pages: BTreeSet<String> = unparsed
        .iter()
        .filter(|k| !failed_keys.contains(k))
        .cloned()
        .collect();
    let reload_always =
        !unreadable_pages.is_empty() || global.iter().any(|d| d.is_error() && d.file.is_none());
    let (procedure_facts, procedure_uses) = site::procedure_facts(&procedures, &sources);
    let core_facts = facts.core();
    let any_checker = pages.iter().any(|p| p.front.checker.is_some());
    let mut checker_files = BTreeMap::new();
    let (scripts, checker_building) = site::checker_scripts(
        opts,
        &site_cfg,
        any_checker,
        &mut checker_files,
        &mut global,
    );
    let templates_call_fact = templates
        .as_ref()
        .is_some_and(|t| t.overrides_contain(&sources, "fact("));
    let index = PageIndex::new(&pages);
    let summaries = pages.iter().map(|_| Summary::default()).collect();
    State {
        sources,
        site: site_cfg,
        procedures,
        i18n,
        facts,
        templates,
        assets,
        i18n_complete,
        broken_data,
        procedure_ids,
        unreadable_procedures,
        global_diags: global,
        reload_always,
        unreadable_pages,
        core_facts,
        procedure_facts,
        procedure_uses,
        any_checker,
        scripts,
        checker_building,
        checker_files,
        checkers: BTreeMap::new(),
        checker_urls: BTreeMap::new(),
        templates_call_fact,
        written: pages.iter().filter(|p| !p.from_catalog).count(),
        catalogs,
        glossary,
        glossary_file,
        pages,
        metas,
        summaries,
        failed,
        index,
        page_set_diags: None,
        kept: Kept::default(),
        model: None,
    }
}

fn link_hash(lib: &Library<'_>, k: usize, h: &mut DefaultHasher) {
    let p = &lib.pages[k];
    (
        &p.front.title,
        &p.front.description,
        &lib.urls[k],
        &p.lang,
        p.front.weight,
    )
        .hash(h);
}

/// For each page, a fingerprint of what its template context takes from
/// other pages: its top-level section, translations, original,
/// breadcrumbs, children (and so how many pages its listing takes).
fn fingerprints(lib: &Library<'_>) -> Vec<u64> {
    (0..lib.pages.len())
        .into_par_iter()
        .map(|i| {
            let mut h = DefaultHasher::new();
            if let Some(s) = lib.top_section(i) {
                link_hash(lib, s, &mut h);
            }
            for &a in &lib.translations[i] {
                (&lib.pages[a].lang, &lib.urls[a]).hash(&mut h);
            }
            if let Some(o) = lib.originals[i] {
                (&lib.urls[o], lib.pages[o].front.updated.iso()).hash(&mut h);
            }
            for &s in &lib.breadcrumbs[i] {
                (&lib.pages[s].front.title, &lib.urls[s]).hash(&mut h);
            }
            for &k in &lib.children[i] {
                link_hash(lib, k, &mut h);
            }
            h.finish()
        })
        .collect()
}

/// The page keys a page's `@/` links may name (a superset: any `@/…` in
/// its text), so that it is rendered again when one of them appears or goes.
fn link_keys(text: &str, site: &SiteConfig) -> Vec<String> {
    let mut keys = Vec::new();
    for (at, _) in text.match_indices("@/") {
        let rest = &text[at + 2..];
        let end = rest
            .find(|c: char| {
                c.is_whitespace() || matches!(c, ')' | '#' | '"' | '\'' | '>' | ']' | '<' | '|')
            })
            .unwrap_or(rest.len());
        let path = rest[..end].replace('\\', "");
        if let Some((stem, lang)) = path.strip_suffix(".md").and_then(|s| s.rsplit_once('.'))
            && site.language(lang).is_some()
        {
            keys.push(format!("{stem}.md"));
        }
        keys.push(path);
    }
    keys.sort();
    keys.dedup();
    keys
}
