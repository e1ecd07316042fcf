//! The build's orchestration: load the site root (`load`), build the site
//! model, run one worker per page in parallel (its Markdown, its template
//! through `render::Renderer`, and for `build` its file in the staging
//! folder), then the checks across pages (`checks`, from small per-page
//! summaries), the facts register and the other output files; either keep
//! the output in memory (`generate`: check, facts, serve) or swap the
//! staging folder in with `output::Staging` (`build`).

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{Bytes, Cache, KeptHtml, PageOut};
use crate::checker;
use crate::checks::{self, Summary};
use crate::config;
use crate::content::{Page, PageIndex};
use crate::context::Scripts;
use crate::diag::{self, Diagnostic, Sources};
use crate::headers;
use crate::load::{self, Loaded, load};
use crate::markdown;
use crate::model::{Library, PAGE_SIZE};
use crate::output;
use crate::precompress;
use crate::procedures;
use crate::register::{self, Register};
use crate::render::{CheckerOut, Renderer, checker_out};
use crate::translate::{self, LanguageStatus, PageCut, catalog::Catalog, glossary::Glossary};

pub use crate::policy::CSP;

/// The staff page listing every fact (not linked, not in the sitemap, noindex).
pub const FACTS_PAGE: &str = "staff/facts/index.html";

/// The staff page of the translations' status (not linked, not in the
/// sitemap, noindex).
pub const TRANSLATIONS_PAGE: &str = "staff/translations/index.html";

/// Path of the live-reload script the dev server injects.
pub const LIVERELOAD_JS: &str = "__livereload.js";

pub use crate::options::Options;

/// A successful build: the output files (see `output_files`) and anything
/// worth a warning.
pub struct Built {
    /// Every output file kept in memory: all of them for [`generate`];
    /// none for [`crate::build`], which writes them to disk.
    pub files: BTreeMap<String, Bytes>,
    /// With `serve`'s cache: the files that differ from the output lent
    /// to it before the build ([`Cache::lend_output`]), with their new
    /// bytes (`None`: gone); otherwise empty.
    pub changed: Changes,
    /// Pages whose Markdown or template ran (the others came from `serve`'s
    /// cache).
    pub rendered: usize,
    pub sources: Sources,
    pub warnings: Vec<Diagnostic>,
    pub pages: usize,
    pub languages: usize,
    /// Every fact, its sources and where it is used (`site-gen facts`).
    pub register: Register,
    /// The files and bytes of the whole output (written to disk by
    /// [`crate::build`], where `files` holds only what is not a page), and of
    /// these the precompressed copies (`.br`, `.gz`).
    pub output_files: usize,
    pub output_bytes: usize,
    pub precompressed_files: usize,
    pub precompressed_bytes: usize,
}

/// Output files that changed, with their new bytes (`None`: gone), by path.
pub type Changes = Vec<(String, Option<Bytes>)>;

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

/// Builds the site in memory (`check`, `facts`, `serve`): `files` holds
/// every output file. Every error of the build is in `Failed`.
pub fn generate(opts: &Options) -> Result<Built, Failed> {
    generate_to(opts, None, &mut Cache::none())
}

/// [`generate`] with `serve`'s cache: the same steps, each skipped where
/// the cache holds its result for the same inputs (see [`crate::cache`]).
pub fn generate_cached(opts: &Options, cache: &mut Cache) -> Result<Built, Failed> {
    generate_to(opts, None, cache)
}

/// Errors caused by a file that is already reported broken are left out:
/// "unknown fact" of a data file that did not load.
pub(crate) fn follow_on(broken_data: &BTreeSet<String>, d: &Diagnostic) -> bool {
    match d.kind_of() {
        diag::Kind::UnknownFact(key) => key
            .match_indices('.')
            .any(|(i, _)| broken_data.contains(&key[..i])),
        _ => false,
    }
}

/// The checks of the page set made once every page is loaded: duplicate
/// addresses, home pages, originals, `translated_from`.
pub(crate) fn check_pages(
    site: &config::SiteConfig,
    pages: &[Page],
    index: &PageIndex,
    unparsed: &BTreeSet<String>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    checks::check_page_set(site, pages, index, unparsed, sources, diags);
}

/// What a page's Markdown is rendered with: the rest of the site.
pub(crate) struct MarkdownInputs<'a> {
    pub(crate) site: &'a config::SiteConfig,
    pub(crate) facts: &'a crate::data::Facts,
    pub(crate) i18n: &'a BTreeMap<String, config::I18n>,
    /// A language whose strings are broken still gets its pages checked,
    /// with the default language's formats (nothing is written then).
    pub(crate) fallback_i18n: &'a config::I18n,
    pub(crate) pages: &'a [Page],
    pub(crate) index: &'a PageIndex,
    pub(crate) unparsed: &'a BTreeSet<String>,
    pub(crate) sources: &'a Sources,
    pub(crate) glossary: &'a Glossary,
    /// Each translated language's catalog: its pages are the default
    /// language's, translated.
    pub(crate) catalogs: &'a BTreeMap<String, Arc<Catalog>>,
    /// Each default-language page's body cut for the catalogs, by page
    /// number (`translate::status::page_cuts`): every language's page
    /// uses its original's.
    pub(crate) cuts: &'a [Option<PageCut>],
}

