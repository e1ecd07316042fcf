//! What `serve` keeps between builds, inside the one build path
//! (`site::generate_cached`): the build runs the same steps every time and
//! asks the cache before each costly one, with a key made of what that step
//! reads (Zola's per-page re-render, salsa's "same inputs, same output").
//!
//! - **Walks** of the source folders, until the watcher reports a path the
//!   last walk did not list as a file (a new, removed or renamed file, a
//!   folder) — or any change at all where a walk went through a link.
//! - **Texts** of the files the build reads, until the watcher reports the
//!   file changed; a page file keeps its parsed front matter and problems
//!   instead of its text (by its place in the walk).
//! - **The list of pages** read from files (`PageList`), each page kept
//!   while its data and file are the same: a text edit copies none.
//! - **The page index and the site model's lists** (`KeptModel`), while
//!   every page's place and the configuration are the same.
//! - **Each page's Markdown** ([`Rendered`] and its [`Summary`]), keyed by a
//!   hash of the page, its file's fingerprint and everything
//!   `markdown::render` reads besides: the site configuration, the
//!   interface strings of its language and the default one, the glossary,
//!   the facts, the page set (addresses), and its catalog.
//! - **Each page's HTML**, keyed by its Markdown's key, the templates (with
//!   what their functions read) and a hash of the page's template context
//!   itself, serialized as the template would see it (all but the rendered
//!   Markdown, which its key stands for).
//!
//! - **The last output**, lent back by `serve` ([`Cache::lend_output`]):
//!   when the last build succeeded (`LastOutput`) and the pages are where
//!   they were, only the pages whose HTML changed are put into it.
//!
//! `build`, `check` and `facts` run with [`Cache::none`], which keeps
//! nothing: every lookup misses.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::checks::Summary;
use crate::content::{Kind, Page};
use crate::diag::{Diagnostic, FileId};
use crate::markdown::Rendered;

/// An output file's bytes, shared between the cache, the output and the
/// dev server. An `Arc<Vec<u8>>`, not an `Arc<[u8]>`: a rendered file
/// becomes one without a copy (the 95 MB sitemap that 4000 pages × 15
/// languages had while it listed every page's translations, copied into
/// an `Arc<[u8]>`, put the catalog build's peak at 450-476 MiB instead of
/// 380-385).
pub type Bytes = Arc<Vec<u8>>;

/// Hashes what is written into it: a `Debug` or serde serialization is
/// hashed as it is produced, never held.
pub(crate) struct HashWriter(pub(crate) DefaultHasher);

impl HashWriter {
    pub(crate) fn new() -> Self {
        HashWriter(DefaultHasher::new())
    }
}

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A hash of `v`'s `Debug` form: every field, with no list of fields to
/// keep up to date.
pub(crate) fn hash_debug(v: &impl std::fmt::Debug) -> u64 {
    let mut w = HashWriter::new();
    let _ = std::fmt::write(&mut w, format_args!("{v:?}"));
    w.0.finish()
}

/// A hash of `v` serialized as a template sees it.
pub(crate) fn hash_json(v: &impl serde::Serialize) -> u64 {
    let mut w = HashWriter::new();
    // Serializing into a hasher cannot fail but for a map with non-string
    // keys, which no template context has; such a context hashes as empty
    // and renders every time it is asked.
    if serde_json::to_writer(&mut w, v).is_err() {
        return rand_key();
    }
    w.0.finish()
}

/// A key that matches nothing kept.
fn rand_key() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A hash of several hashes and values.
pub(crate) fn hash_of(parts: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// What each file of a walk of `content/` is.
pub(crate) type Kinds = Arc<Vec<Result<Kind, Diagnostic>>>;

/// A map by a file's path as shown: looked up once per file per build.
type PathMap<V> = HashMap<String, V, std::hash::BuildHasherDefault<PathHasher>>;

/// FxHash's multiply-and-rotate (as rustc's own maps): several times faster
/// than the standard library's SipHash on short keys, and the keys are the
/// site's own paths, so there is no flooding to defend against.
#[derive(Default)]
pub(crate) struct PathHasher(u64);

impl PathHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The table takes its bucket from the low bits: bring the
        // well-mixed high bits down.
        self.0.rotate_left(26)
    }
}

/// The source folders of a site root; none may be reached through another.
pub(crate) const SOURCE_DIRS: [&str; 3] = ["content", "static", "templates"];

