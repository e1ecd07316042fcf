//! The build's orchestration: load the site root (`load`), build the site
//! model, run one worker per page in parallel (its Markdown, its template
//! through `render::Renderer`, and for `build` its file in the staging
//! folder), then the checks across pages (`checks`, from small per-page
//! summaries), the facts register and the other output files; either keep
//! the output in memory (`generate`: check, facts, serve) or swap the
//! staging folder in with `output::Staging` (`build`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::checker;
use crate::checks::{self, Summary};
use crate::config;
use crate::content::{Page, PageIndex};
use crate::context::Scripts;
use crate::diag::{self, Diagnostic, Sources};
use crate::load::{self, Loaded, check_out, load};
use crate::markdown;
use crate::model::Library;
use crate::output;
use crate::register::{self, Register};
use crate::render::{CheckerOut, Renderer, checker_out};
use crate::translate;

/// The Content-Security-Policy every page carries.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

/// The staff page listing every fact (not linked, not in the sitemap, noindex).
pub const FACTS_PAGE: &str = "staff/facts/index.html";

/// The staff page of the translations' status (not linked, not in the
/// sitemap, noindex).
pub const TRANSLATIONS_PAGE: &str = "staff/translations/index.html";

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

/// Builds the site in memory (`check`, `facts`, `serve`): `files` holds
/// every output file. Every error of the build is in `Failed`.
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
        catalogs,
        source_i18n: _,
        glossary_file,
        glossary,
    } = loaded;
    let draft_languages: BTreeSet<String> = catalogs
        .iter()
        .filter(|(_, c)| c.review == translate::catalog::Review::Draft)
        .map(|(l, _)| l.clone())
        .collect();
    let translation_status = crate::i18n::status_of(
        &site,
        &pages,
        &procedures,
        i18n.get(&site.default_language),
        (&facts, glossary_file.as_ref().map(|(_, g)| g)),
        &catalogs,
        &sources,
    );
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
    // renders and writes the page, which reads the page's text again), so
    // only the pages being rendered hold their text and HTML at any moment.
    let source_i18n = i18n.get(&site.default_language).unwrap_or(fallback_i18n);
    let source_lang = site
        .language(&site.default_language)
        .map_or(site.default_language.as_str(), |l| l.html_lang());
    let markdown_of = |p: &Page| {
        let ctx = markdown::Ctx {
            site: &site,
            facts: &facts,
            i18n: i18n.get(&p.lang).unwrap_or(fallback_i18n),
            pages: &pages,
            index: &index,
            unparsed: &unparsed,
            glossary: &glossary,
        };
        let text = load::read_again(&sources, p.file)?;
        let Some(catalog) = catalogs.get(&p.lang).filter(|_| p.from_catalog) else {
            let rendered = markdown::render(&ctx, p, &text);
            return Ok((rendered, text));
        };
        // An outdated run is followed by its current original, rendered
        // as the original page renders it (its facts, its links).
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
        let rendered = markdown::render_translated(&ctx, p, &text, catalog, source_lang, &note);
        Ok::<_, Diagnostic>((rendered, text))
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
                        line: sources
                            .line_col(loaded.file, span.as_ref().map_or(0, |s| s.start))
                            .0,
                    },
                ));
            }
            (id.clone(), refs.into_iter().map(|(key, _)| key).collect())
        })
        .collect();

    let mut warnings = Vec::new();
    let mut files = BTreeMap::new();
    let core_facts = facts.core();
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
            // Where each procedure's checker is, per language: a redirect
            // outcome links there (the page's language, else the default's).
            let mut checker_urls: BTreeMap<(String, String), String> = BTreeMap::new();
            for (i, p) in pages.iter().enumerate() {
                if let Some(id) = &p.front.checker {
                    checker_urls
                        .entry((p.lang.clone(), id.clone()))
                        .or_insert_with(|| lib.urls[i].clone());
                }
            }
            let urls_for =
                |lang: &str| -> BTreeMap<String, String> {
                    procedures
                        .keys()
                        .filter_map(|id| {
                            let url = checker_urls.get(&(lang.to_string(), id.clone())).or_else(
                                || checker_urls.get(&(site.default_language.clone(), id.clone())),
                            )?;
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
                        &core_facts,
                        &id,
                        &lang,
                        &i18n,
                        &urls_for(&lang),
                        &site,
                    );
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
            draft_languages: &draft_languages,
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
            let (rendered, text) = match markdown_of(p) {
                Ok(r) => r,
                Err(d) => return (Summary::failed(d), None),
            };
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
            (Summary::of(rendered, &text), page)
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

    // Checks across pages, from the summaries: each page's own problems,
    // `@/…#anchor` links, and where each fact is used.
    for s in &summaries {
        diags.extend(s.diags.iter().cloned());
    }
    checks::check_anchors(&pages, &summaries, &mut diags);
    diags.extend(page_errors);
    let uses = checks::fact_uses(&pages, &summaries, procedure_uses);
    drop(summaries);
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
        if !translation_status.is_empty() {
            match r.translations_page(&translation_status) {
                Ok(html) => {
                    files.insert(TRANSLATIONS_PAGE.into(), html.into_bytes());
                }
                Err(d) => diags.push(d),
            }
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
        warnings.extend(crate::i18n::status_warnings(&translation_status));
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
                TRANSLATIONS_PAGE,
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
    warnings.extend(load::restore_quoted(&mut sources, &warnings));
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

pub(crate) fn finish_failed(mut sources: Sources, mut diags: Vec<Diagnostic>) -> Failed {
    let changed = load::restore_quoted(&mut sources, &diags);
    diags.extend(changed);
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