impl MarkdownInputs<'_> {
    /// Markdown of one page, rendered where it is used (in the worker that
    /// renders and writes the page, which reads the page's text again), so
    /// only the pages being rendered hold their text and HTML at any
    /// moment. The text comes back with the rendering.
    pub(crate) fn render(&self, p: &Page) -> Result<(markdown::Rendered, String), Diagnostic> {
        let site = self.site;
        let ctx = markdown::Ctx {
            site,
            facts: self.facts,
            i18n: self.i18n.get(&p.lang).unwrap_or(self.fallback_i18n),
            pages: self.pages,
            index: self.index,
            unparsed: self.unparsed,
            glossary: self.glossary,
        };
        let text = load::read_again(self.sources, p.file)?;
        let Some(catalog) = self.catalogs.get(&p.lang).filter(|_| p.from_catalog) else {
            let rendered = markdown::render(&ctx, p, &text);
            return Ok((rendered, text));
        };
        // An outdated run is followed by its current original, rendered
        // as the original page renders it (its facts, its links).
        let source_i18n = self
            .i18n
            .get(&site.default_language)
            .unwrap_or(self.fallback_i18n);
        let source_lang = site
            .language(&site.default_language)
            .map_or(site.default_language.as_str(), |l| l.html_lang());
        let source_ctx = markdown::Ctx {
            i18n: source_i18n,
            ..ctx
        };
        let mut source_page = p.clone();
        source_page.lang = site.default_language.clone();
        source_page.body_offset = 0;
        source_page.from_catalog = false;
        let label = markdown::escape_attr(
            ctx.i18n
                .strings
                .get("translation_outdated")
                .map_or("", String::as_str),
        );
        let note = |m: &translate::blocks::Mark| {
            let original = markdown::render(&source_ctx, &source_page, &m.source);
            format!(
                "<details class=\"i18n-outdated\"><summary>{label}</summary><div lang=\"{source_lang}\">{}</div></details>",
                original.html
            )
        };
        // The page's messages are its original's title and description
        // (this page's front matter is already translated) and its runs.
        let original = self.index.get(&p.key, &site.default_language);
        // The original's cut, when it is of this very text: the same file
        // and body, held since loading (a text read again from the disk
        // is cut again).
        let cut = original
            .filter(|&o| {
                let o = &self.pages[o];
                o.file == p.file
                    && o.body_offset == p.body_offset
                    && self.sources.released(p.file).is_none()
            })
            .and_then(|o| self.cuts.get(o)?.as_ref());
        let original = original.map_or(&p.front, |o| &self.pages[o].front);
        let rendered = markdown::render_translated(
            &ctx,
            p,
            &text,
            original,
            (catalog, cut),
            source_lang,
            &note,
        );
        Ok((rendered, text))
    }
}

/// The interface strings used when a page's own language has none.
pub(crate) fn fallback_i18n<'a>(
    site: &config::SiteConfig,
    i18n: &'a BTreeMap<String, config::I18n>,
) -> Option<&'a config::I18n> {
    i18n.get(&site.default_language)
        .or_else(|| i18n.values().next())
}

/// Where each fact is referred to, by fact key.
pub(crate) type FactUses = Vec<(String, register::Use)>;

/// The facts each procedure refers to, and where (listed in the register
/// after the pages' uses).
pub(crate) fn procedure_facts(
    procedures: &BTreeMap<String, procedures::Loaded>,
    sources: &Sources,
) -> (BTreeMap<String, Vec<String>>, FactUses) {
    let mut procedure_uses: Vec<(String, register::Use)> = Vec::new();
    let procedure_facts = procedures
        .iter()
        .map(|(id, loaded)| {
            let refs = madoguchi_rules::fact_references(&loaded.procedure);
            for (key, span) in &refs {
                procedure_uses.push((
                    key.clone(),
                    register::Use {
                        file: loaded.file,
                        span: span.clone().unwrap_or(0..0),
                        line: sources
                            .line_col(loaded.file, span.as_ref().map_or(0, |s| s.start))
                            .0,
                    },
                ));
            }
            (id.clone(), refs.into_iter().map(|(key, _)| key).collect())
        })
        .collect();
    (procedure_facts, procedure_uses)
}

/// The checker's scripts (boot module, JS glue, wasm) when a page embeds a
/// checker and trunk's output is given; their files go into `files`. The
/// `bool` is `true` while the checker is being built (`serve` only, see
/// [`Options::checker_may_wait`]).
pub(crate) fn checker_scripts(
    opts: &Options,
    site: &config::SiteConfig,
    any_checker: bool,
    files: &mut BTreeMap<String, Bytes>,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Scripts>, bool) {
    let Some(dist) = opts.checker_dist.as_ref().filter(|_| any_checker) else {
        return (None, false);
    };
    if opts.checker_may_wait && !checker::bundle_present(dist) {
        return (None, true);
    }
    let scripts = match checker::load_bundle(dist) {
        Ok(bundle) => {
            let boot = checker::boot_module(&bundle);
            let boot_name = output::asset_name("boot.js", boot.as_bytes());
            let base = format!("{}{}/", site.base_path(), checker::DIR);
            let scripts = Scripts {
                boot: format!("{base}{boot_name}"),
                boot_integrity: checker::integrity(boot.as_bytes()),
                glue: format!("{base}{}", bundle.glue.0),
                glue_integrity: checker::integrity(&bundle.glue.1),
                wasm: format!("{base}{}", bundle.wasm.0),
                wasm_integrity: checker::integrity(&bundle.wasm.1),
            };
            files.insert(
                format!("{}/{boot_name}", checker::DIR),
                boot.into_bytes().into(),
            );
            files.insert(
                format!("{}/{}", checker::DIR, bundle.glue.0),
                bundle.glue.1.into(),
            );
            files.insert(
                format!("{}/{}", checker::DIR, bundle.wasm.0),
                bundle.wasm.1.into(),
            );
            Some(scripts)
        }
        Err(d) => {
            diags.push(d);
            None
        }
    };
    (scripts, false)
}

pub(crate) type Checkers = BTreeMap<(String, String), Result<CheckerOut, Diagnostic>>;

/// Where each procedure's checker is, per (language, procedure): the
/// first page embedding it.
pub(crate) fn checker_urls(pages: &[Page], urls: &[String]) -> BTreeMap<(String, String), String> {
    let mut checker_urls: BTreeMap<(String, String), String> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(id) = &p.front.checker {
            checker_urls
                .entry((p.lang.clone(), id.clone()))
                .or_insert_with(|| urls[i].clone());
        }
    }
    checker_urls
}

/// What a checker is made from besides its procedure.
pub(crate) struct CheckerInputs<'a> {
    pub(crate) site: &'a config::SiteConfig,
    pub(crate) procedures: &'a BTreeMap<String, procedures::Loaded>,
    pub(crate) i18n: &'a BTreeMap<String, config::I18n>,
    pub(crate) core_facts: &'a madoguchi_rules::Facts,
    pub(crate) catalogs: &'a BTreeMap<String, Arc<Catalog>>,
}

/// Checker data and its server render, once per (procedure, language)
/// that a page embeds.
pub(crate) fn checkers(
    c: &CheckerInputs<'_>,
    pages: &[Page],
    checker_urls: &BTreeMap<(String, String), String>,
) -> Checkers {
    let CheckerInputs {
        site,
        procedures,
        i18n,
        core_facts,
        catalogs,
    } = *c;
    let pairs: BTreeSet<(String, String)> = pages
        .iter()
        .filter_map(|p| Some((p.front.checker.clone()?, p.lang.clone())))
        .filter(|(id, _)| procedures.contains_key(id))
        .collect();
    // Where each procedure's checker is, per language: a redirect
    // outcome links there (the page's language, else the default's).
    let urls_for = |lang: &str| -> BTreeMap<String, String> {
        procedures
            .keys()
            .filter_map(|id| {
                let url = checker_urls
                    .get(&(lang.to_string(), id.clone()))
                    .or_else(|| checker_urls.get(&(site.default_language.clone(), id.clone())))?;
                Some((id.clone(), url.clone()))
            })
            .collect()
    };
    pairs
        .into_par_iter()
        .map(|(id, lang)| {
            let original = &procedures[&id].procedure;
            // Each page carries its own language (and the default
            // language, for the form and as the fallback), no other.
            let translated = catalogs
                .get(&lang)
                .map(|c| translate::procedure_for(original, c));
            let out = checker_out(
                translated.as_ref().unwrap_or(original),
                core_facts,
                &id,
                &lang,
                i18n,
                &urls_for(&lang),
                site,
            );
            ((id, lang), out)
        })
        .collect()
}