/// A file found in a source folder: where it is, and its path as shown in
/// messages (relative to the site root, with `/`).
#[derive(Clone)]
pub(crate) struct SourceFile {
    pub(crate) path: Arc<Path>,
    pub(crate) shown: Arc<str>,
}

impl SourceFile {
    /// The path below its source folder (`content/a/b.md` → `a/b.md`).
    pub(crate) fn rel(&self) -> &str {
        self.shown.split_once('/').map_or("", |(_, rel)| rel)
    }
}

/// One walk of a source folder.
#[derive(Clone)]
pub(crate) struct Walked {
    pub(crate) files: Arc<Vec<SourceFile>>,
    pub(crate) diags: Vec<Diagnostic>,
    /// The walk went through a symbolic link: a change under the link's
    /// target is reported under another path than the one walked.
    pub(crate) linked: bool,
}

/// A page file as loading read it.
#[derive(Clone)]
pub(crate) struct PageEntry {
    /// A hash of the parsed page (all but its file's id).
    pub(crate) meta: u64,
    /// The hash of the site configuration it was parsed with.
    pub(crate) site: u64,
    pub(crate) print: u64,
    /// The text, when the build keeps it (default-language pages of a
    /// site with catalog languages).
    pub(crate) text: Option<String>,
    /// The page and the span of its `checker` value, or why it did not parse.
    pub(crate) parsed: Result<(Page, Option<std::ops::Range<usize>>), Diagnostic>,
    /// Problems found in its front matter.
    pub(crate) diags: Vec<Diagnostic>,
}

/// A page's HTML as `serve`'s cache keeps it, with its two keys.
pub(crate) struct KeptHtml {
    /// What the page's template context reads, by hash: the page, its
    /// Markdown, the pages `Renderer::page_reads` lists and what every
    /// page of its language reads.
    pub(crate) fast: u64,
    /// The page's whole template context, serialized (all but the
    /// Markdown's HTML, which its key stands for); of each of its pages
    /// for a long listing.
    pub(crate) exact: u64,
    /// The HTML of each page it is published as (`Library::paged_path`).
    pub(crate) bytes: Vec<Bytes>,
}

/// A page's Markdown and HTML, with the keys they were made with.
pub(crate) struct PageOut {
    pub(crate) markdown_key: u64,
    pub(crate) rendered: Arc<Rendered>,
    pub(crate) summary: Arc<Summary>,
    /// `None`: rendered without templates (a failed build).
    pub(crate) html: Option<KeptHtml>,
}

/// A page read from a file, as loading found it.
pub(crate) enum Slot {
    /// The page the last build had at the same place (see [`PageList::holds`]).
    Same,
    /// Parsed now, or a different page than the last build's at this place.
    New(Box<Page>),
}

/// The pages read from files, in the order of their files, with what each
/// was made from: its data (a hash of the page but its file, `meta`) and
/// its file's id. `serve`'s cache keeps the last build's, so that a build
/// whose pages are the same (a text edit) copies none of them, and one
/// that changed a page's front matter copies only that page.
pub(crate) struct PageList {
    pub(crate) pages: Arc<Vec<Page>>,
    made_of: Vec<(u64, FileId)>,
}

impl PageList {
    /// Whether the page at place `n` was made from data `meta` and file `id`.
    pub(crate) fn holds(&self, n: usize, meta: u64, id: FileId) -> bool {
        self.made_of.get(n) == Some(&(meta, id))
    }

    /// The pages of this build from its `slots` (each `Same` taken from
    /// `kept`, which `Slot::Same` requires), made of `metas` and `files`.
    pub(crate) fn assemble(
        kept: Option<PageList>,
        slots: Vec<Slot>,
        metas: &[u64],
        files: Vec<FileId>,
    ) -> PageList {
        let made_of: Vec<(u64, FileId)> = if metas.len() == slots.len() {
            metas.iter().copied().zip(files).collect()
        } else {
            // Without the cache, nothing is hashed: nothing is kept either.
            Vec::new()
        };
        let pages = match kept {
            // The same places: the kept pages, with the new ones put in.
            Some(mut kept) if kept.made_of.len() == slots.len() => {
                if slots.iter().any(|s| matches!(s, Slot::New(_))) {
                    let pages = Arc::make_mut(&mut kept.pages);
                    for (n, slot) in slots.into_iter().enumerate() {
                        if let Slot::New(p) = slot {
                            pages[n] = *p;
                        }
                    }
                }
                kept.pages
            }
            kept => {
                let kept = kept.map(|k| k.pages);
                Arc::new(
                    slots
                        .into_iter()
                        .enumerate()
                        .map(|(n, slot)| match slot {
                            Slot::New(p) => *p,
                            Slot::Same => {
                                kept.as_ref().map(|k| k[n].clone()).unwrap_or_else(|| {
                                    unreachable!("a page is the same only as a kept one")
                                })
                            }
                        })
                        .collect(),
                )
            }
        };
        PageList { pages, made_of }
    }
}

