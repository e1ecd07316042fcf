//! Rendering: the typed contexts of every kind of page into their templates
//! (`Renderer`), the checker's data and first screen per (procedure,
//! language) and the outdated-translation warnings; the chooser, 404 and
//! staff pages in `special`, the sitemap in `sitemap`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::checker;
use crate::config::{self, I18n, SiteConfig};
use crate::content::{self, Page};
use crate::context::{
    Alternate, CheckerCtx, Common, Crumb, Link, PageCtx, PageData, Paginator, Scripts, SiteCtx,
    SourceCtx, Translation,
};
use crate::data::{self, Facts};
use crate::diag::Diagnostic;
use crate::markdown::Rendered;
use crate::model::{Library, PAGE_SIZE};
use crate::policy::CSP;
use crate::templates::Templates;

mod sitemap;
mod special;

pub(crate) fn checker_out(
    procedure: &madoguchi_rules::Procedure,
    core_facts: &madoguchi_rules::Facts,
    id: &str,
    lang: &str,
    i18n: &BTreeMap<String, I18n>,
    checker_urls: &BTreeMap<String, String>,
    site: &SiteConfig,
) -> Result<CheckerOut, Diagnostic> {
    let html_lang = site.language(lang).map_or(lang, |l| l.html_lang());
    let data = checker::page_data(
        procedure,
        core_facts,
        lang,
        html_lang,
        &i18n[lang],
        checker_urls.clone(),
    );
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

/// A checker's data and server render for one (procedure, language), made
/// once per build and shared by every page that embeds it.
#[derive(Debug)]
pub(crate) struct CheckerOut {
    data: String,
    html: String,
    blank_form: String,
}

pub(crate) struct Renderer<'a> {
    pub(crate) lib: &'a Library<'a>,
    pub(crate) i18n: &'a BTreeMap<String, I18n>,
    pub(crate) templates: &'a Templates,
    /// `base_path` of the site, and of the live-reload script under serve.
    pub(crate) base_path: &'a str,
    pub(crate) livereload: Option<&'a str>,
    /// The service worker's registering module (none under serve).
    pub(crate) offline: Option<&'a str>,
    /// The facts each procedure refers to, in file order.
    pub(crate) procedure_facts: &'a BTreeMap<String, Vec<String>>,
    pub(crate) facts: &'a Facts,
    pub(crate) checkers: &'a BTreeMap<(String, String), Result<CheckerOut, Diagnostic>>,
    pub(crate) scripts: Option<&'a Scripts>,
    /// For a catalog page's review status: its checker's texts count too.
    pub(crate) procedures: &'a BTreeMap<String, crate::procedures::Loaded>,
    pub(crate) catalogs: &'a BTreeMap<String, std::sync::Arc<crate::translate::catalog::Catalog>>,
    /// `serve`, before trunk's output exists: checker pages say the
    /// checker is being built.
    pub(crate) checker_building: bool,
}