/// One page's worker's result.
struct PageDone {
    summary: Arc<Summary>,
    /// With templates: the page's HTML by output path, more than one for a
    /// long listing (kept in memory; none when written to the staging
    /// folder, or left out for an error), or why its template failed.
    page: Option<Result<Vec<(String, Bytes)>, Diagnostic>>,
    /// Whether its Markdown or its template ran.
    ran: bool,
    /// What `serve`'s cache keeps of it.
    kept: Option<PageOut>,
}

/// The `pages` pages of a catalog language whose catalog could not be
/// opened again (`d` says why): none is rendered, and the error is told
/// once, by the first, not once a page.
fn unopened(d: Diagnostic, pages: usize) -> impl Iterator<Item = PageDone> {
    let mut d = Some(d);
    (0..pages).map(move |_| PageDone {
        summary: Arc::new(d.take().map_or_else(Summary::default, Summary::failed)),
        page: None,
        ran: true,
        kept: None,
    })
}

/// Page `i`'s HTML (of each page it is published as) from `serve`'s cache
/// when its keys match, else
/// rendered: `fast` is compared first; when it differs, the context is
/// built and compared whole, and only a page whose context changed is
/// rendered. Built for tests (`debug_assertions`), a page kept by `fast`
/// is checked against its whole context too: a read missing from
/// [`Renderer::page_reads`] fails there instead of serving a stale page.
fn kept_html(
    prev: Option<&PageOut>,
    (fast, base): (u64, u64),
    rendered: &markdown::Rendered,
    i: usize,
    r: &Renderer<'_>,
    ran: &mut bool,
) -> Result<(Vec<Bytes>, u64), Diagnostic> {
    let prev = prev.and_then(|o| o.html.as_ref());
    if let Some(k) = prev.filter(|k| k.fast == fast)
        && !cfg!(debug_assertions)
    {
        return Ok((k.bytes.clone(), k.exact));
    }
    let mut ctxs = Vec::new();
    let mut exact = base;
    for n in 1..=r.lib.pager_count(i) {
        let (template, mut ctx) = r.page_ctx(i, rendered, n)?;
        ctx.page.content = "";
        exact = crate::cache::hash_of((exact, &template, crate::cache::hash_json(&ctx)));
        ctx.page.content = &rendered.html;
        ctxs.push((template, ctx));
    }
    if let Some(k) = prev.filter(|k| k.fast == fast) {
        assert_eq!(
            k.exact, exact,
            "serve's cache kept page {i} though its template context changed: \
             Renderer::page_reads misses what the context reads"
        );
    }
    if let Some(k) = prev.filter(|k| k.exact == exact) {
        return Ok((k.bytes.clone(), exact));
    }
    *ran = true;
    let html = ctxs
        .iter()
        .map(|(template, ctx)| Ok(Bytes::from(r.render_page(template, ctx)?.into_bytes())))
        .collect::<Result<_, Diagnostic>>()?;
    Ok((html, exact))
}

/// The keys of `serve`'s cache: what pages read besides their own file,
/// hashed once per build.
struct PageKeys {
    /// The facts (read by a page whose Markdown runs a shortcode, by a
    /// catalog's page and by a checker's page).
    facts: u64,
    /// The site configuration, glossary, procedures, the page set
    /// (every page's address and file, and the pages that did not parse),
    /// the default language's interface strings.
    global: u64,
    /// Each language's interface strings.
    i18n: BTreeMap<String, u64>,
    catalogs: BTreeMap<String, u64>,
    /// Each page's own data (front matter, address, language).
    pages: Vec<u64>,
    /// What every page's template reads: the templates and their
    /// functions' data, the checker's scripts, the dev server's script.
    templates: u64,
}

impl PageKeys {
    fn new(
        site: &config::SiteConfig,
        i18n: &BTreeMap<String, config::I18n>,
        data: (
            &Glossary,
            &crate::data::Facts,
            &BTreeMap<String, procedures::Loaded>,
        ),
        catalogs: &BTreeMap<String, Arc<Catalog>>,
        page_set: (&[Page], &BTreeSet<String>, &[u64]),
        templates: (u64, Option<&Scripts>, Option<&str>, bool),
    ) -> PageKeys {
        let (pages, unparsed, metas) = page_set;
        use crate::cache::{hash_debug, hash_of};
        let (glossary, facts, procedures) = data;
        let page_set = hash_of(
            pages
                .iter()
                .map(|p| (&p.key, &p.lang, &p.rel_url, p.from_catalog, p.file))
                .collect::<Vec<_>>(),
        );
        let default = i18n.get(&site.default_language).map(hash_of);
        let (templates, scripts, livereload, building) = templates;
        let catalog_hashes: BTreeMap<String, u64> = catalogs
            .iter()
            .map(|(l, c)| (l.clone(), hash_debug(&**c)))
            .collect();
        let by_file: BTreeMap<usize, u64> =
            pages.iter().zip(metas).map(|(p, &m)| (p.file, m)).collect();
        PageKeys {
            facts: hash_debug(facts),
            global: hash_of((
                hash_debug(site),
                hash_debug(glossary),
                hash_debug(
                    &procedures
                        .iter()
                        .map(|(id, l)| (id, &l.procedure))
                        .collect::<Vec<_>>(),
                ),
                page_set,
                unparsed,
                default,
            )),
            i18n: i18n.iter().map(|(l, s)| (l.clone(), hash_of(s))).collect(),
            catalogs: catalog_hashes.clone(),
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, p)| match metas.get(i) {
                    Some(&m) => m,
                    // A catalog's page: its original's, translated.
                    None => hash_of((by_file.get(&p.file), &p.lang, catalog_hashes.get(&p.lang))),
                })
                .collect(),
            templates: hash_of((
                templates,
                scripts.map(|s| (&s.boot, &s.glue, &s.wasm)),
                livereload,
                building,
            )),
        }
    }

    /// The key of page `i`'s Markdown: the page, its file's text and what
    /// `markdown::render` reads besides; `facts`: whether its rendering
    /// from this text ran a shortcode.
    fn markdown(&self, i: usize, p: &Page, sources: &Sources, facts: bool) -> u64 {
        crate::cache::hash_of((
            (facts || p.from_catalog).then_some(self.facts),
            self.global,
            self.i18n.get(&p.lang),
            p.from_catalog.then(|| self.catalogs.get(&p.lang)),
            sources.print(p.file),
            self.pages[i],
        ))
    }

    /// The fast key of page `i`'s HTML (see [`KeptHtml::fast`]).
    fn html(&self, i: usize, markdown: u64, r: &Renderer<'_>) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        (markdown, self.templates, r.checker_print(i)).hash(&mut h);
        if r.lib.pages[i].front.checker.is_some() {
            self.facts.hash(&mut h);
        }
        for j in r.page_reads(i) {
            (j, self.pages[j]).hash(&mut h);
        }
        h.finish()
    }
}