/// The page index and the site model's lists (`model::Links`), by a hash
/// of every page's place (key, language, folder, address, file) and of the
/// configuration; `order`: a hash of what listings are sorted by (every
/// page's weight and title), by which the listings were sorted.
pub(crate) struct KeptModel {
    pub(crate) places: u64,
    pub(crate) order: u64,
    pub(crate) index: Arc<crate::content::PageIndex>,
    pub(crate) links: Arc<crate::model::Links>,
}

/// Each page's Markdown and HTML as the last build left them, by page in
/// that build's order, and where each page was published.
#[derive(Default)]
pub(crate) struct Outputs {
    /// A hash of the pages' places when `by_page` was ordered (see
    /// [`KeptModel`]): the same, the pages are where they were.
    places: u64,
    paths: Vec<String>,
    by_page: Vec<Option<PageOut>>,
}

impl Outputs {
    /// What is kept of each of this build's pages (`places`: a hash of
    /// their places; `paths`: where each is published).
    pub(crate) fn of(&self, places: u64, paths: &[String]) -> Vec<Option<&PageOut>> {
        if places == self.places && self.by_page.len() == paths.len() {
            return self.by_page.iter().map(Option::as_ref).collect();
        }
        let at: HashMap<&str, usize> = self
            .paths
            .iter()
            .enumerate()
            .map(|(n, p)| (p.as_str(), n))
            .collect();
        paths
            .iter()
            .map(|p| {
                at.get(p.as_str())
                    .and_then(|&n| self.by_page.get(n)?.as_ref())
            })
            .collect()
    }

    /// Keeps `made` (by page of this build) and the kept outputs of the
    /// other pages still there; forgets those of pages gone.
    pub(crate) fn update(&mut self, places: u64, paths: &[String], made: Vec<(usize, PageOut)>) {
        if places != self.places || self.by_page.len() != paths.len() {
            let mut old: HashMap<String, Option<PageOut>> = std::mem::take(&mut self.paths)
                .into_iter()
                .zip(std::mem::take(&mut self.by_page))
                .collect();
            self.by_page = paths
                .iter()
                .map(|p| old.get_mut(p.as_str()).and_then(Option::take))
                .collect();
            self.paths = paths.to_vec();
            self.places = places;
        }
        for (n, out) in made {
            if let Some(slot) = self.by_page.get_mut(n) {
                *slot = Some(out);
            }
        }
    }
}

/// What the output of the last build held, when it succeeded: each page
/// the HTML its [`PageOut`] keeps, at the places `places` (a hash, see
/// [`KeptModel`]), and the files that are not pages (`others`), `bytes` in
/// all. A build that fails leaves none.
pub(crate) struct LastOutput {
    pub(crate) places: u64,
    pub(crate) others: Vec<String>,
    pub(crate) bytes: usize,
}

/// See the module documentation.
#[derive(Default)]
pub struct Cache {
    keep: bool,
    /// Files the watcher reported changed since the last build, as shown
    /// (relative to the site root).
    changed: BTreeSet<String>,
    /// The watcher reported something the last walks did not list.
    rewalk: bool,
    walks: HashMap<&'static str, Walked>,
    /// The build that last read each file (see [`Cache::loaded`]).
    build: u64,
    /// By the path as shown (relative to the site root).
    texts: PathMap<(u64, String)>,
    /// Page files as last read, by their place in the `content/` walk
    /// `page_walk` (see [`Cache::align_pages`]): a build looks each up by
    /// its place, not by its path.
    pages: Vec<Option<(u64, PageEntry)>>,
    page_walk: Option<Arc<Vec<SourceFile>>>,
    /// What each file of the `content/` walk is (`content::classify`), by
    /// the walk (the same list, shared) and the configuration's hash.
    kinds: Option<(Arc<Vec<SourceFile>>, u64, Kinds)>,
    /// The page index and the site model's lists.
    pub(crate) model: Option<KeptModel>,
    /// What the output of the last build held, when it succeeded.
    pub(crate) last_output: Option<LastOutput>,
    /// The output `serve` handed back before this build (see
    /// [`Cache::lend_output`]).
    pub(crate) lent: Option<std::collections::BTreeMap<String, Bytes>>,
    /// The pages read from files by the last build (see [`PageList`]).
    page_list: Option<PageList>,
    pub(crate) outputs: Outputs,
    /// The compiled templates, by a hash of their texts and of what their
    /// functions read.
    templates: Option<(u64, Arc<crate::templates::Templates>)>,
    /// The sitemap's files, by a hash of every page's data and the
    /// configuration.
    pub(crate) sitemap: Option<(u64, Vec<(String, Bytes)>)>,
    /// The checks of the page set (`checks::check_page_set`), by a hash of
    /// every page's data and file.
    pub(crate) page_set_checks: Option<(u64, Vec<crate::diag::Diagnostic>)>,
}

