//! `site-gen i18n review <lang> [page]`: a printable review sheet for a
//! native reviewer. One HTML file (the site's own stylesheet, no script)
//! with, for each message of the page (or of every page): the Japanese and
//! the translation side by side as readers see them (facts rendered to
//! their values), the facts' values in both languages, the glossary terms
//! the message uses with the catalog's names for them, whether it is
//! reviewed, unreviewed, outdated or missing, and the exact review mark to
//! add in the reviewer's tool. Messages that carry a requirement (a fact or
//! an amount, a document, a deadline, an address) are flagged and listed
//! first.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::content::{Page, PageIndex};
use crate::diag::{Diagnostic, Sources, line_col};
use crate::markdown::{self, escape_attr};
use crate::site::{Failed, Options};
use crate::translate::catalog::{Catalog, State};
use crate::translate::glossary::{self, GlossaryFile};
use crate::translate::{blocks, review};

/// What kind of requirement a message carries, with the words that show it.
const REQUIREMENTS: &[(&str, &[&str])] = &[
    ("事実 fact", &["{{ fact(", "{{fact(", "{fact:", "{answer:"]),
    ("金額 amount", &["円", "¥"]),
    (
        "書類 document",
        &[
            "証明書",
            "写し",
            "書類",
            "請求書",
            "申請書",
            "届出書",
            "本人確認",
            "印紙",
            "切手",
            "封筒",
            "在留カード",
            "パスポート",
            "旅券",
            "{doc:",
        ],
    ),
    (
        "期限 deadline",
        &[
            "期限",
            "以内",
            "までに",
            "締切",
            "期日",
            "日まで",
            "有効期間",
        ],
    ),
    (
        "住所・宛先 address",
        &["住所", "〒", "宛先", "送付先", "所在地"],
    ),
];

/// The requirements a Japanese message carries (empty: none).
pub fn requirements(msgid: &str) -> Vec<&'static str> {
    REQUIREMENTS
        .iter()
        .filter(|(_, words)| words.iter().any(|w| msgid.contains(w)))
        .map(|(label, _)| *label)
        .collect()
}

/// What `review` wrote.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub path: PathBuf,
    pub messages: usize,
    pub flagged: usize,
    pub reviewed: usize,
}

struct Row {
    page: usize,
    kind: &'static str,
    place: String,
    ja_html: String,
    tr_html: Option<String>,
    state: State,
    reviewer: Option<String>,
    po_line: Option<usize>,
    facts: Vec<(String, String, String)>,
    terms: Vec<(String, String, String)>,
    flags: Vec<&'static str>,
    mark: Option<String>,
}

fn fail(sources: Sources, d: Diagnostic) -> Failed {
    crate::site::finish_failed(sources, vec![d])
}