/// What the steps after the pages need: everything but the pages' HTML.
pub(crate) struct Finish<'a> {
    pub(crate) opts: &'a Options,
    pub(crate) site: &'a config::SiteConfig,
    pub(crate) i18n: &'a BTreeMap<String, config::I18n>,
    pub(crate) facts: &'a crate::data::Facts,
    pub(crate) sources: &'a Sources,
    pub(crate) pages: &'a [Page],
    /// Where each page is published ([`crate::model::page_path`]), and the further pages
    /// of long listings ([`Library::paged_paths`]).
    pub(crate) page_paths: &'a [String],
    pub(crate) renderer: Option<&'a Renderer<'a>>,
    pub(crate) assets: &'a BTreeMap<String, (String, Vec<u8>)>,
    pub(crate) broken_data: &'a BTreeSet<String>,
    /// The sitemap's files of the previous run, when no page appeared, went
    /// or changed its front matter since (`serve` after a text edit).
    pub(crate) sitemap: Option<&'a [(String, Bytes)]>,
    /// How far each catalog language is translated (the staff page).
    pub(crate) translation_status: &'a [LanguageStatus],
}

/// The outcome of the steps after the pages.
pub(crate) struct Finished {
    pub(crate) errors: Vec<Diagnostic>,
    /// Sorted.
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) register: Register,
    /// The sitemap's files (also in the output), for the cache.
    pub(crate) sitemap: Vec<(String, Bytes)>,
}

impl Finish<'_> {
    /// The checks across pages (from the pages' summaries), the facts
    /// register, the chooser, 404, staff page, sitemap, robots.txt and
    /// static files (into `files`, which holds every output that is not a
    /// page); `diags` are the problems found so far.
    pub(crate) fn run(
        &self,
        summaries: &[Arc<Summary>],
        page_errors: Vec<Diagnostic>,
        procedure_uses: Vec<(String, register::Use)>,
        mut diags: Vec<Diagnostic>,
        files: &mut BTreeMap<String, Bytes>,
    ) -> Finished {
        let (site, pages, sources) = (self.site, self.pages, self.sources);
        let mut warnings = Vec::new();
        let mut sitemap = Vec::new();
        // Checks across pages, from the summaries: each page's own problems,
        // `@/…#anchor` links, and where each fact is used.
        for s in summaries {
            diags.extend(s.diags.iter().cloned());
        }
        checks::check_anchors(pages, summaries, &mut diags);
        diags.extend(page_errors);
        let uses = checks::fact_uses(pages, summaries, procedure_uses);
        let default_i18n = self
            .i18n
            .get(&site.default_language)
            .or(self.i18n.values().next());
        let (register, register_warnings) = match default_i18n {
            Some(d) => register::build(
                self.facts,
                &uses,
                sources,
                (&site.default_language, d),
                self.opts.today,
                site.recheck_after_days,
            ),
            None => (
                Register {
                    today: self.opts.today.iso(),
                    recheck_after_days: site.recheck_after_days,
                    facts: Vec::new(),
                },
                Vec::new(),
            ),
        };
        warnings.extend(register_warnings);

        if let Some(r) = self.renderer {
            diags.extend(r.listing_clashes());
            for (path, res) in [
                ("index.html".to_string(), r.chooser()),
                ("404.html".to_string(), r.not_found()),
            ] {
                match res {
                    Ok(html) => {
                        files.insert(path, html.into_bytes().into());
                    }
                    Err(d) => diags.push(d),
                }
            }
            match r.facts_page(&register) {
                Ok(html) => {
                    files.insert(FACTS_PAGE.into(), html.into_bytes().into());
                }
                Err(d) => diags.push(d),
            }
            sitemap = match self.sitemap {
                Some(kept) => kept.to_vec(),
                None => r
                    .sitemaps()
                    .into_iter()
                    .map(|(name, xml)| (name, Bytes::new(xml.into_bytes())))
                    .collect(),
            };
            if !self.translation_status.is_empty() {
                match r.translations_page(self.translation_status) {
                    Ok(html) => {
                        files.insert(TRANSLATIONS_PAGE.into(), html.into_bytes().into());
                    }
                    Err(d) => diags.push(d),
                }
            }
            for (name, bytes) in &sitemap {
                files.insert(name.clone(), Arc::clone(bytes));
            }
            files.insert(
                "robots.txt".into(),
                format!(
                    "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
                    site.base_url
                )
                .into_bytes()
                .into(),
            );
            warnings.extend(r.outdated_translations());
            warnings.extend(crate::translate::status::status_warnings(
                self.translation_status,
            ));
        }
        if self.opts.livereload {
            files.insert(
                LIVERELOAD_JS.into(),
                Bytes::new(include_bytes!("../templates/livereload.js").to_vec()),
            );
        }
        // A static file may not replace a generated one (nor another static file).
        let pages_out: std::collections::HashSet<&str> = if self.assets.is_empty() {
            Default::default()
        } else {
            self.page_paths.iter().map(String::as_str).collect()
        };
        let generated: BTreeSet<String> = std::iter::empty()
            .chain(
                [
                    "index.html",
                    "404.html",
                    "sitemap.xml",
                    "robots.txt",
                    headers::HEADERS_FILE,
                    crate::offline::WORKER,
                    FACTS_PAGE,
                    TRANSLATIONS_PAGE,
                ]
                .into_iter()
                .map(String::from),
            )
            .chain(files.keys().cloned())
            .collect();
        let mut from_static: BTreeMap<&str, &str> = BTreeMap::new();
        for (rel, (out, bytes)) in self.assets {
            let clash = if generated.contains(out) || pages_out.contains(out.as_str()) {
                Some(format!("the generated `{out}`"))
            } else if out.starts_with(&format!("{}/", checker::DIR)) {
                Some(format!("the checker's folder `{}/`", checker::DIR))
            } else if precompress::is_copy_name(out) {
                Some(format!(
                    "the precompressed copy `{out}` that `build` writes"
                ))
            } else {
                from_static
                    .get(out.as_str())
                    .map(|other| format!("`static/{other}`, published as `{out}`"))
            };
            if let Some(clash) = clash {
                diags.push(
                    Diagnostic::error(format!("`static/{rel}` would replace {clash}"))
                        .help("rename or remove the static file: generated pages, the sitemap and robots.txt come from content/"),
                );
                continue;
            }
            from_static.insert(out, rel);
            files.insert(out.clone(), Bytes::new(bytes.to_vec()));
        }
        // Offline once visited: the service worker keeps the static files
        // and the checker's (all fingerprinted but the favicon) with each
        // page a reader opens; under serve, one that removes itself.
        let base_path = site.base_path();
        if self.opts.livereload {
            files.insert(
                crate::offline::WORKER.into(),
                Bytes::new(crate::offline::dev_worker().to_vec()),
            );
        } else {
            let register_js = crate::offline::register_path();
            files.insert(
                register_js.clone(),
                Bytes::new(crate::offline::register_js().to_vec()),
            );
            let checker_dir = format!("{}/", checker::DIR);
            let worker = crate::offline::worker(
                &base_path,
                files
                    .keys()
                    .filter(|p| p.starts_with(&checker_dir))
                    .chain(self.assets.values().map(|(out, _)| out))
                    .chain([&register_js])
                    .map(String::as_str),
            );
            files.insert(crate::offline::WORKER.into(), worker.into_bytes().into());
        }
        // The response headers hosts are asked for (`_headers`): immutable
        // for what site-gen fingerprinted and the checker's hashed files.
        let fingerprinted: BTreeSet<&str> = self
            .assets
            .iter()
            .filter(|(rel, (out, _))| *rel != out)
            .map(|(_, (out, _))| out.as_str())
            .collect();
        let checker_dir = format!("{}/", checker::DIR);
        let register_js = crate::offline::register_path();
        let rules = headers::Rules::for_output(
            self.page_paths
                .iter()
                .chain(files.keys())
                .map(String::as_str),
            |p| {
                fingerprinted.contains(p)
                    || *p == register_js
                    || (p.starts_with(&checker_dir) && output::hashed_name(p))
            },
            site.base_url.starts_with("https://"),
            &base_path,
        );
        files.insert(
            headers::HEADERS_FILE.into(),
            rules.to_text().into_bytes().into(),
        );

        let (errors, warns): (Vec<_>, Vec<_>) = diags
            .into_iter()
            .filter(|d| !follow_on(self.broken_data, d))
            .partition(Diagnostic::is_error);
        warnings.extend(warns);
        diag::sort(&mut warnings);
        Finished {
            errors,
            warnings,
            register,
            sitemap,
        }
    }
}