impl Cache {
    /// A cache that keeps nothing (`build`, `check`, `facts`).
    pub fn none() -> Cache {
        Cache::default()
    }

    /// A cache that keeps what each build made, for the next (`serve`).
    pub fn new() -> Cache {
        Cache {
            keep: true,
            ..Cache::default()
        }
    }

    pub(crate) fn keeps(&self) -> bool {
        self.keep
    }

    /// Hands the last build's output (`Built::files`) back before a build:
    /// when the last build succeeded and the pages are where they were, the
    /// build puts the pages that changed into it instead of gathering every
    /// page again, and says what changed (`Built::changed`). A build that
    /// fails leaves it here, for [`Cache::take_lent`].
    pub fn lend_output(&mut self, files: std::collections::BTreeMap<String, Bytes>) {
        if self.keep {
            self.lent = Some(files);
        }
    }

    /// The output lent and not taken by a build (it failed).
    pub fn take_lent(&mut self) -> Option<std::collections::BTreeMap<String, Bytes>> {
        self.lent.take()
    }

    /// Takes the paths the watcher reported (absolute, or relative to the
    /// working folder as `root` is). Returns whether any of them is one a
    /// build may read: a path under `content/`, `templates/` or `static/`
    /// with no dot-named part (editor backups and swap files, `.git`).
    /// `plain_file` says whether a path is now a plain file (not a link, a
    /// folder or missing): the caller looks, since only `load` reads the disk.
    pub fn changed(
        &mut self,
        root: &Path,
        paths: &[PathBuf],
        plain_file: impl Fn(&Path) -> bool,
    ) -> bool {
        let mut relevant = false;
        for path in paths {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let mut parts = rel.components();
            let Some(Component::Normal(top)) = parts.next() else {
                continue;
            };
            let Some(dir) = SOURCE_DIRS.iter().find(|d| top == **d) else {
                continue;
            };
            if rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                || path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with('~'))
            {
                continue;
            }
            relevant = true;
            let shown = rel.to_string_lossy().replace('\\', "/");
            let known = self.texts.contains_key(&shown)
                || self.page_walk.as_ref().is_some_and(|w| {
                    w.iter()
                        .zip(&self.pages)
                        .any(|(f, e)| e.is_some() && *f.shown == *shown)
                });
            let is_file = plain_file(path);
            if !(known && is_file) || self.walks.get(dir).is_none_or(|w| w.linked) {
                self.rewalk = true;
            }
            if self.walks.get(dir).is_some_and(|w| w.linked) {
                // What else changed is unknown: read the folder again.
                let prefix = format!("{dir}/");
                self.texts.retain(|p, _| !p.starts_with(&prefix));
                if let Some(walk) = &self.page_walk {
                    for (f, e) in walk.iter().zip(self.pages.iter_mut()) {
                        if f.shown.starts_with(&prefix) {
                            *e = None;
                        }
                    }
                }
            }
            self.changed.insert(shown);
        }
        relevant
    }

    /// The last walk of `dir`, while it still holds.
    pub(crate) fn walk(&self, dir: &str) -> Option<&Walked> {
        if !self.keep || self.rewalk {
            return None;
        }
        self.walks.get(dir)
    }

    pub(crate) fn store_walk(&mut self, dir: &'static str, walked: Walked) {
        if self.keep {
            self.walks.insert(dir, walked);
        }
    }

    /// What each file of the `content/` walk `files` is, when classified
    /// before with the configuration `site`.
    pub(crate) fn kinds(&self, files: &Arc<Vec<SourceFile>>, site: u64) -> Option<Kinds> {
        let (walk, s, kinds) = self.kinds.as_ref()?;
        (Arc::ptr_eq(walk, files) && *s == site).then(|| Arc::clone(kinds))
    }

    pub(crate) fn store_kinds(&mut self, files: &Arc<Vec<SourceFile>>, site: u64, kinds: &Kinds) {
        if self.keep {
            self.kinds = Some((Arc::clone(files), site, Arc::clone(kinds)));
        }
    }

    /// The templates compiled for `key` by an earlier build.
    pub(crate) fn templates(&self, key: u64) -> Option<Arc<crate::templates::Templates>> {
        let (k, t) = self.templates.as_ref().filter(|_| self.keep)?;
        (*k == key).then(|| Arc::clone(t))
    }

    pub(crate) fn store_templates(&mut self, key: u64, t: &Arc<crate::templates::Templates>) {
        if self.keep {
            self.templates = Some((key, Arc::clone(t)));
        }
    }

    /// Called when a build starts reading the sources.
    pub(crate) fn reading(&mut self) {
        self.build += 1;
    }

    /// The text of `path` as last read, unless it changed since.
    pub(crate) fn text(&mut self, path: &str) -> Option<&str> {
        if self.changed.contains(path) {
            return None;
        }
        let (read, text) = self.texts.get_mut(path)?;
        *read = self.build;
        Some(text.as_str())
    }

    pub(crate) fn store_text(&mut self, path: &str, text: &str) {
        if self.keep {
            self.texts
                .insert(path.to_string(), (self.build, text.to_string()));
        }
    }

    /// The page file at `path` as last read with the same site
    /// configuration, unless it changed since (or its text is needed and
    /// was not kept).
    pub(crate) fn page(
        &mut self,
        n: usize,
        path: &str,
        site: u64,
        need_text: bool,
    ) -> Option<&PageEntry> {
        if self.changed.contains(path) {
            return None;
        }
        let (read, e) = self.pages.get_mut(n)?.as_mut()?;
        if e.site != site || (e.text.is_none() && need_text) {
            return None;
        }
        *read = self.build;
        Some(e)
    }

    /// Keeps page file `n` of the walk last given to [`Cache::align_pages`].
    pub(crate) fn store_page(&mut self, n: usize, entry: PageEntry) {
        if let Some(slot) = self.pages.get_mut(n).filter(|_| self.keep) {
            *slot = Some((self.build, entry));
        }
    }

    /// Puts the kept page files at their places in `walk`, when it is not
    /// the walk they are placed by (files were added, removed or renamed).
    pub(crate) fn align_pages(&mut self, walk: &Arc<Vec<SourceFile>>) {
        if !self.keep
            || self
                .page_walk
                .as_ref()
                .is_some_and(|w| Arc::ptr_eq(w, walk))
        {
            return;
        }
        let mut old: HashMap<
            Arc<str>,
            (u64, PageEntry),
            std::hash::BuildHasherDefault<PathHasher>,
        > = match self.page_walk.take() {
            Some(w) => w
                .iter()
                .zip(std::mem::take(&mut self.pages))
                .filter_map(|(f, e)| Some((Arc::clone(&f.shown), e?)))
                .collect(),
            None => HashMap::default(),
        };
        self.pages = walk.iter().map(|f| old.remove(&f.shown)).collect();
        self.page_walk = Some(Arc::clone(walk));
    }

    /// The pages the last build read from files (taken: the build puts
    /// back its own).
    pub(crate) fn take_page_list(&mut self) -> Option<PageList> {
        self.page_list.take()
    }

    pub(crate) fn store_page_list(&mut self, list: PageList) {
        if self.keep {
            self.page_list = Some(list);
        }
    }

    /// Called when a build has read the sources: the reported changes are
    /// taken into account; files this build did not read are forgotten.
    pub(crate) fn loaded(&mut self) {
        self.changed.clear();
        self.rewalk = false;
        let build = self.build;
        self.texts.retain(|_, (read, _)| *read == build);
        for e in &mut self.pages {
            if e.as_ref().is_some_and(|(read, _)| *read != build) {
                *e = None;
            }
        }
    }
}

/// Points a kept diagnostic at the file's id in this build.
pub(crate) fn refile(mut d: Diagnostic, id: FileId) -> Diagnostic {
    if d.file.is_some() {
        d.file = Some(id);
    }
    d
}