/// Writes the review sheet of `lang` (one page, by key or file, or all
/// pages) to `<root>/review/<lang>-<page>.html` and returns where.
pub fn review(
    opts: &Options,
    lang: &str,
    page: Option<&str>,
) -> Result<(Sources, Sheet, Vec<Diagnostic>), Failed> {
    let (sources, loaded, diags) = crate::i18n::load_sources(opts)?;
    let default = loaded.site.default_language.clone();
    let Some(catalog) = loaded.catalogs.get(lang).cloned() else {
        let langs: Vec<&str> = loaded.catalogs.keys().map(String::as_str).collect();
        return Err(fail(
            sources,
            Diagnostic::error(format!("`{lang}` has no catalog to review"))
                .help(format!("catalog languages: {}", langs.join(", "))),
        ));
    };
    let mut originals: Vec<&Page> = loaded
        .pages
        .iter()
        .filter(|p| p.lang == default && !p.from_catalog)
        .collect();
    originals.sort_by_key(|p| sources.name(p.file).to_string());
    if let Some(want) = page {
        let want = want.trim_start_matches("./");
        let matches = |p: &Page| {
            let file = sources.name(p.file);
            p.key == want
                || p.key == format!("{want}.md")
                || p.key.trim_end_matches(".md") == want.trim_end_matches('/')
                || p.rel_url.trim_end_matches('/') == want.trim_end_matches('/')
                || file == want
                || file.strip_prefix("content/") == Some(want)
        };
        let all: Vec<String> = originals.iter().map(|p| p.key.clone()).collect();
        originals.retain(|p| matches(p));
        if originals.is_empty() {
            return Err(fail(
                sources,
                Diagnostic::error(format!("no page `{want}`"))
                    .help(format!("pages: {}", all.join(", "))),
            ));
        }
    }
    let Some(ja_i18n) = loaded.i18n.get(&default) else {
        return Err(fail(
            sources,
            Diagnostic::error(format!("`{default}` has no interface strings")),
        ));
    };
    let lang_i18n = loaded.i18n.get(lang).unwrap_or(ja_i18n);
    let index = PageIndex::new(&loaded.pages);
    let ja_ctx = markdown::Ctx {
        site: &loaded.site,
        facts: &loaded.facts,
        i18n: ja_i18n,
        pages: &loaded.pages,
        index: &index,
        unparsed: &loaded.unparsed,
        glossary: &loaded.glossary,
    };
    let lang_ctx = markdown::Ctx {
        i18n: lang_i18n,
        ..ja_ctx
    };
    let glossary_file = loaded.glossary_file.as_ref().map(|(_, g)| g);
    let mut rows = Vec::new();
    let mut texts = Vec::new();
    for (n, p) in originals.iter().enumerate() {
        let text =
            crate::load::read_again(&sources, p.file).map_err(|d| fail(Sources::default(), d))?;
        let name = sources.name(p.file).to_string();
        let front = &text[..p.body_offset];
        let mut messages: Vec<(&'static str, usize, String)> = vec![
            ("title", key_line(front, "title"), p.front.title.clone()),
            (
                "description",
                key_line(front, "description"),
                p.front.description.clone(),
            ),
        ];
        for b in blocks::blocks(&text[p.body_offset..]) {
            let line = line_col(&text, p.body_offset + b.range.start).0;
            messages.push(("block", line, b.text));
        }
        let mut messages: Vec<(&'static str, Option<String>, String, String)> = messages
            .into_iter()
            .map(|(kind, line, msgid)| (kind, None, format!("{name}:{line}"), msgid))
            .collect();
        // A checker page: its checker's texts are part of what readers read.
        if let Some(l) = p
            .front
            .checker
            .as_ref()
            .and_then(|id| loaded.procedures.get(id))
        {
            let id = l.procedure.id.get_ref().clone();
            let file = sources.name(l.file).to_string();
            let ptext = sources.text(l.file);
            let mut proc = l.procedure.clone();
            let default_lang = proc.default_language().to_string();
            madoguchi_rules::texts_mut(&mut proc, |path, t| {
                if let Some(ja) = t.get_ref().get(&default_lang) {
                    let line = line_col(ptext, t.span().start).0;
                    messages.push((
                        "checker",
                        Some(crate::translate::procedure_ctxt(&id, &path)),
                        format!("{file}:{line}"),
                        ja.clone(),
                    ));
                }
            });
        }
        for (kind, ctxt, place, msgid) in messages {
            if msgid.trim().is_empty() {
                continue;
            }
            rows.push(row(
                (&ja_ctx, &lang_ctx),
                p,
                (lang, &catalog),
                glossary_file,
                (n, kind, place, ctxt),
                msgid,
            ));
        }
        texts.push((p.key.clone(), p.front.title.clone(), name));
    }
    let language = loaded.site.language(lang);
    let html_lang = language.map_or(lang, |l| l.html_lang()).to_string();
    let dir = match language.map(|l| l.dir) {
        Some(crate::config::Dir::Rtl) => "rtl",
        _ => "ltr",
    };
    let lang_name = language.map_or(lang, |l| l.name.as_str()).to_string();
    let css_url = crate::output::file_url(&opts.root, "static/css/site.css");
    let html = sheet_html(
        &SheetHead {
            lang,
            lang_name: &lang_name,
            html_lang: &html_lang,
            dir,
            css_url: &css_url,
            scope: page,
        },
        &texts,
        &rows,
    );
    let slug = match page {
        Some(_) if originals.len() == 1 => originals[0]
            .key
            .trim_end_matches(".md")
            .replace(['/', '\\'], "-"),
        Some(_) => "pages".to_string(),
        None => "all".to_string(),
    };
    let rel = format!("review/{lang}-{slug}.html");
    let path = match crate::output::write_beside_site(&opts.root, &rel, html.as_bytes()) {
        Ok(p) => p,
        Err(e) => {
            return Err(fail(
                Sources::default(),
                Diagnostic::error(format!("cannot write `{rel}`: {e}"))
                    .help("check the folder's permissions and free disk space"),
            ));
        }
    };
    let sheet = Sheet {
        path,
        messages: rows.len(),
        flagged: rows.iter().filter(|r| !r.flags.is_empty()).count(),
        reviewed: rows
            .iter()
            .filter(|r| matches!(r.state, State::Reviewed(_)))
            .count(),
    };
    Ok((sources, sheet, diags))
}

fn key_line(front: &str, key: &str) -> usize {
    front
        .lines()
        .position(|l| l.starts_with(&format!("{key} ")) || l.starts_with(&format!("{key}=")))
        .map_or(1, |i| i + 1)
}

/// Text for element content or an attribute value.
fn esc(s: &str) -> String {
    escape_attr(s).replace('>', "&gt;")
}

/// A message rendered as readers see it, without its paragraph wrapper.
fn render(ctx: &markdown::Ctx<'_>, page: &Page, lang: &str, text: &str) -> markdown::Rendered {
    let mut stub = page.clone();
    stub.lang = lang.to_string();
    stub.body_offset = 0;
    stub.from_catalog = false;
    markdown::render(ctx, &stub, text)
}

fn row(
    ctxs: (&markdown::Ctx<'_>, &markdown::Ctx<'_>),
    p: &Page,
    (lang, catalog): (&str, &Catalog),
    glossary_file: Option<&GlossaryFile>,
    (page, kind, place, ctxt): (usize, &'static str, String, Option<String>),
    msgid: String,
) -> Row {
    let ctxt = ctxt.as_deref();
    let (ja_ctx, lang_ctx) = ctxs;
    let default = ja_ctx.site.default_language.as_str();
    let ja = render(ja_ctx, p, default, &msgid);
    let entry = catalog.entry(ctxt, &msgid);
    let tr_html = entry.map(|e| render(lang_ctx, p, lang, e.msgstr).html);
    let mut keys: Vec<String> = Vec::new();
    for (k, _) in &ja.facts_used {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let facts = keys
        .into_iter()
        .map(|k| {
            let sc = format!("{{{{ fact(key=\"{k}\") }}}}");
            let v_ja = render(ja_ctx, p, default, &sc).html;
            let v_tr = render(lang_ctx, p, lang, &sc).html;
            (k, v_ja, v_tr)
        })
        .collect();
    let terms = glossary_file
        .map(|g| {
            g.terms
                .iter()
                .filter(|t| msgid.contains(&t.term))
                .map(|t| {
                    let name = catalog
                        .entry(Some(&glossary::name_ctxt(&t.term)), &t.term)
                        .map_or("—".to_string(), |e| e.msgstr.replace('|', " / "));
                    let explanation = catalog
                        .entry(Some(&glossary::ctxt(&t.term)), &t.explanation)
                        .map_or(t.explanation.as_str(), |e| e.msgstr)
                        .to_string();
                    (format!("{}（{}）", t.term, t.reading), name, explanation)
                })
                .collect()
        })
        .unwrap_or_default();
    let state = entry.map_or(State::Missing, |e| e.state);
    let mark = entry
        .filter(|e| !matches!(e.state, State::Outdated))
        .map(|e| review::mark_text("<name>", "<YYYY-MM-DD>", ctxt, &msgid, e.msgstr));
    Row {
        page,
        kind,
        place,
        flags: requirements(&msgid),
        ja_html: ja.html,
        tr_html,
        state,
        reviewer: entry.and_then(|e| e.reviewer.map(str::to_string)),
        po_line: entry.map(|e| e.line),
        facts,
        terms,
        mark,
    }
}

struct SheetHead<'a> {
    lang: &'a str,
    lang_name: &'a str,
    html_lang: &'a str,
    dir: &'a str,
    css_url: &'a str,
    scope: Option<&'a str>,
}

fn state_label(r: &Row) -> String {
    match r.state {
        State::Reviewed(d) => format!(
            "確認済み reviewed {}{}",
            d.iso(),
            r.reviewer
                .as_deref()
                .map(|n| format!(" ({})", esc(n)))
                .unwrap_or_default()
        ),
        State::Translated => "未確認 not reviewed".to_string(),
        State::Outdated => {
            "古い outdated (fuzzy): 翻訳を直してから / fix the translation first".to_string()
        }
        State::Missing => "未翻訳 missing".to_string(),
    }
}

fn sheet_html(head: &SheetHead<'_>, pages: &[(String, String, String)], rows: &[Row]) -> String {
    let e = esc;
    let mut h = String::with_capacity(64 * 1024);
    let scope = head.scope.unwrap_or("all pages / 全ページ");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"ja\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self' file:; img-src 'self' file: data:\">\n\
         <meta name=\"robots\" content=\"noindex, nofollow\">\n\
         <title>翻訳の確認シート Review sheet: {} ({}) — {}</title>\n\
         <link rel=\"stylesheet\" href=\"{}\">\n</head>\n<body>\n<main id=\"main\" class=\"wrap review-sheet\">\n",
        e(head.lang_name),
        e(head.lang),
        e(scope),
        e(head.css_url)
    );
    let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    let reviewed = count(&|r| matches!(r.state, State::Reviewed(_)));
    let unreviewed = count(&|r| matches!(r.state, State::Translated));
    let outdated = count(&|r| matches!(r.state, State::Outdated));
    let missing = count(&|r| matches!(r.state, State::Missing));
    let _ = write!(
        h,
        "<h1>翻訳の確認シート <span lang=\"en\">Review sheet</span>: <span lang=\"{hl}\" dir=\"{dir}\">{name}</span> <code>{code}</code></h1>\n\
         <p class=\"page-meta\"><code>content/i18n/{code}.po</code> — {scope}</p>\n\
         <p>{n} messages: {reviewed} reviewed, {unreviewed} not reviewed, {outdated} outdated, {missing} missing. \
         <span lang=\"ja\">メッセージ{n}件：確認済み{reviewed}、未確認{unreviewed}、古い{outdated}、未翻訳{missing}。</span></p>\n",
        hl = e(head.html_lang),
        dir = e(head.dir),
        name = e(head.lang_name),
        code = e(head.lang),
        scope = e(scope),
        n = rows.len(),
    );
    h.push_str(HOW_TO_MARK);
    let flagged: Vec<(usize, &Row)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.flags.is_empty())
        .collect();
    let _ = write!(
        h,
        "<section aria-labelledby=\"first\">\n<h2 id=\"first\">先に確認するもの <span lang=\"en\">Check these first</span> ({})</h2>\n\
         <p>事実・金額・書類・期限・住所を含むメッセージです。数字、書類の名前、日付、宛先が日本語と同じか確かめてください。 \
         <span lang=\"en\">Messages that carry a requirement: check that every amount, document name, date and address says what the Japanese says.</span></p>\n",
        flagged.len()
    );
    if flagged.is_empty() {
        h.push_str("<p>—</p>\n");
    } else {
        h.push_str("<ul class=\"review-first\">\n");
        for (i, r) in &flagged {
            let _ = writeln!(
                h,
                "<li><a href=\"#m{n}\">#{n}</a> {} <span class=\"tag tag-warn\">{}</span> <span class=\"tag\">{}</span></li>",
                e(&r.place),
                e(&r.flags.join(", ")),
                state_label(r),
                n = i + 1,
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
    for (pi, (key, title, file)) in pages.iter().enumerate() {
        let _ = write!(
            h,
            "<section aria-labelledby=\"p{pi}\">\n<h2 id=\"p{pi}\">{} <code>{}</code></h2>\n<p class=\"page-meta\"><code>{}</code></p>\n\
             <div class=\"table-wrap\">\n<table class=\"review-table\">\n<caption>{}: 日本語と翻訳 <span lang=\"en\">Japanese and translation</span></caption>\n\
             <thead><tr><th scope=\"col\">#</th><th scope=\"col\">日本語 <span lang=\"en\">Japanese</span></th>\
             <th scope=\"col\"><span lang=\"{hl}\" dir=\"{dir}\">{name}</span></th><th scope=\"col\">確認 <span lang=\"en\">Check</span></th></tr></thead>\n<tbody>\n",
            e(title),
            e(key),
            e(file),
            e(key),
            hl = e(head.html_lang),
            dir = e(head.dir),
            name = e(head.lang_name),
        );
        for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.page == pi) {
            let n = i + 1;
            let flagged = !r.flags.is_empty();
            let _ = write!(
                h,
                "<tr id=\"m{n}\"{}>\n<th scope=\"row\">#{n}<br><span class=\"review-kind\">{}</span><br><code>{}</code>{}</th>\n\
                 <td lang=\"ja\">{}</td>\n",
                if flagged {
                    " class=\"review-flagged\""
                } else {
                    ""
                },
                e(r.kind),
                e(&r.place),
                r.po_line
                    .map(|l| format!("<br><code>{}.po:{l}</code>", e(head.lang)))
                    .unwrap_or_default(),
                r.ja_html,
            );
            match &r.tr_html {
                Some(t) => {
                    let _ = writeln!(
                        h,
                        "<td lang=\"{}\" dir=\"{}\">{t}</td>",
                        e(head.html_lang),
                        e(head.dir)
                    );
                }
                None => h.push_str("<td>未翻訳 <span lang=\"en\">not translated</span></td>\n"),
            }
            h.push_str("<td>\n");
            let _ = writeln!(
                h,
                "<p><strong class=\"tag{}\">{}</strong></p>",
                if matches!(r.state, State::Reviewed(_)) {
                    ""
                } else {
                    " tag-warn"
                },
                state_label(r)
            );
            if flagged {
                let _ = writeln!(
                    h,
                    "<p>先に確認 <span lang=\"en\">check first</span>: {}</p>",
                    e(&r.flags.join(", "))
                );
            }
            if !r.facts.is_empty() {
                h.push_str(
                    "<p>事実 <span lang=\"en\">facts</span>:</p>\n<dl class=\"review-facts\">\n",
                );
                for (k, v_ja, v_tr) in &r.facts {
                    let _ = writeln!(
                        h,
                        "<dt><code>{}</code></dt><dd lang=\"ja\">{}</dd><dd lang=\"{}\" dir=\"{}\">{}</dd>",
                        e(k),
                        v_ja,
                        e(head.html_lang),
                        e(head.dir),
                        v_tr
                    );
                }
                h.push_str("</dl>\n");
            }
            if !r.terms.is_empty() {
                h.push_str(
                    "<p>用語 <span lang=\"en\">glossary</span>:</p>\n<dl class=\"review-terms\">\n",
                );
                for (term, name, explanation) in &r.terms {
                    let _ = writeln!(
                        h,
                        "<dt lang=\"ja\">{}</dt><dd lang=\"{hl}\" dir=\"{dir}\">{}</dd><dd lang=\"{hl}\" dir=\"{dir}\">{}</dd>",
                        e(term),
                        e(name),
                        e(explanation),
                        hl = e(head.html_lang),
                        dir = e(head.dir),
                    );
                }
                h.push_str("</dl>\n");
            }
            if let Some(mark) = &r.mark {
                let _ = writeln!(
                    h,
                    "<p>確認したら <span lang=\"en\">once reviewed, add</span>:<br><code class=\"review-mark\"># {}</code></p>",
                    e(mark)
                );
            }
            h.push_str("</td>\n</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// How to record a review, in Japanese and English (the reviewer reads both).
const HOW_TO_MARK: &str = "<section aria-labelledby=\"how\">\n\
<h2 id=\"how\">確認の記録のしかた <span lang=\"en\">How to mark a message reviewed</span></h2>\n\
<ol lang=\"en\">\n\
<li>Read each message: the Japanese on the left, the translation as readers see it in the middle. Check the flagged ones first: every amount, date, document name and address must say what the Japanese says.</li>\n\
<li>If a translation is wrong, correct it in the catalog first (then run <code>site-gen i18n review</code> again: the mark below depends on the exact text).</li>\n\
<li>For each message you checked, add the line shown under it as a <em>translator comment</em>, with your name (or initials) and today's date: <code># reviewed: Ana Silva 2026-12-01 3f9a61c2</code>.\n\
<ul>\n\
<li>Poedit: select the message, then the comment button (“Add comment” / “Edit comment”) in the sidebar; type the text after <code># </code> (Poedit adds the <code>#</code> itself).</li>\n\
<li>Text editor: put the line (with <code># </code>) just above the message's <code>#.</code> or <code>#:</code> lines, i.e. above <code>msgid</code>; the line number is shown under each message number here.</li>\n\
<li>Weblate: its comments are kept in Weblate, not in the file; send the lines to the site's staff, or edit the file in the repository (Weblate keeps comments that are already in the file).</li>\n\
</ul></li>\n\
<li>Run <code>site-gen check</code>: a mark with a wrong hash or date is reported at its line and does not count.</li>\n\
</ol>\n\
<p lang=\"ja\">確認したメッセージごとに、その下に表示された行を翻訳者コメント（<code># </code>で始まる行）として、名前と確認した日付を入れて追加します。翻訳を直した場合は、先に直してからこのシートを作り直してください（行の最後の値は、日本語と翻訳の文に対応しています）。<code>site-gen check</code>で確かめられます。</p>\n\
</section>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_found_by_their_words() {
        assert_eq!(
            requirements("手数料は{{ fact(key=\"fee\") }}です。"),
            ["事実 fact"]
        );
        assert_eq!(
            requirements("切手300円分を同封し、14日以内に送ります。"),
            ["金額 amount", "書類 document", "期限 deadline"]
        );
        assert_eq!(
            requirements("住民票の写しを同封します。"),
            ["書類 document"]
        );
        assert!(requirements("このページについて").is_empty());
    }
}