/// The build. With `out`, pages are written by the rendering workers into
/// a staging folder that replaces `out` only if every page rendered and
/// every file was written; `files` then holds only what is not a page.
pub(crate) fn generate_to(
    opts: &Options,
    out: Option<&Path>,
    cache: &mut Cache,
) -> Result<Built, Failed> {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    // Taken: only a build that succeeds says what its output holds.
    let last_output = cache.last_output.take();
    let loaded = load(opts, cache, &mut sources, &mut diags);
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
        catalogs,
        source_i18n: _,
        glossary_file,
        glossary,
        templates_print,
        page_metas,
        site_print,
    } = loaded;
    // Each default-language page cut into its runs once, for the status
    // and every catalog language's page.
    let (translation_status, cuts) = crate::translate::status::status_of(
        &site,
        &pages,
        &procedures,
        i18n.get(&site.default_language),
        (&facts, glossary_file.as_ref().map(|(_, g)| g)),
        &catalogs,
        &sources,
    );
    // The page index and the site model's lists read the pages' places
    // (and, for the order of listings, their weights and titles) and the
    // configuration: kept by serve's cache while those are the same.
    let model_keys = cache.keeps().then(|| {
        let mut places = std::hash::DefaultHasher::new();
        let mut order = std::hash::DefaultHasher::new();
        for p in pages.iter() {
            // Its folder and address are made from its key.
            (&p.key, &p.lang, p.from_catalog, p.file).hash(&mut places);
            (p.front.weight, &p.front.title).hash(&mut order);
        }
        (
            crate::cache::hash_of((places.finish(), site_print)),
            order.finish(),
        )
    });
    let kept_model = cache
        .model
        .take()
        .filter(|m| model_keys.is_some_and(|(places, _)| m.places == places));
    let (index, kept_links) = match kept_model {
        Some(m) => {
            let mut links = m.links;
            if model_keys.is_some_and(|(_, order)| m.order != order) {
                Arc::make_mut(&mut links).sort_children(&pages);
            }
            (m.index, Some(links))
        }
        None => (Arc::new(PageIndex::new(&pages)), None),
    };
    // The checks of the page set read only the pages' data and files: kept
    // by serve's cache while those are the same (pages from catalogs, whose
    // data also comes from the catalogs, are checked every time).
    let page_set_key = (cache.keeps() && !pages.iter().any(|p| p.from_catalog)).then(|| {
        crate::cache::hash_of((
            site_print,
            &page_metas,
            pages.iter().map(|p| p.file).collect::<Vec<_>>(),
            &unparsed,
        ))
    });
    match cache
        .page_set_checks
        .as_ref()
        .filter(|(k, _)| page_set_key == Some(*k))
    {
        Some((_, found)) => diags.extend(found.iter().cloned()),
        None => {
            let before = diags.len();
            check_pages(&site, &pages, &index, &unparsed, &sources, &mut diags);
            if let Some(key) = page_set_key {
                cache.page_set_checks = Some((key, diags[before..].to_vec()));
            }
        }
    }
    let Some(fallback_i18n) = fallback_i18n(&site, &i18n) else {
        diags.retain(|d| !follow_on(&broken_data, d));
        return Err(finish_failed(sources, diags));
    };
    let markdown = MarkdownInputs {
        site: &site,
        facts: &facts,
        i18n: &i18n,
        fallback_i18n,
        pages: &pages,
        index: &index,
        unparsed: &unparsed,
        sources: &sources,
        glossary: &glossary,
        catalogs: &catalogs,
        cuts: &cuts,
    };
    let (procedure_facts, procedure_uses) = procedure_facts(&procedures, &sources);

    let mut files = BTreeMap::new();
    let core_facts = facts.core();
    let any_checker = pages.iter().any(|p| p.front.checker.is_some());
    let (scripts, checker_building) =
        checker_scripts(opts, &site, any_checker, &mut files, &mut diags);
    // Building to disk: a staging folder next to `out`, made only when
    // loading found nothing wrong (an invalid site writes nothing at all)
    // and deleted unless every file is written and swapped in. Pages whose
    // Markdown has an error are not written; the error deletes the folder.
    let staging = match out {
        Some(out)
            if templates.is_some()
                && i18n_complete
                && !diags
                    .iter()
                    .any(|d| d.is_error() && !follow_on(&broken_data, d)) =>
        {
            match output::Staging::new(out, opts.precompress) {
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
    let offline =
        (!opts.livereload).then(|| format!("{base_path}{}", crate::offline::register_path()));
    let lib = match kept_links {
        Some(links) => Library::with_links(&site, &pages, &index, links),
        None => Library::new(&site, &pages, &index),
    };
    if let Some((places, order)) = model_keys {
        cache.model = Some(crate::cache::KeptModel {
            places,
            order,
            index: Arc::clone(&index),
            links: Arc::clone(lib.links()),
        });
    }
    let checkers = if templates.is_some() && i18n_complete {
        let inputs = CheckerInputs {
            site: &site,
            procedures: &procedures,
            i18n: &i18n,
            core_facts: &core_facts,
            catalogs: &catalogs,
        };
        checkers(&inputs, &pages, &checker_urls(&pages, &lib.urls))
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
            livereload: livereload.as_deref(),
            offline: offline.as_deref(),
            base_path: &base_path,
            procedure_facts: &procedure_facts,
            facts: &facts,
            checkers: &checkers,
            scripts: scripts.as_ref(),
            procedures: &procedures,
            catalogs: &catalogs,
            checker_building,
        });

    // Each page, in parallel: its Markdown, then (with templates) its
    // template, then (building to disk) its file in the staging folder;
    // otherwise pages stay in memory (serve, check). What the checks across
    // pages need is kept as a small summary; results stay in page order.
    // With `serve`'s cache, a page's Markdown and HTML are taken from the
    // last build when what they read is the same (see `crate::cache`).
    let keys = cache.keeps().then(|| {
        PageKeys::new(
            &site,
            &i18n,
            (&glossary, &facts, &procedures),
            &catalogs,
            (&pages, &unparsed, &page_metas),
            (
                templates_print,
                scripts.as_ref(),
                livereload.as_deref(),
                checker_building,
            ),
        )
    });
    let page_paths: &[String] = &lib.paths;
    // The last build's outputs of these pages, by page.
    let places = model_keys.map_or(0, |(places, _)| places);
    let outputs = match keys {
        Some(_) => cache.outputs.of(places, page_paths),
        None => Vec::new(),
    };
    // The output the last build handed to `serve`, lent back (see
    // `Cache::lend_output`): when the pages are where they were, only the
    // pages that changed are handed over, and put into it.
    let patching = keys.is_some()
        && last_output.as_ref().is_some_and(|o| o.places == places)
        && cache.lent.is_some();
    // The pages of `range`, their Markdown rendered with `markdown`.
    let render_range = |range: std::ops::Range<usize>,
                        markdown: &MarkdownInputs<'_>|
     -> Vec<PageDone> {
        pages[range.clone()]
            .par_iter()
            .enumerate()
            .map(|(k, p)| {
                let i = range.start + k;
                let path = &page_paths[i];
                let prev = outputs.get(i).copied().flatten();
                // Whether the page's Markdown runs a shortcode is known from
                // its last rendering: the same text runs the same ones.
                let reads_facts = prev.is_some_and(|o| o.rendered.reads_facts);
                let markdown_key = keys
                    .as_ref()
                    .map_or(0, |k| k.markdown(i, p, &sources, reads_facts));
                let kept_md = prev.filter(|o| o.markdown_key == markdown_key);
                let mut ran = false;
                let (rendered, text) = match kept_md {
                    Some(o) => (Arc::clone(&o.rendered), None),
                    None => match markdown.render(p) {
                        Ok((r, text)) => {
                            ran = true;
                            (Arc::new(r), Some(text))
                        }
                        Err(d) => {
                            return PageDone {
                                summary: Arc::new(Summary::failed(d)),
                                page: None,
                                ran: true,
                                kept: None,
                            };
                        }
                    },
                };
                // Kept under the key its own rendering says it has.
                let markdown_key = match keys.as_ref() {
                    Some(k) if rendered.reads_facts != reads_facts => {
                        k.markdown(i, p, &sources, rendered.reads_facts)
                    }
                    _ => markdown_key,
                };
                let mut html_kept = None;
                // The page's HTML is the lent output's: kept by its fast key
                // (built for tests, the whole context is compared first).
                let mut unchanged = false;
                let page = renderer.as_ref().map(|r| {
                    // The page, and the further pages of a long listing.
                    let html: Vec<Bytes> = match keys.as_ref() {
                        Some(k)
                            if patching
                                && kept_md.is_some()
                                && !cfg!(debug_assertions)
                                && prev
                                    .and_then(|o| o.html.as_ref())
                                    .is_some_and(|h| h.fast == k.html(i, markdown_key, r)) =>
                        {
                            unchanged = true;
                            Vec::new()
                        }
                        None => {
                            ran = true;
                            (1..=r.lib.pager_count(i))
                                .map(|n| {
                                    let (template, ctx) = r.page_ctx(i, &rendered, n)?;
                                    Ok(Bytes::from(r.render_page(&template, &ctx)?.into_bytes()))
                                })
                                .collect::<Result<_, Diagnostic>>()?
                        }
                        Some(k) => {
                            let fast = k.html(i, markdown_key, r);
                            let base = crate::cache::hash_of((markdown_key, k.templates));
                            let (html, exact) =
                                kept_html(prev, (fast, base), &rendered, i, r, &mut ran)?;
                            html_kept = Some(KeptHtml {
                                fast,
                                exact,
                                bytes: html.clone(),
                            });
                            html
                        }
                    };
                    let outputs = html.into_iter().enumerate().map(|(n, html)| {
                        let at = match n {
                            0 => path.clone(),
                            n => r.lib.paged_path(i, n + 1),
                        };
                        (at, html)
                    });
                    match (&staging, out) {
                        (Some(_), Some(_)) if rendered.diags.iter().any(Diagnostic::is_error) => {
                            Ok(Vec::new())
                        }
                        (Some(staging), Some(out)) => outputs
                            .into_iter()
                            .try_for_each(|(path, html)| staging.write(&path, &html))
                            .map(|()| Vec::new())
                            .map_err(|e| write_failed(out, &e)),
                        _ => Ok(outputs.collect()),
                    }
                });
                let summary = match (kept_md, text) {
                    (Some(o), _) => Arc::clone(&o.summary),
                    (None, Some(text)) if keys.is_none() => {
                        let r = Arc::try_unwrap(rendered);
                        let summary = r.map_or_else(
                            |shared| Summary::of_ref(&shared, &text),
                            |r| Summary::of(r, &text),
                        );
                        return PageDone {
                            summary: Arc::new(summary),
                            page,
                            ran,
                            kept: None,
                        };
                    }
                    (None, text) => Arc::new(Summary::of_ref(
                        &rendered,
                        text.as_deref().unwrap_or_default(),
                    )),
                };
                // What the cache holds already is left there.
                let same = unchanged
                    || kept_md.is_some()
                        && match (prev.and_then(|o| o.html.as_ref()), &html_kept) {
                            (Some(old), Some(new)) => {
                                old.fast == new.fast
                                    && old.bytes.len() == new.bytes.len()
                                    && old
                                        .bytes
                                        .iter()
                                        .zip(&new.bytes)
                                        .all(|(a, b)| Arc::ptr_eq(a, b))
                            }
                            (None, None) => true,
                            _ => false,
                        };
                // Patching the lent output, a page the same as there is
                // not handed over.
                let page = match page {
                    Some(Ok(_)) if patching && same => Some(Ok(Vec::new())),
                    page => page,
                };
                let kept = keys.as_ref().filter(|_| !same).map(|_| PageOut {
                    markdown_key,
                    rendered,
                    summary: Arc::clone(&summary),
                    html: html_kept,
                });
                PageDone {
                    summary,
                    page,
                    ran,
                    kept,
                }
            })
            .collect()
    };
    // One language at a time: the pages written by hand (and the default
    // language's), then each catalog language's pages with its catalog
    // open (its file read again, see `Catalog::parse_all`), let go once
    // they are rendered. The next language's catalog is opened while a
    // language's pages render (two catalogs' texts at most).
    let render_pages = || -> Vec<PageDone> {
        fn lang(p: &Page) -> Option<&str> {
            p.from_catalog.then_some(p.lang.as_str())
        }
        let mut runs = Vec::new();
        let mut start = 0;
        while start < pages.len() {
            let run = lang(&pages[start]);
            let end = pages[start..]
                .iter()
                .position(|p| lang(p) != run)
                .map_or(pages.len(), |k| start + k);
            runs.push((start..end, run));
            start = end;
        }
        type Opened<'l> = Option<(&'l str, Result<Arc<Catalog>, Diagnostic>)>;
        fn open<'l>(catalogs: &BTreeMap<String, Arc<Catalog>>, run: Option<&'l str>) -> Opened<'l> {
            run.and_then(|l| Some((l, catalogs.get(l)?.open())))
        }
        let render_run = |range: std::ops::Range<usize>, opened: Opened<'_>| match opened {
            None => render_range(range, &markdown),
            Some((_, Err(d))) => unopened(d, range.len()).collect(),
            Some((l, Ok(catalog))) => {
                let mut view = catalogs.clone();
                view.insert(l.to_string(), catalog);
                let markdown = MarkdownInputs {
                    catalogs: &view,
                    ..markdown
                };
                render_range(range, &markdown)
            }
        };
        let mut done = Vec::with_capacity(pages.len());
        let mut opened = runs.first().and_then(|(_, l)| open(&catalogs, *l));
        for (k, (range, _)) in runs.iter().enumerate() {
            let current = opened.take();
            let next = runs.get(k + 1).and_then(|(_, l)| *l);
            let (rendered, next_opened) = rayon::join(
                || render_run(range.clone(), current),
                || open(&catalogs, next),
            );
            done.extend(rendered);
            opened = next_opened;
        }
        done
    };
    // Building to disk, the files known before the pages (the checker's
    // scripts and wasm, the longest to compress) are written alongside them.
    let (results, early) = match &staging {
        Some(staging) => {
            let (results, early) = rayon::join(render_pages, || {
                files
                    .par_iter()
                    .try_for_each(|(rel, bytes)| staging.write(rel, bytes))
            });
            (
                results,
                Some(early.map(|()| files.keys().cloned().collect())),
            )
        }
        None => (render_pages(), None),
    };
    let written_early: BTreeSet<String> = match (early, out) {
        (Some(Err(e)), Some(out)) => {
            return Err(Failed {
                sources,
                diags: vec![write_failed(out, &e)],
            });
        }
        (Some(Ok(keys)), _) => keys,
        _ => BTreeSet::new(),
    };
    let mut summaries = Vec::with_capacity(results.len());
    let mut page_errors = Vec::new();
    let mut page_files: BTreeMap<String, Bytes> = BTreeMap::new();
    let mut rendered_pages = 0;
    let mut kept_outputs = Vec::new();
    for (i, done) in results.into_iter().enumerate() {
        match done.page {
            Some(Ok(outputs)) => page_files.extend(outputs),
            Some(Err(d)) => page_errors.push(d),
            None => {}
        }
        rendered_pages += usize::from(done.ran);
        if let Some(kept) = done.kept {
            kept_outputs.push((i, kept));
        }
        summaries.push(done.summary);
    }
    drop(outputs);
    if cache.keeps() {
        cache.outputs.update(places, page_paths, kept_outputs);
    }

    // The sitemap reads every page's address and `updated` date, the
    // listings' lengths (their pages) and the configuration (`global`,
    // which also covers the translations the sitemap no longer reads): not
    // titles, descriptions or weights.
    let sitemap_key = keys.as_ref().map(|k| {
        crate::cache::hash_of((
            k.global,
            pages.iter().map(|p| p.front.updated).collect::<Vec<_>>(),
            lib.children.iter().map(Vec::len).collect::<Vec<_>>(),
        ))
    });
    let kept_sitemap = cache
        .sitemap
        .as_ref()
        .filter(|(k, _)| Some(*k) == sitemap_key)
        .map(|(_, files)| files.as_slice());
    // Every page's files: a long listing's further pages too.
    let output_paths: std::borrow::Cow<[String]> =
        if lib.children.iter().any(|c| c.len() > PAGE_SIZE) {
            (0..pages.len()).flat_map(|i| lib.paged_paths(i)).collect()
        } else {
            page_paths.into()
        };
    let finish = Finish {
        opts,
        site: &site,
        i18n: &i18n,
        facts: &facts,
        sources: &sources,
        pages: &pages,
        page_paths: &output_paths,
        renderer: renderer.as_ref(),
        assets: &assets,
        broken_data: &broken_data,
        sitemap: kept_sitemap,
        translation_status: &translation_status,
    };
    let Finished {
        errors,
        mut warnings,
        register,
        sitemap,
    } = finish.run(&summaries, page_errors, procedure_uses, diags, &mut files);
    drop(summaries);
    if let Some(key) = sitemap_key
        && !sitemap.is_empty()
    {
        cache.sitemap = Some((key, sitemap));
    }
    if !errors.is_empty() || templates.is_none() || !i18n_complete {
        let mut all = errors;
        all.extend(warnings);
        return Err(finish_failed(sources, all));
    }
    let on_disk = staging.is_some() && out.is_some();
    let (output_files, output_bytes, precompressed_files, precompressed_bytes) = match (
        staging, out,
    ) {
        (Some(staging), Some(out)) => {
            let written = files
                .par_iter()
                .filter(|(rel, _)| !written_early.contains(*rel))
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
                    (
                        written.files,
                        written.bytes,
                        written.copies,
                        written.copy_bytes,
                    )
                }
                Err(e) => {
                    return Err(Failed {
                        sources,
                        diags: vec![write_failed(out, &e)],
                    });
                }
            }
        }
        _ => (0, 0, 0, 0),
    };
    let others: Vec<String> = if cache.keeps() {
        files.keys().cloned().collect()
    } else {
        Vec::new()
    };
    let (all_files, changed, all_bytes) = match (cache.lent.take(), last_output) {
        (Some(lent), Some(last)) if patching => {
            let (all, changed, delta) = patch_output(lent, last.others, page_files, files);
            let bytes = last.bytes.saturating_add_signed(delta);
            (all, changed, bytes)
        }
        (lent, _) => {
            let mut all = page_files;
            // On disk, every file is written: none is kept (a copy of the
            // largest, the sitemap, would be the build's peak of memory).
            if !on_disk {
                all.extend(files);
            }
            let changed = lent.map(|old| diff(&old, &all)).unwrap_or_default();
            let bytes = all.values().map(|b| b.len()).sum();
            (all, changed, bytes)
        }
    };
    if cache.keeps() {
        cache.last_output = Some(crate::cache::LastOutput {
            places,
            others,
            bytes: all_bytes,
        });
    }
    let (output_files, output_bytes) = if out.is_some() {
        (output_files, output_bytes)
    } else {
        (all_files.len(), all_bytes)
    };
    warnings.extend(load::restore_quoted(&mut sources, &warnings));
    diag::sort(&mut warnings);
    Ok(Built {
        changed,
        files: all_files,
        rendered: rendered_pages,
        sources,
        warnings,
        pages: pages.len(),
        languages: site.languages.len(),
        register,
        output_files,
        output_bytes,
        precompressed_files,
        precompressed_bytes,
    })
}

