use std::path::PathBuf;

// serve rebuilds per-page lists after every edit and a build allocates per
// page: mimalloc measured faster than glibc's allocator for both (see
// README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use site_gen::{Options, diag};

/// Madoguchi site generator: multilingual guidance pages from Markdown and data.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Site root holding content/, templates/ and static/ (default: current folder).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// trunk's output folder holding the checker's wasm and JS
    /// (without it, checker pages show the first screen but are not interactive).
    #[arg(long, global = true)]
    checker: Option<PathBuf>,
    /// The day (YYYY-MM-DD) the facts register computes values in force and
    /// the age of each check for (default: today, UTC).
    #[arg(long, global = true, value_parser = parse_date)]
    today: Option<site_gen::config::Date>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder (replaced only if the build succeeds),
    /// with `.br` and `.gz` copies of every compressible file and a
    /// `_headers` file of the response headers for hosts (docs/deploy.md).
    Build {
        /// Output folder (default: <root>/public).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write no `.br`/`.gz` copies (for hosts that compress by
        /// themselves: Netlify, Cloudflare Pages, GitHub Pages).
        #[arg(long)]
        no_precompress: bool,
    },
    /// Check everything without writing anything.
    Check,
    /// List every fact: its value today (and dated values to come), whether
    /// it is confirmed, its sources, when it was checked and where it is used.
    Facts {
        /// `text` for people, `json` for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Fetch a published site and check that it is served right:
    /// compression, the CSP header with frame-ancestors, nosniff,
    /// Referrer-Policy, HSTS (https) and Cache-Control, on the home page, a
    /// page, the stylesheet and the checker's wasm. Exits non-zero with
    /// what is missing and how to fix it (https:// needs `--features https`).
    CheckServed {
        /// The site's address, such as http://127.0.0.1:8000/ or https://example.org/guide/.
        url: String,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload the browser.
    Serve {
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Translation catalogs: `update` merges the Japanese messages into
    /// content/i18n/<lang>.po; `status` shows what is translated and
    /// reviewed; `review` writes a review sheet.
    I18n {
        #[command(subcommand)]
        action: I18nAction,
    },
    /// Write the data a checker page embeds, for running the app alone
    /// (`trunk serve` in checker-app/ calls this).
    CheckerData {
        #[arg(long, default_value = "disclosure")]
        procedure: String,
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum I18nAction {
    /// Extract every Japanese message (page blocks, procedure texts,
    /// interface strings) and merge it into each language's catalog:
    /// changed messages turn fuzzy, new ones are untranslated, vanished
    /// ones become obsolete.
    Update,
    /// Write a printable review sheet for a native reviewer: each message
    /// of a page (or of every page) in Japanese and in the language side
    /// by side, facts and glossary terms, requirements flagged, review
    /// state, and the review mark to add (to <root>/review/<lang>-<page>.html).
    Review {
        /// The catalog's language code (`en`, `pt-BR`…).
        lang: String,
        /// A page: its key (`alien-registration/disclosure.md`), its file
        /// or its URL path; without it, every page.
        page: Option<String>,
    },
    /// Reviewed, translated, outdated and missing messages per language and page.
    Status {
        /// `text` for people, `json` for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<site_gen::config::Date, String> {
    site_gen::config::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date like 2026-11-26"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let mut opts = Options::new(&cli.root);
    opts.checker_dist = cli.checker.clone();
    if let Some(today) = cli.today {
        opts.today = today;
    }
    let result = match cli.command {
        Command::Build {
            out,
            no_precompress,
        } => {
            let out = out.unwrap_or_else(|| cli.root.join("public"));
            opts.precompress = !no_precompress;
            site_gen::build(&opts, &out).map(|b| {
                let msg = site_gen::cmd::build::summary(&b, &out);
                (b, msg)
            })
        }
        Command::CheckServed { url } => {
            eprintln!("checking {url}");
            return match site_gen::served::check(&url) {
                Ok(report) => {
                    eprint!("{}", report.to_text());
                    if report.ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Check => site_gen::check(&opts).map(|b| (b, "(nothing written)".to_string())),
        Command::Facts { format } => site_gen::generate(&opts).and_then(|b| {
            let json = matches!(format, Format::Json);
            print!("{}", site_gen::cmd::facts::register_text(&b, json)?);
            Ok((b, "(nothing written)".to_string()))
        }),
        Command::CheckerData {
            procedure,
            lang,
            out,
        } => site_gen::generate(&opts).and_then(|b| {
            let fail = |d: diag::Diagnostic| site_gen::Failed {
                sources: Default::default(),
                diags: vec![d],
            };
            let Some(text) = site_gen::checker::data_in_built_site(&b.files, &procedure, &lang)
            else {
                return Err(fail(
                    diag::Diagnostic::error(format!(
                        "no `{lang}` page embeds the checker `{procedure}`"
                    ))
                    .help("set `checker = \"<procedure>\"` in a page's front matter"),
                ));
            };
            if let Err(e) = std::fs::write(&out, text) {
                return Err(fail(diag::Diagnostic::error(format!(
                    "cannot write {}: {e}",
                    out.display()
                ))));
            }
            Ok((b, format!("checker data written to {}", out.display())))
        }),
        Command::I18n { action } => {
            let result = match action {
                I18nAction::Update => {
                    site_gen::i18n::update(&opts).map(|(sources, updated, warnings)| {
                        for u in &updated {
                            let m = &u.merged;
                            eprintln!(
                                "{}: {} ({} translated, {} outdated{}, {} missing, {} obsolete)",
                                u.path,
                                if u.created {
                                    "created"
                                } else if u.changed {
                                    "updated"
                                } else {
                                    "unchanged"
                                },
                                m.translated,
                                m.outdated,
                                if m.newly_outdated > 0 {
                                    format!(" of which {} newly", m.newly_outdated)
                                } else {
                                    String::new()
                                },
                                m.missing,
                                m.obsolete
                            );
                        }
                        (sources, warnings)
                    })
                }
                I18nAction::Review { lang, page } => site_gen::review_sheet::review(
                    &opts,
                    &lang,
                    page.as_deref(),
                )
                .map(|(sources, sheet, warnings)| {
                    println!("{}", sheet.path.display());
                    eprintln!(
                        "review sheet written to {} ({} messages, {} reviewed, {} to check first)",
                        sheet.path.display(),
                        sheet.messages,
                        sheet.reviewed,
                        sheet.flagged
                    );
                    (sources, warnings)
                }),
                I18nAction::Status { format } => {
                    site_gen::i18n::status(&opts).and_then(|(sources, status, warnings)| {
                        match format {
                            Format::Text => print!("{}", site_gen::i18n::status_text(&status)),
                            Format::Json => match serde_json::to_string_pretty(&status) {
                                Ok(j) => println!("{j}"),
                                Err(e) => {
                                    return Err(site_gen::Failed {
                                        sources: Default::default(),
                                        diags: vec![diag::Diagnostic::error(format!(
                                            "cannot write the status as JSON: {e}"
                                        ))],
                                    });
                                }
                            },
                        }
                        Ok((sources, warnings))
                    })
                }
            };
            return match result {
                Ok((sources, warnings)) => {
                    diag::print(&sources, &warnings);
                    ExitCode::SUCCESS
                }
                Err(f) => {
                    diag::print(&f.sources, &f.diags);
                    ExitCode::FAILURE
                }
            };
        }
        Command::Serve { port } => {
            return match site_gen::serve::serve(&cli.root, port, cli.checker.as_deref()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            };
        }
    };
    match result {
        Ok((built, msg)) => {
            diag::print(&built.sources, &built.warnings);
            eprintln!(
                "ok: {} pages in {} languages {msg} in {} ms",
                built.pages,
                built.languages,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(failed) => {
            diag::print(&failed.sources, &failed.diags);
            let n = failed.diags.iter().filter(|d| d.is_error()).count();
            // Only a failure to write says otherwise (and says what it left).
            let wrote = failed
                .diags
                .iter()
                .any(|d| matches!(d.kind_of(), diag::Kind::WriteFailed { unchanged: false }));
            eprintln!(
                "failed: {n} error{}{}",
                if n == 1 { "" } else { "s" },
                if wrote { "" } else { "; nothing was written" }
            );
            ExitCode::FAILURE
        }
    }
}