impl<'a> Renderer<'a> {
    fn site(&self) -> &'a SiteConfig {
        self.lib.site
    }

    fn lang_name(&self, code: &'a str) -> &'a str {
        self.site().language(code).map_or(code, |l| l.name.as_str())
    }

    /// The versions of a page in each language, in site language order; for
    /// page `n` of a listing cut into pages, the versions that have a page `n`.
    fn alternates(&self, i: usize, n: usize) -> Vec<Alternate<'a>> {
        let lib = self.lib;
        let lang = &lib.pages[i].lang;
        lib.translations[i]
            .iter()
            .filter(|&&a| n <= lib.pager_count(a))
            .filter_map(|&a| {
                let alt = &lib.pages[a];
                let l = self.site().language(&alt.lang)?;
                Some(Alternate {
                    code: &l.code,
                    html_lang: l.html_lang(),
                    hreflang: self.site().hreflang(&l.code),
                    name: &l.name,
                    dir: l.dir,
                    url: paged_url(&lib.urls[a], || lib.paged_url(a, n), n),
                    permalink: paged_url(&lib.permalinks[a], || lib.paged_permalink(a, n), n),
                    current: l.code == *lang,
                })
            })
            .collect()
    }

    /// The default-language version's page `n`, when it has one.
    fn x_default(&self, i: usize, n: usize) -> Option<Cow<'a, str>> {
        let lib = self.lib;
        let d = lib.originals[i].filter(|&d| n <= lib.pager_count(d))?;
        Some(paged_url(
            &lib.permalinks[d],
            || lib.paged_permalink(d, n),
            n,
        ))
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
            html_lang: language.map_or(lang, |l| l.html_lang()),
            dir: language.map(|l| l.dir),
            site: SiteCtx {
                title: language.map_or(&site.title, |l| &l.title),
                base_url: &site.base_url,
                base_path: self.base_path,
                default_language: &site.default_language,
                languages: &site.languages,
            },
            csp: CSP,
            livereload: self.livereload,
            offline: self.offline,
        }
    }

    fn render(&self, template: &str, ctx: &impl serde::Serialize) -> Result<String, Diagnostic> {
        let ctx = tera::Context::from_serialize(ctx).map_err(|e| {
            Diagnostic::error(format!(
                "template `{template}`: cannot build its context: {e}"
            ))
        })?;
        self.templates.render(template, &ctx)
    }

    /// Renders a page's context (from [`Renderer::page_ctx`]) into its template.
    pub(crate) fn render_page(
        &self,
        template: &str,
        ctx: &PageCtx<'_>,
    ) -> Result<String, Diagnostic> {
        self.render(template, ctx)
    }

    /// The other pages whose data [`Renderer::page_ctx`] reads for page
    /// `i`: its translations, its original, its breadcrumbs, its children
    /// (all of them: they decide which are on which page of a long listing)
    /// and its top-level section. (How many pages another language's
    /// listing has depends only on the page set, which every page's key
    /// reads.) `serve`'s cache keeps a page's HTML
    /// while these pages, the page itself, its Markdown and what every
    /// page reads are the same; a read missing here is caught by the
    /// tests, whose builds compare every kept page's whole context
    /// (`debug_assertions`).
    pub(crate) fn page_reads(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let lib = self.lib;
        lib.translations[i]
            .iter()
            .copied()
            .chain(lib.originals[i])
            .chain(lib.breadcrumbs[i].iter().copied())
            .chain(lib.children[i].iter().copied())
            .chain(lib.top_section(i))
    }

    /// What a checker page's context reads of its checker.
    pub(crate) fn checker_print(&self, i: usize) -> u64 {
        let p = &self.lib.pages[i];
        p.front.checker.as_ref().map_or(0, |id| {
            crate::cache::hash_debug(&self.checkers.get(&(id.clone(), p.lang.clone())))
        })
    }

    /// The template and context of page `n` (from 1) of page `i`, around
    /// its Markdown `r`: all that its template sees. A page is published as
    /// [`Library::pager_count`] pages (more than one for a section whose
    /// listing is cut into pages of [`PAGE_SIZE`] children), at
    /// [`Library::paged_path`].
    pub(crate) fn page_ctx<'b>(
        &self,
        i: usize,
        r: &'b Rendered,
        n: usize,
    ) -> Result<(String, PageCtx<'b>), Diagnostic>
    where
        'a: 'b,
    {
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
                    building: self.checker_building,
                }),
                Some(Err(d)) => return Err(d.clone().at(p.file, 0..3)),
                None => None,
            },
            None => None,
        };
        // What the reader is told is reviewed: the page's own messages and,
        // on a checker page, the checker's texts.
        let review = r.review.map(|mut c| {
            if let Some(id) = &p.front.checker
                && let Some(l) = self.procedures.get(id)
                && let Some(catalog) = self.catalogs.get(&p.lang)
            {
                c.merge(crate::translate::procedure_counts(&l.procedure, catalog));
            }
            c
        });
        let total = lib.pager_count(i);
        let paginator = (total > 1).then(|| Paginator {
            current: n,
            total,
            first: lib.paged_url(i, 1),
            previous: (n > 1).then(|| lib.paged_url(i, n - 1)),
            next: (n < total).then(|| lib.paged_url(i, n + 1)),
            last: lib.paged_url(i, total),
            children_total: lib.children[i].len(),
            per_page: PAGE_SIZE,
        });
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
                url: paged_url(&lib.urls[i], || lib.paged_url(i, n), n),
                permalink: paged_url(&lib.permalinks[i], || lib.paged_permalink(i, n), n),
                key: &p.key,
                is_section: p.is_section,
                is_home,
                alternates: self.alternates(i, n),
                x_default: self.x_default(i, n),
                breadcrumbs: lib.breadcrumbs[i]
                    .iter()
                    .map(|&s| Crumb {
                        title: &lib.pages[s].front.title,
                        url: &lib.urls[s],
                    })
                    .collect(),
                children: lib
                    .children_on(i, n)
                    .iter()
                    .map(|&k| self.link(k, &p.lang))
                    .collect(),
                paginator,
                section: lib.top_section(i).map(|s| self.link(s, &p.lang)),
                extra: content::toml_to_json(&toml::Value::Table(p.front.extra.clone())),
                sources: self.page_sources(p, r),
                translation: Translation {
                    outdated,
                    draft: review.is_some_and(|c| !c.all_reviewed()),
                    reviewed: review.map_or(0, |c| c.reviewed),
                    messages: review.map_or(0, |c| c.total()),
                    last_reviewed: review.and_then(|c| c.last_reviewed).map(|d| d.iso()),
                    last_reviewed_display: review.and_then(|c| c.last_reviewed).map(|d| f.date(d)),
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
        Ok((template, ctx))
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

    /// Pages published where a long listing continues (`page/2/`…): an
    /// error at the page's file.
    pub(crate) fn listing_clashes(&self) -> Vec<Diagnostic> {
        let lib = self.lib;
        let long: Vec<usize> = (0..lib.pages.len())
            .filter(|&i| lib.pager_count(i) > 1)
            .collect();
        if long.is_empty() {
            return Vec::new();
        }
        let by_path: std::collections::HashMap<String, usize> = lib
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (crate::model::page_path(p), i))
            .collect();
        let mut out = Vec::new();
        for i in long {
            let (p, total) = (&lib.pages[i], lib.pager_count(i));
            for n in 2..=total {
                if let Some(&other) = by_path.get(&lib.paged_path(i, n)) {
                    out.push(
                        Diagnostic::error(format!(
                            "this page is published at `{}`, where the listing of `{}` ({} pages and \
                             sections, {PAGE_SIZE} a page) continues with its page {n} of {total}",
                            lib.urls[other],
                            lib.urls[i],
                            lib.children[i].len(),
                        ))
                        .at(lib.pages[other].file, 0..3)
                        .label("this page")
                        .help(format!(
                            "rename this file or its folder: a listing of more than {PAGE_SIZE} \
                             continues at `page/2/`, `page/3/`… under its section (here `{}`)",
                            p.key
                        )),
                    );
                }
            }
        }
        out
    }

    pub(crate) fn outdated_translations(&self) -> Vec<Diagnostic> {
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

/// The URL of page `n` of a listing: `first` (borrowed) for the first page,
/// else `paged()`.
fn paged_url<'a>(first: &'a str, paged: impl FnOnce() -> String, n: usize) -> Cow<'a, str> {
    if n <= 1 {
        Cow::Borrowed(first)
    } else {
        Cow::Owned(paged())
    }
}