/// The output lent back by `serve` (`lent`, the last build's) with the
/// pages that changed (`pages`) and every file that is not a page
/// (`others`; `old_others`: the last build's), what differs from it and
/// by how many bytes the output grew.
fn patch_output(
    mut lent: BTreeMap<String, Bytes>,
    old_others: Vec<String>,
    pages: BTreeMap<String, Bytes>,
    others: BTreeMap<String, Bytes>,
) -> (BTreeMap<String, Bytes>, Changes, isize) {
    let mut changed = Vec::new();
    let mut delta: isize = 0;
    let len = |b: &Bytes| isize::try_from(b.len()).unwrap_or(isize::MAX);
    for path in old_others {
        if !others.contains_key(&path)
            && let Some(old) = lent.remove(&path)
        {
            delta -= len(&old);
            changed.push((path, None));
        }
    }
    for (path, bytes) in pages.into_iter().chain(others) {
        delta += len(&bytes);
        let old = lent.insert(path.clone(), Arc::clone(&bytes));
        if let Some(old) = &old {
            delta -= len(old);
        }
        if !old.is_some_and(|old| Arc::ptr_eq(&old, &bytes) || *old == *bytes) {
            changed.push((path, Some(bytes)));
        }
    }
    changed.sort_by(|a, b| a.0.cmp(&b.0));
    (lent, changed, delta)
}

/// The files of `new` that differ from `old` (`None`: gone), by one walk
/// of the two sorted maps; a kept page is the same allocation in both.
pub(crate) fn diff(
    old: &BTreeMap<String, Bytes>,
    new: &BTreeMap<String, Bytes>,
) -> Vec<(String, Option<Bytes>)> {
    use std::cmp::Ordering;
    let mut changed = Vec::new();
    let (mut a, mut b) = (old.iter().peekable(), new.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some((path, _)), None) => {
                changed.push(((*path).clone(), None));
                a.next();
            }
            (None, Some((path, bytes))) => {
                changed.push(((*path).clone(), Some(Arc::clone(bytes))));
                b.next();
            }
            (Some((p, x)), Some((q, y))) => match p.cmp(q) {
                Ordering::Less => {
                    changed.push(((*p).clone(), None));
                    a.next();
                }
                Ordering::Greater => {
                    changed.push(((*q).clone(), Some(Arc::clone(y))));
                    b.next();
                }
                Ordering::Equal => {
                    if !Arc::ptr_eq(x, y) && x != y {
                        changed.push(((*q).clone(), Some(Arc::clone(y))));
                    }
                    a.next();
                    b.next();
                }
            },
        }
    }
    changed
}

fn write_failed(out: &Path, e: &output::WriteError) -> Diagnostic {
    Diagnostic::error(format!("cannot write `{}`: {}", out.display(), e.message))
        .help("check the output folder's permissions and free disk space")
        .kind(diag::Kind::WriteFailed {
            unchanged: e.unchanged,
        })
}

pub(crate) fn finish_failed(mut sources: Sources, mut diags: Vec<Diagnostic>) -> Failed {
    let changed = load::restore_quoted(&mut sources, &diags);
    diags.extend(changed);
    Failed {
        sources,
        diags: failure_order(diags),
    }
}

/// The problems of a failed build in the order they are shown: errors
/// (files that could not be read or parsed first), then warnings.
pub(crate) fn failure_order(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalog_changed_during_the_build_is_reported_once_not_once_a_page() {
        let d = Diagnostic::error("`content/i18n/ko.po` changed while the site was built");
        let done: Vec<PageDone> = unopened(d, 40).collect();
        assert_eq!(done.len(), 40);
        assert!(done.iter().all(|p| p.page.is_none() && p.kept.is_none()));
        let told: Vec<&Diagnostic> = done.iter().flat_map(|p| &p.summary.diags).collect();
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].is_error());
    }
}
