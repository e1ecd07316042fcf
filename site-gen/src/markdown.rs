//! Markdown to HTML, in the dialect `policy::options` sets, and
//! the page-level rewrites: shortcodes, `@/` internal links, heading ids,
//! the table of contents, and the refusal of raw HTML.
//!
//! Raw HTML is refused (HTML comments are dropped): guidance text is written
//! by staff, read by the public, and must stay accessible and CSP-clean, so
//! anything Markdown cannot express belongs in a template or a shortcode.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use madoguchi_rules::RubyPiece;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, TextMergeWithOffset};
use serde::Serialize;

use crate::config::{Date, I18n, SiteConfig};
use crate::content::{Page, PageIndex};
use crate::data::Facts;
use crate::diag::{Diagnostic, FileId};
pub use crate::policy::{
    ALLOWED_SCHEMES, HEADING_CLASSES, is_invisible, link_scheme, options, text_problem,
};
use crate::shortcode::{self, Piece};
use crate::translate::blocks::{self, Mark, Status};
use crate::translate::catalog::{Catalog, Lookup, State};
use crate::translate::glossary::{self, Glossary};
use crate::translate::{PageCut, found_counts};

/// Everything a page render needs to know about the rest of the site.
pub struct Ctx<'a> {
    pub site: &'a SiteConfig,
    pub facts: &'a Facts,
    pub i18n: &'a I18n,
    pub pages: &'a [Page],
    pub index: &'a PageIndex,
    /// Keys of pages whose file failed to read or parse: links to them are
    /// not reported again as broken.
    pub unparsed: &'a BTreeSet<String>,
    /// Japanese terms explained at their first use in other languages.
    pub glossary: &'a Glossary,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// An internal link whose anchor is checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct LinkRef {
    pub file: FileId,
    pub span: Range<usize>,
    pub target: usize,
    pub anchor: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub ids: BTreeSet<String>,
    pub toc: Vec<TocEntry>,
    pub links: Vec<LinkRef>,
    /// Each `{{ fact(key=…) }}` rendered, with its place in the file.
    pub facts_used: Vec<(String, Range<usize>)>,
    pub diags: Vec<Diagnostic>,
    /// Look-ups made to find free heading ids: grows linearly with the
    /// number of headings (tested).
    pub id_probes: usize,
    /// A page made from a catalog: its messages' translation and review
    /// status (the page's review notice).
    pub review: Option<crate::translate::catalog::Counts>,
    /// A shortcode ran: the page's HTML depends on the facts.
    pub reads_facts: bool,
}

/// Renders one page's Markdown body.
pub fn render(ctx: &Ctx<'_>, page: &Page, text: &str) -> Rendered {
    render_marked(ctx, page, text, &[], &|_| String::new())
}

/// Renders a page of a catalog language: the default-language body with
/// each run translated (see `translate::blocks`); a missing run stays in
/// the default language, `lang`-marked and labelled, an outdated one is
/// followed by `outdated_note` (the current original, one click away).
/// Problems of the text are the original page's, reported there. The
/// page's messages are its `original`'s title and description and its
/// runs; their translation and review status is the result's `review`. On
/// a page partly reviewed, each current translation no native reviewer
/// marked is followed by a mark saying so. The body's `cut` into runs is
/// its original's, shared by every language (cut now when there is none,
/// or when the catalog was read apart from it); each run is looked up
/// once, by its message's number, for the status and the translation.
pub fn render_translated(
    ctx: &Ctx<'_>,
    page: &Page,
    text: &str,
    original: &crate::content::FrontMatter,
    (catalog, cut): (&Catalog, Option<&PageCut>),
    source_lang: &str,
    outdated_note: &dyn Fn(&Mark) -> String,
) -> Rendered {
    let body = &text[page.body_offset..];
    // The body's cut, shared by every catalog language, or cut now.
    let shared = cut.and_then(|c| Some((c, c.lookups(catalog)?)));
    let own;
    let (cut, found) = match shared {
        Some(found) => found,
        None => {
            own = PageCut::of(body, catalog.numbering());
            let found = own.lookups(catalog).unwrap_or_default();
            (&own, found)
        }
    };
    let counts = found_counts(original, found.iter().map(|f| f.1), catalog);
    // Partly reviewed: the runs still to review are marked.
    let mark_unreviewed = counts.reviewed > 0 && !counts.all_reviewed();
    let (translated, marks) = blocks::translate_runs(body, cut.runs(), |i| match found[i] {
        (Lookup::Translated(t), State::Translated) if mark_unreviewed => Status::Unreviewed(t),
        (Lookup::Translated(t), _) => Status::Translated(t),
        (Lookup::Outdated(t), _) => Status::Outdated(t),
        (Lookup::Missing, _) => Status::Missing,
    });
    let mut stub = page.clone();
    stub.body_offset = 0;
    let mut marks = marks;
    for m in &mut marks {
        if !m.outdated {
            m.source = source_lang.to_string();
        }
    }
    let mut r = render_marked(ctx, &stub, &translated, &marks, outdated_note);
    r.diags.clear();
    r.links.clear();
    for f in &mut r.facts_used {
        f.1 = 0..0;
    }
    r.review = Some(counts);
    r
}

/// Renders one page's Markdown body, with `marks` on translated runs: the
/// parser's events, each with its span in the file, go through a chain of
/// rules (each an adapter over the stream, see [`Rule`]), then heading ids,
/// the marking of Japanese text, and HTML.
fn render_marked<'a>(
    ctx: &Ctx<'_>,
    page: &Page,
    text: &'a str,
    marks: &[Mark],
    outdated_note: &dyn Fn(&Mark) -> String,
) -> Rendered {
    let base = page.body_offset;
    let file = page.file;
    let mut out = Rendered::default();
    let parser = Parser::new_ext(&text[base..], options()).into_offset_iter();
    let translation_marks = (!marks.is_empty()).then_some(TranslationMarks {
        i18n: ctx.i18n,
        marks,
        base,
        next_mark: 0,
        open: None,
        note_after: None,
        outdated_note,
    });
    let shortcodes = Shortcodes {
        ctx,
        page,
        text,
        in_code: false,
    };
    let links = Links {
        ctx,
        page,
        raw_open: false,
    };
    let mut rules = (
        RefuseHtml { file, block: None },
        (
            translation_marks,
            (
                TextProblems { text, file },
                (shortcodes, (links, (Headings { text, file }, WrapTables))),
            ),
        ),
    );
    let mut events: Vec<Event<'a>> = Vec::new();
    let mut heading_spans: Vec<Range<usize>> = Vec::new();
    let mut sink = |(event, span): Ev<'a>, _: &mut Rendered| {
        if matches!(event, Event::Start(Tag::Heading { .. })) {
            heading_spans.push(span);
        }
        events.push(event);
    };
    for (event, range) in TextMergeWithOffset::new(parser) {
        let span = base + range.start..base + range.end;
        rules.event((event, span), &mut sink, &mut out);
    }
    rules.end(&mut sink, &mut out);
    assign_heading_ids(&mut events, &heading_spans, page, &mut out);
    let events = mark_japanese(ctx, page, events);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

/// An event and its span in the page's file (an event a rule adds carries
/// the span of the event it came with).
type Ev<'e> = (Event<'e>, Range<usize>);

/// One rule of the Markdown body, as an adapter over the event stream: it
/// sees each event in order and passes on what follows it (the event as
/// is, changed, with more events, or nothing), reporting problems in
/// `out.diags`. `render_marked` chains them: each event goes through every
/// rule before the next event is read.
trait Rule<'e> {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        ev: Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    );
    /// After the last event.
    fn end<F: FnMut(Ev<'e>, &mut Rendered)>(&mut self, _next: &mut F, _out: &mut Rendered) {}
}

/// A chain: what `A` passes on goes through `B` (statically composed, so
/// the chain compiles to one loop).
impl<'e, A: Rule<'e>, B: Rule<'e>> Rule<'e> for (A, B) {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        ev: Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        let (a, b) = self;
        a.event(
            ev,
            &mut |ev, out: &mut Rendered| b.event(ev, next, out),
            out,
        );
    }

    fn end<F: FnMut(Ev<'e>, &mut Rendered)>(&mut self, next: &mut F, out: &mut Rendered) {
        let (a, b) = self;
        a.end(&mut |ev, out: &mut Rendered| b.event(ev, next, out), out);
        b.end(next, out);
    }
}

/// A rule that applies to some pages only.
impl<'e, R: Rule<'e>> Rule<'e> for Option<R> {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        ev: Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        match self {
            Some(r) => r.event(ev, next, out),
            None => next(ev, out),
        }
    }

    fn end<F: FnMut(Ev<'e>, &mut Rendered)>(&mut self, next: &mut F, out: &mut Rendered) {
        if let Some(r) = self {
            r.end(next, out);
        }
    }
}

/// Raw HTML is refused and dropped; HTML comments are dropped.
struct RefuseHtml {
    file: FileId,
    /// An HTML block being read: its text and span.
    block: Option<(String, Range<usize>)>,
}

impl<'e> Rule<'e> for RefuseHtml {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        (event, span): Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        match event {
            Event::Start(Tag::HtmlBlock) => self.block = Some((String::new(), span)),
            Event::Html(html) if self.block.is_some() => {
                if let Some((buf, _)) = &mut self.block {
                    buf.push_str(&html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((buf, block_span)) = self.block.take() {
                    refuse_html(&buf, block_span, self.file, &mut out.diags);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                refuse_html(&html, span, self.file, &mut out.diags);
            }
            event => next((event, span), out),
        }
    }

    fn end<F: FnMut(Ev<'e>, &mut Rendered)>(&mut self, _: &mut F, out: &mut Rendered) {
        if let Some((buf, block_span)) = self.block.take() {
            refuse_html(&buf, block_span, self.file, &mut out.diags);
        }
    }
}

/// On a page made from a catalog: a run left in the source language is
/// `lang`-marked and labelled missing, an unreviewed one labelled so, and
/// an outdated one followed by the current original (after its paragraph
/// or heading when the run is inside one).
struct TranslationMarks<'m> {
    i18n: &'m I18n,
    marks: &'m [Mark],
    /// Where the body starts in the file (marks are in body offsets).
    base: usize,
    /// The next mark to open.
    next_mark: usize,
    open: Option<&'m Mark>,
    note_after: Option<String>,
    outdated_note: &'m dyn Fn(&Mark) -> String,
}

impl<'e> Rule<'e> for TranslationMarks<'_> {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        (event, span): Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        let at = span.start.saturating_sub(self.base);
        let label = |key: &str| escape_html(self.i18n.strings.get(key).map_or("", String::as_str));
        if let Some(m) = self.open
            && (!blocks::is_inline(&event) || at >= m.range.end)
        {
            self.open = None;
            let html = if m.outdated {
                let note = (self.outdated_note)(m);
                if m.holder.phrasing() {
                    self.note_after = Some(note);
                    None
                } else {
                    Some(Event::Html(note.into()))
                }
            } else if m.unreviewed {
                Some(Event::InlineHtml(
                    format!(
                        " <span class=\"i18n-mark i18n-unreviewed\">{}</span>",
                        label("translation_unreviewed")
                    )
                    .into(),
                ))
            } else {
                Some(Event::InlineHtml(
                    format!("{MISSING_CLOSE}{}</span>", label("translation_missing")).into(),
                ))
            };
            if let Some(h) = html {
                next((h, span.clone()), out);
            }
        }
        if self.open.is_none()
            && blocks::is_inline(&event)
            && let Some(m) = self.marks.get(self.next_mark)
            && at >= m.range.start
        {
            self.next_mark += 1;
            self.open = Some(m);
            if !m.outdated && !m.unreviewed {
                let html = format!("{MISSING_OPEN}\"{}\">", escape_attr(&m.source));
                next((Event::InlineHtml(html.into()), span.clone()), out);
            }
        }
        let ends_holder = matches!(
            event,
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_))
        );
        next((event, span.clone()), out);
        if ends_holder && let Some(note) = self.note_after.take() {
            next((Event::Html(note.into()), span), out);
        }
    }
}

/// Text may not hold control characters or bidirectional overrides.
struct TextProblems<'t> {
    text: &'t str,
    file: FileId,
}

impl<'e> Rule<'e> for TextProblems<'_> {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        (event, span): Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        if let Event::Text(t) | Event::Code(t) = &event
            && let Some((at, problem)) = text_problem(t)
        {
            let bad = t[at..].chars().next().unwrap_or(' ');
            // The character inside the event's span (the source may spell
            // it as an entity: then the event's start).
            let offset = self.text[span.clone()]
                .find(bad)
                .map_or(span.start, |i| span.start + i);
            out.diags.push(
                Diagnostic::error(format!("the text contains {problem}"))
                    .at(self.file, offset..offset + bad.len_utf8())
                    .label("here")
                    .help(TEXT_HELP),
            );
        }
        next((event, span), out);
    }
}

/// `{{ fact(…) }}` and the other shortcodes in text (not in code) run.
struct Shortcodes<'c> {
    ctx: &'c Ctx<'c>,
    page: &'c Page,
    text: &'c str,
    in_code: bool,
}

impl<'e> Rule<'e> for Shortcodes<'_> {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        (event, span): Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => self.in_code = false,
            Event::Text(t) if !self.in_code && t.contains("{{") => {
                let src = &self.text[span.clone()];
                let mut made = Vec::new();
                expand_shortcodes(self.ctx, self.page, &t, src, span.start, &mut made, out);
                for e in made {
                    next((e, span.clone()), out);
                }
                return;
            }
            _ => {}
        }
        next((event, span), out);
    }
}

/// `@/page.md#anchor` links resolve to the page's URL (a page in another
/// language says so with `hreflang`); other link and image targets must
/// use an allowed scheme; an image needs a source.
struct Links<'c> {
    ctx: &'c Ctx<'c>,
    page: &'c Page,
    /// An `<a hreflang>` written as HTML is open.
    raw_open: bool,
}

impl<'e> Rule<'e> for Links<'_> {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        (event, span): Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        let file = self.page.file;
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let (dest, other_lang) =
                    resolve_link(self.ctx, self.page, &dest_url, span.clone(), out);
                match other_lang {
                    Some(lang) if title.is_empty() => {
                        self.raw_open = true;
                        Event::Html(CowStr::Boxed(
                            format!(
                                "<a href=\"{}\" hreflang=\"{}\">",
                                escape_attr(&dest),
                                escape_attr(&lang)
                            )
                            .into(),
                        ))
                    }
                    _ => Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest.into(),
                        title,
                        id,
                    }),
                }
            }
            Event::End(TagEnd::Link) if self.raw_open => {
                self.raw_open = false;
                Event::Html(CowStr::Borrowed("</a>"))
            }
            Event::Start(Tag::Image { ref dest_url, .. }) if dest_url.is_empty() => {
                out.diags.push(
                    Diagnostic::error("image without a source")
                        .at(file, span)
                        .label("here"),
                );
                return;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: checked_target(dest_url, "link", file, span.clone(), &mut out.diags),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: checked_target(dest_url, "image", file, span.clone(), &mut out.diags),
                title,
                id,
            }),
            event => event,
        };
        next((event, span), out);
    }
}

/// A heading takes only an id and the allowed classes (others are
/// reported and dropped); the page's title is its only h1.
struct Headings<'t> {
    text: &'t str,
    file: FileId,
}

impl<'e> Rule<'e> for Headings<'_> {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        (event, span): Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = event
        else {
            next((event, span), out);
            return;
        };
        let refused: Vec<String> = attrs
            .iter()
            .map(|(name, _)| format!("heading attribute `{name}` is not allowed"))
            .chain(
                classes
                    .iter()
                    .filter(|c| !HEADING_CLASSES.contains(&c.as_ref()))
                    .map(|class| format!("heading class `{class}` is not allowed")),
            )
            .collect();
        // The heading's first line (its span ends with the line break).
        let line = span.start
            ..self.text[span.clone()]
                .find('\n')
                .map_or(span.end, |i| span.start + i);
        for message in &refused {
            out.diags.push(
                Diagnostic::error(message.clone())
                    .at(self.file, line.clone())
                    .label("this heading")
                    .help(HEADING_HELP),
            );
        }
        if refused.is_empty() && level == HeadingLevel::H1 {
            out.diags.push(
                Diagnostic::error("a level-1 heading in the page body")
                    .at(self.file, span.clone())
                    .label("`#` heading")
                    .help("the front matter title is the page's only h1: start sections at `##`"),
            );
        }
        let classes = classes
            .into_iter()
            .filter(|c| HEADING_CLASSES.contains(&c.as_ref()))
            .collect();
        let attrs = Vec::new();
        let heading = Tag::Heading {
            level,
            id,
            classes,
            attrs,
        };
        next((Event::Start(heading), span), out);
    }
}

/// A table scrolls inside its own box on a narrow screen.
struct WrapTables;

impl<'e> Rule<'e> for WrapTables {
    fn event<F: FnMut(Ev<'e>, &mut Rendered)>(
        &mut self,
        (event, span): Ev<'e>,
        next: &mut F,
        out: &mut Rendered,
    ) {
        match event {
            Event::Start(Tag::Table(_)) => {
                next(
                    (
                        Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">")),
                        span.clone(),
                    ),
                    out,
                );
                next((event, span), out);
            }
            Event::End(TagEnd::Table) => {
                next((event, span.clone()), out);
                next((Event::Html(CowStr::Borrowed("</div>")), span), out);
            }
            event => next((event, span), out),
        }
    }
}

/// On a page in another language than the default one, Japanese text is
/// marked `lang="ja"` and the first use of each glossary term is a `<dfn>`
/// followed by its reading and explanation in the page's language. On an
/// Easy Japanese page (another language written as Japanese) nothing needs
/// a mark, and the explanation of a term follows the text of its first
/// use. On every page a reading written `{漢字|かんじ}` is a `<ruby>`.
fn mark_japanese<'e>(ctx: &Ctx<'_>, page: &Page, events: Vec<Event<'e>>) -> Vec<Event<'e>> {
    let html_lang = |code: &str| {
        ctx.site
            .language(code)
            .map_or(code.to_string(), |l| l.html_lang().to_string())
    };
    let source = html_lang(&ctx.site.default_language);
    let same_script = html_lang(&page.lang) == source;
    let easy = same_script && page.lang != ctx.site.default_language;
    let has_ruby = |e: &Event<'_>| matches!(e, Event::Text(t) if t.contains('|'));
    if same_script && !easy && !events.iter().any(has_ruby) {
        return events;
    }
    let han = glossary::writes_han(&page.lang);
    let mut seen = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    let (mut in_code, mut in_heading, mut in_source) = (false, false, false);
    for event in events {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::InlineHtml(h) if h.starts_with(MISSING_OPEN) => in_source = true,
            Event::InlineHtml(h) if h.starts_with(MISSING_CLOSE) => in_source = false,
            _ => {}
        }
        let Event::Text(text) = &event else {
            out.push(event);
            continue;
        };
        if in_code || in_source {
            out.push(event);
            continue;
        }
        let pieces = madoguchi_rules::ruby_pieces(text);
        if same_script {
            if pieces.iter().any(|p| matches!(p, RubyPiece::Ruby(..))) {
                for p in &pieces {
                    match *p {
                        RubyPiece::Text(t) => out.push(Event::Text(t.to_string().into())),
                        RubyPiece::Ruby(b, r) => {
                            out.push(Event::InlineHtml(ruby_html(b, r, None).into()))
                        }
                    }
                }
            } else {
                out.push(event.clone());
            }
            if easy && !in_heading {
                let plain = madoguchi_rules::strip_ruby(text);
                for i in glossary::first_uses(&plain, ctx.glossary, &mut seen) {
                    let term = &ctx.glossary.terms[i];
                    let explanation = term
                        .explanation
                        .get(&page.lang)
                        .or_else(|| term.explanation.get(&ctx.site.default_language))
                        .map_or("", String::as_str);
                    out.push(Event::InlineHtml(
                        format!(
                            "<small class=\"gloss\">（<dfn>{}</dfn>：{}）</small>",
                            ruby_html(&term.term, &term.reading, None),
                            ruby_text_html(explanation, None)
                        )
                        .into(),
                    ));
                }
            }
            continue;
        }
        let mut heading_seen = seen.clone();
        for piece in pieces {
            let text = match piece {
                RubyPiece::Ruby(b, r) => {
                    out.push(Event::InlineHtml(ruby_html(b, r, Some(&source)).into()));
                    continue;
                }
                RubyPiece::Text(t) => t,
            };
            let split = glossary::split(
                text,
                ctx.glossary,
                han,
                if in_heading {
                    &mut heading_seen
                } else {
                    &mut seen
                },
            );
            for piece in split {
                match piece {
                    glossary::Piece::Other(t) => out.push(Event::Text(t.to_string().into())),
                    glossary::Piece::Japanese(t) => {
                        out.push(Event::InlineHtml(
                            format!("<span lang=\"{source}\">").into(),
                        ));
                        out.push(Event::Text(t.to_string().into()));
                        out.push(Event::InlineHtml("</span>".into()));
                    }
                    glossary::Piece::Term(t, i) if in_heading => {
                        let _ = i;
                        out.push(Event::InlineHtml(
                            format!("<span lang=\"{source}\">").into(),
                        ));
                        out.push(Event::Text(t.to_string().into()));
                        out.push(Event::InlineHtml("</span>".into()));
                    }
                    glossary::Piece::Term(t, i) => {
                        let term = &ctx.glossary.terms[i];
                        let (explanation, lang) = match term.explanation.get(&page.lang) {
                            Some(e) => (e.as_str(), None),
                            None => (
                                term.explanation
                                    .get(&ctx.site.default_language)
                                    .map_or("", String::as_str),
                                Some(source.as_str()),
                            ),
                        };
                        out.push(Event::InlineHtml(
                            format!(
                                "<dfn lang=\"{source}\">{}</dfn><small class=\"gloss\"> (<span lang=\"{source}\">{}</span>{}{})</small>",
                                escape_html(t),
                                escape_html(&term.reading),
                                if explanation.is_empty() { "" } else { ": " },
                                match lang {
                                    Some(l) if !explanation.is_empty() => format!("<span lang=\"{l}\">{}</span>", ruby_text_html(explanation, None)),
                                    _ => ruby_text_html(explanation, None),
                                }
                            )
                            .into(),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// `<ruby>base<rt>reading</rt></ruby>`, escaped; `lang` marks it when the
/// page is in another language.
pub fn ruby_html(base: &str, reading: &str, lang: Option<&str>) -> String {
    let lang = lang.map(|l| format!(" lang=\"{l}\"")).unwrap_or_default();
    format!(
        "<ruby{lang}>{}<rt>{}</rt></ruby>",
        escape_html(base),
        escape_html(reading)
    )
}

/// A text escaped, with its readings (`{漢字|かんじ}`) as `<ruby>`.
pub fn ruby_text_html(text: &str, lang: Option<&str>) -> String {
    madoguchi_rules::ruby_pieces(text)
        .into_iter()
        .map(|p| match p {
            RubyPiece::Text(t) => escape_html(t),
            RubyPiece::Ruby(b, r) => ruby_html(b, r, lang),
        })
        .collect()
}

/// How a run left in the default language opens and closes (its mark).
const MISSING_OPEN: &str = "<span lang=";
const MISSING_CLOSE: &str = "</span> <span class=\"i18n-mark\">";

const HEADING_HELP: &str = "a heading takes only an id and the classes `no-print` and \
    `visually-hidden`: `## Title {#id .no-print}`";

const TEXT_HELP: &str = "delete the character (retype the text if it was pasted): control \
    characters and bidirectional overrides are not allowed in content";

/// Raw HTML other than comments is refused; comments are dropped. An
/// unclosed comment would swallow the rest of the page, so it is refused too.
fn refuse_html(html: &str, span: Range<usize>, file: FileId, diags: &mut Vec<Diagnostic>) {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        let Some(end) = after.find("-->") else {
            diags.push(
                Diagnostic::error("HTML comment is not closed")
                    .at(file, span)
                    .label("`<!--` without `-->`")
                    .help("end the comment with `-->`, or it hides the rest of the page"),
            );
            return;
        };
        rest = after[end + 3..].trim_start();
    }
    if rest.is_empty() {
        return;
    }
    diags.push(
        Diagnostic::error("raw HTML is not allowed in content")
            .at(file, span)
            .label("HTML here")
            .help(
                "use Markdown instead (headings take ids as `## Title {#id}`); \
                 anything Markdown cannot express belongs in a template",
            ),
    );
}

/// A link or image target with an allowed scheme, or `#` after reporting it.
fn checked_target<'e>(
    dest: CowStr<'e>,
    what: &str,
    file: FileId,
    span: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> CowStr<'e> {
    match link_scheme(&dest) {
        Some(scheme) if !ALLOWED_SCHEMES.contains(&scheme.as_str()) => {
            diags.push(
                Diagnostic::error(format!("{what} to a `{scheme}:` address is not allowed"))
                    .at(file, span)
                    .label(format!("`{scheme}:` {what}"))
                    .help(
                        "links and images may use http:, https:, mailto: and tel:, a relative \
                     path or a page as `@/folder/page.md`",
                    ),
            );
            CowStr::Borrowed("#")
        }
        _ => dest,
    }
}

fn expand_shortcodes<'e>(
    ctx: &Ctx<'_>,
    page: &Page,
    text: &str,
    src: &str,
    src_start: usize,
    events: &mut Vec<Event<'e>>,
    out: &mut Rendered,
) {
    // The text event may differ from the source (escapes, entities); locate a
    // call in the source by its literal text, falling back to the event start.
    let locate = |literal: &str| -> Range<usize> {
        src.find(literal)
            .map_or(src_start..src_start + src.len(), |i| {
                src_start + i..src_start + i + literal.len()
            })
    };
    let pieces = match shortcode::parse(text) {
        Ok(p) => p,
        Err(e) => {
            out.diags.push(
                Diagnostic::error(format!("shortcode syntax: {}", e.message))
                    .at(page.file, locate(&text[e.range.clone()]))
                    .label("this shortcode")
                    .help(shortcode::SYNTAX_HELP),
            );
            return;
        }
    };
    for piece in pieces {
        match piece {
            Piece::Text(t) => events.push(Event::Text(CowStr::Boxed(t.into()))),
            Piece::Call(call) => {
                out.reads_facts = true;
                let span = locate(&text[call.range.clone()]);
                match call_shortcode(ctx, page, &call) {
                    Ok(s) => {
                        if let Some(key) = call.args.get("key") {
                            out.facts_used.push((key.clone(), span));
                        }
                        events.push(Event::Text(CowStr::Boxed(s.into())));
                    }
                    Err((message, help)) => {
                        // A key no data file defines (left out when its
                        // data file is itself broken).
                        let kind = match call.args.get("key") {
                            Some(key) if !ctx.facts.facts.contains_key(key) => {
                                crate::diag::Kind::UnknownFact(key.clone())
                            }
                            _ => crate::diag::Kind::Other,
                        };
                        out.diags.push(
                            Diagnostic::error(message)
                                .at(page.file, span)
                                .label("this shortcode")
                                .help(help)
                                .kind(kind),
                        );
                    }
                }
            }
        }
    }
}

/// Runs one shortcode. Errors are (message, what to do).
fn call_shortcode(
    ctx: &Ctx<'_>,
    page: &Page,
    call: &shortcode::Call,
) -> Result<String, (String, String)> {
    match call.name.as_str() {
        "fact" => {
            if let Some(extra) = call.args.keys().find(|k| *k != "key" && *k != "on") {
                return Err((
                    format!("`fact` takes no argument `{extra}`"),
                    "`fact` takes `key` and, for dated rates, `on=\"YYYY-MM-DD\"`".into(),
                ));
            }
            let Some(key) = call.args.get("key") else {
                return Err((
                    "`fact` needs a `key`".into(),
                    "write {{ fact(key=\"<data file>.<fact>\") }}".into(),
                ));
            };
            let Some(fact) = ctx.facts.facts.get(key) else {
                let known: Vec<&str> = ctx.facts.facts.keys().map(String::as_str).collect();
                return Err((
                    format!("unknown fact `{key}`"),
                    format!(
                        "define it in content/data/{}.toml; known facts: {}",
                        key.split('.').next().unwrap_or(key),
                        if known.is_empty() {
                            "none".into()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            };
            let on = match call.args.get("on") {
                None => None,
                Some(s) => Some(Date::parse(s).ok_or_else(|| {
                    (
                        format!("`on=\"{s}\"` is not a date"),
                        "write the date as YYYY-MM-DD".to_string(),
                    )
                })?),
            };
            crate::data::render(&fact.fact, &page.lang, ctx.i18n, on).map_err(|e| {
                (
                    format!("fact `{key}`: {e}"),
                    "check the fact's data file".into(),
                )
            })
        }
        other => Err((
            format!("unknown shortcode `{other}`"),
            "the available shortcode is `fact(key=\"...\", on=\"YYYY-MM-DD\")`".into(),
        )),
    }
}

/// Turns `@/dir/page.md#anchor` (or `@/dir/page.en.md`) into the page's URL in
/// the page's language, falling back to the default language.
fn resolve_link(
    ctx: &Ctx<'_>,
    page: &Page,
    dest: &str,
    span: Range<usize>,
    out: &mut Rendered,
) -> (String, Option<String>) {
    let raw = &dest[2..];
    let (path, anchor) = raw
        .split_once('#')
        .map_or((raw, None), |(p, a)| (p, Some(a)));
    let (key, lang) = match path
        .strip_suffix(".md")
        .and_then(|s| s.rsplit_once('.'))
        .filter(|(_, l)| ctx.site.language(l).is_some())
    {
        Some((stem, l)) => (format!("{stem}.md"), Some(l.to_string())),
        None => (path.to_string(), None),
    };
    let target = match &lang {
        Some(l) => ctx.index.get(&key, l),
        None => ctx
            .index
            .get(&key, &page.lang)
            .or_else(|| ctx.index.get(&key, &ctx.site.default_language)),
    };
    let Some(target) = target else {
        if ctx.unparsed.contains(&key) {
            // Its own error already says why the page is missing.
            return ("#".into(), None);
        }
        let msg = if ctx.index.by_key.contains_key(&key) {
            format!(
                "link to `{path}`: that page has no `{}` version",
                lang.as_deref().unwrap_or(&page.lang)
            )
        } else {
            format!("link to `{path}`: no such page")
        };
        out.diags.push(
            Diagnostic::error(msg)
                .at(page.file, span)
                .label("broken link")
                .help(
                    "internal links are source paths relative to content/, like \
                     `@/alien-registration/disclosure.md#fee`",
                ),
        );
        return ("#".into(), None);
    };
    let t = &ctx.pages[target];
    let mut url = format!("{}{}/{}", ctx.site.base_path(), t.lang, t.rel_url);
    if let Some(a) = anchor {
        url.push('#');
        url.push_str(a);
        out.links.push(LinkRef {
            file: page.file,
            span,
            target,
            anchor: a.to_string(),
        });
    }
    let other_lang = (t.lang != page.lang).then(|| t.lang.clone());
    (url, other_lang)
}

fn escape_html(s: &str) -> String {
    escape_attr(s).replace('>', "&gt;")
}

/// Escapes text for an attribute value or element content.
pub fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// Ids the templates use themselves.
fn is_reserved(id: &str) -> bool {
    id == "main" || id.starts_with("madoguchi-")
}

fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// ASCII slug of a heading's text; empty if it has no ASCII letters or digits.
fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        format!("s-{slug}")
    } else {
        slug
    }
}

/// The first free id among `base`, `base-2`, `base-3`…, remembering per
/// base where to look next, so that n headings with the same text take
/// O(n) look-ups in all, not O(n²).
fn free_id(
    base: &str,
    taken: &BTreeSet<String>,
    next_suffix: &mut HashMap<String, usize>,
    probes: &mut usize,
) -> String {
    let mut n = next_suffix.get(base).copied().unwrap_or(1);
    loop {
        let candidate = if n == 1 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        };
        *probes += 1;
        n += 1;
        if !taken.contains(&candidate) && !is_reserved(&candidate) {
            next_suffix.insert(base.to_string(), n);
            return candidate;
        }
    }
}

/// Gives every heading an id (explicit `{#id}` or generated ASCII) and collects the TOC.
fn assign_heading_ids(
    events: &mut [Event<'_>],
    spans: &[Range<usize>],
    page: &Page,
    out: &mut Rendered,
) {
    let mut i = 0;
    let mut counter = 0;
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    while i < events.len() {
        let Event::Start(Tag::Heading { level, id, .. }) = &events[i] else {
            i += 1;
            continue;
        };
        let level = *level;
        let explicit = id.as_ref().map(|s| s.to_string());
        let mut text = String::new();
        let mut j = i + 1;
        while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
            if let Event::Text(t) | Event::Code(t) = &events[j] {
                text.push_str(t);
            }
            j += 1;
        }
        let span = spans.get(counter).cloned().unwrap_or(0..0);
        counter += 1;
        let id = match explicit {
            Some(id) => {
                if !valid_id(&id) {
                    out.diags.push(
                        Diagnostic::error(format!("heading id `{id}` is not ASCII-safe"))
                            .at(page.file, span.clone())
                            .label("this heading")
                            .help("ids start with a letter and use only ASCII letters, digits, `-` and `_`"),
                    );
                }
                if is_reserved(&id) {
                    out.diags.push(
                        Diagnostic::error(format!(
                            "heading id `{id}` is reserved for the page layout"
                        ))
                        .at(page.file, span.clone())
                        .label("this heading")
                        .help(
                            "pick another id: `main` and ids starting with `madoguchi-` are taken",
                        ),
                    );
                }
                if out.ids.contains(&id) {
                    out.diags.push(
                        Diagnostic::error(format!("heading id `{id}` is used twice"))
                            .at(page.file, span.clone())
                            .label("this heading")
                            .help("give each heading of a page its own id"),
                    );
                }
                id
            }
            None => {
                let base = match slugify(&text) {
                    s if s.is_empty() => format!("section-{counter}"),
                    s => s,
                };
                free_id(&base, &out.ids, &mut next_suffix, &mut out.id_probes)
            }
        };
        out.ids.insert(id.clone());
        if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
            out.toc.push(TocEntry {
                level: level as u8,
                id: id.clone(),
                text: text.trim().to_string(),
            });
        }
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(CowStr::Boxed(id.into()));
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::FrontMatter;
    use proptest::prelude::*;

    /// Renders `body` as the only page of a one-language site.
    fn render_body(body: &str) -> Rendered {
        with_page(|ctx, page| render(ctx, page, body))
    }

    /// `f` with a one-language site and its only page.
    fn with_page<R>(f: impl FnOnce(&Ctx<'_>, &Page) -> R) -> R {
        let site: SiteConfig = toml::from_str(
            "title = \"t\"\nbase_url = \"https://example.org/\"\ndefault_language = \"en\"\n\
             [[languages]]\ncode = \"en\"\nname = \"English\"\ntitle = \"t\"\n",
        )
        .expect("site");
        let i18n: I18n = toml::from_str(
            "[format]\nmoney = \"¥{amount}\"\nthousands_separator = \",\"\ndate = \"{year}\"\n\
             rate_from = \"{value}\"\nunverified = \"?\"\n[strings]\n",
        )
        .expect("i18n");
        let front: FrontMatter =
            toml::from_str("title = \"t\"\ndescription = \"d\"\nupdated = 2026-01-01\n")
                .expect("front matter");
        let page = Page {
            file: 0,
            key: "page.md".into(),
            lang: "en".into(),
            is_section: false,
            dir: String::new(),
            rel_url: "page/".into(),
            front,
            front_toml: 0..0,
            body_offset: 0,
            from_catalog: false,
        };
        let pages = vec![page];
        let index = PageIndex::new(&pages);
        let ctx = Ctx {
            site: &site,
            facts: &Facts::default(),
            i18n: &i18n,
            pages: &pages,
            index: &index,
            unparsed: &BTreeSet::new(),
            glossary: &Glossary::default(),
        };
        f(&ctx, &pages[0])
    }

    /// Every catalog language's page is rendered from its original's cut:
    /// the same page as from a cut of its own (and, for a catalog read
    /// apart from the others, which numbers its messages otherwise, from
    /// its own), with translated, outdated (fuzzy), missing, obsolete and
    /// Markdown entries; the status counts from the cut are those of the
    /// body cut again.
    #[test]
    fn a_page_cut_once_renders_every_language_as_its_own_cut_does() {
        use crate::diag::Sources;
        let body = "## 見出し {#h}\n\n段落の\n続き。\n\n- 項目 **強調**\n- [リンク](https://example.org/)\n\n\
                    | 列 | 値 |\n|---|---|\n| 古い | 無い |\n\n```\nコード\n```\n\n> 引用\n";
        let po = |entries: &str| {
            format!(
                "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n{entries}"
            )
        };
        let en = po("#: a.md:1\nmsgid \"見出し\"\nmsgstr \"Heading\"\n\n\
                     msgid \"段落の\\n続き。\"\nmsgstr \"A paragraph\\ngoing on.\"\n\n\
                     msgid \"項目 **強調**\"\nmsgstr \"Item **stressed**\"\n\n\
                     #, fuzzy\n#| msgid \"古かった\"\nmsgid \"古い\"\nmsgstr \"Old\"\n\n\
                     msgid \"列\"\nmsgstr \"Column\"\n\n\
                     #~ msgid \"無い\"\n#~ msgstr \"None\"\n");
        let ko = po("msgid \"見出し\"\nmsgstr \"제목\"\n\n\
                     msgid \"引用\"\nmsgstr \"인용\"\n\n\
                     msgid \"値\"\nmsgstr \"\"\n");
        let mut sources = Sources::default();
        let files: Vec<(&str, usize)> = [("en", &en), ("ko", &ko)]
            .into_iter()
            .map(|(l, t)| {
                let path = std::path::PathBuf::from(format!("{l}.po"));
                (
                    l,
                    sources.add(&path, format!("content/i18n/{l}.po"), t.clone()),
                )
            })
            .collect();
        let read = |s: &Sources, id| Ok(s.text(id).to_string().into());
        let mut diags = Vec::new();
        let together = Catalog::parse_all(&sources, &files, &read, None, &mut diags);
        let (apart, _) = Catalog::parse(&sources, files[1].1, "ko", &read);
        let apart = apart.expect("ko read apart");
        assert!(diags.is_empty(), "{diags:?}");
        let cut = PageCut::of(body, together[0].numbering());
        with_page(|ctx, page| {
            let front = &page.front;
            let html = |catalog: &Catalog, cut: Option<&PageCut>| {
                let note = |m: &Mark| format!("<details>{}</details>", m.source);
                let r = render_translated(ctx, page, body, front, (catalog, cut), "ja", &note);
                (r.html, r.review)
            };
            for catalog in together.iter().chain([&apart]) {
                let shared = html(catalog, Some(&cut));
                assert_eq!(shared, html(catalog, None), "{}", catalog.lang);
                let counts = crate::translate::body_counts(front, body, catalog);
                assert_eq!(shared.1, Some(counts), "{}", catalog.lang);
            }
            let (en, en_counts) = html(&together[0], Some(&cut));
            for shown in [
                "Heading",
                "A paragraph\ngoing on.",
                "<strong>stressed</strong>",
                "Column",
            ] {
                assert!(en.contains(shown), "{shown} in {en}");
            }
            assert!(
                en.contains("Old") && en.contains("<details>古い</details>"),
                "{en}"
            );
            assert!(en.contains("無い") && en.contains("コード"), "{en}");
            let en_counts = en_counts.expect("counts");
            assert_eq!((en_counts.translated, en_counts.outdated), (4, 1));
            let (ko, _) = html(&together[1], Some(&cut));
            assert!(
                ko.contains("제목") && ko.contains("인용") && ko.contains("値"),
                "{ko}"
            );
        });
    }

    /// n headings with the same text: ids `same`, `same-2`, … `same-n`.
    fn same_headings(n: usize) -> Rendered {
        let body = "## Same\n\n".repeat(n);
        let r = render_body(&body);
        assert!(r.diags.is_empty(), "{:?}", r.diags);
        assert_eq!(r.ids.len(), n);
        assert!(r.ids.contains(&format!("same-{n}")));
        r
    }

    /// De-duplicating heading ids is linear: the look-ups for 20,000 equal
    /// headings are twice those for 10,000 (they were quadratic: 6.3 s and 26 s).
    #[test]
    fn heading_ids_take_linear_work() {
        let ten = same_headings(10_000).id_probes;
        let twenty = same_headings(20_000).id_probes;
        println!("heading-id look-ups: 10,000 headings: {ten}; 20,000 headings: {twenty}");
        assert_eq!(ten, 10_000);
        assert_eq!(twenty, 20_000);
        // Generated ids that collide with explicit ones still cost one more look-up each.
        let mixed = render_body("## A {#a-2}\n\n## A\n\n## A\n\n## A\n");
        let ids: Vec<&str> = mixed.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a-2", "a", "a-3", "a-4"]);
        assert_eq!(mixed.id_probes, 4);
    }

    #[test]
    fn multi_line_comments_are_dropped() {
        let r = render_body(
            "Before.\n\n<!-- a note\nfor staff\n-->\n\nAfter <!-- inline\nnote --> text.\n",
        );
        assert!(r.diags.is_empty(), "{:?}", r.diags);
        assert!(
            !r.html.contains("staff") && !r.html.contains("note"),
            "{}",
            r.html
        );
        assert!(r.html.contains("After") && r.html.contains("text."));
        let refused = render_body("<!-- a note -->\n<div>x</div>\n");
        assert_eq!(refused.diags.len(), 1, "{:?}", refused.diags);
    }

    #[test]
    fn link_schemes_are_read_as_a_browser_reads_them() {
        assert_eq!(link_scheme("javascript:x").as_deref(), Some("javascript"));
        assert_eq!(
            link_scheme(" \tJava\nScript:x").as_deref(),
            Some("javascript")
        );
        assert_eq!(link_scheme("\u{1}data:x").as_deref(), Some("data"));
        assert_eq!(link_scheme("https://example.org").as_deref(), Some("https"));
        assert_eq!(link_scheme("/a:b"), None);
        assert_eq!(link_scheme("page#x:y"), None);
        assert_eq!(link_scheme("javascript%3Ax"), None);
        assert_eq!(link_scheme("../up"), None);
    }

    /// `(name, value)` of every attribute in the HTML, values decoded the
    /// way a browser decodes them (character references).
    fn attributes(html: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let end = after.find('>').unwrap_or(after.len());
            let mut tag = &after[..end];
            rest = &after[end..];
            // Skip the tag name.
            tag = tag
                .trim_start_matches('/')
                .trim_start_matches(|c: char| c != ' ' && c != '/');
            loop {
                tag = tag.trim_start_matches([' ', '/']);
                if tag.is_empty() {
                    break;
                }
                let name_end = tag.find(['=', ' ', '/']).unwrap_or(tag.len());
                let name = tag[..name_end].to_ascii_lowercase();
                tag = &tag[name_end..];
                let mut value = String::new();
                if let Some(v) = tag.strip_prefix("=\"") {
                    let close = v.find('"').unwrap_or(v.len());
                    value = decode(&v[..close]);
                    tag = v.get(close + 1..).unwrap_or("");
                }
                out.push((name, value));
            }
        }
        out
    }

    fn decode(v: &str) -> String {
        let mut out = String::new();
        let mut rest = v;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let semi = tail.find(';').unwrap_or(0);
            let entity = &tail[1..semi.max(1)];
            let c = match entity {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "#39" => Some('\''),
                e => e
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            match c {
                Some(c) if semi > 0 => {
                    out.push(c);
                    rest = &tail[semi + 1..];
                }
                _ => {
                    out.push('&');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn hostile_target() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[ \\t\\x01]{0,2}(javascript|JaVaScRiPt|java&#115;cript|jav&#x09;ascript|data|DATA|vbscript|https|http|mailto|tel|file)(:|&#58;|&colon;)[ -~]{0,20}",
            "(@/page.md|#x|/a|\\./b|//evil.example)[ -~]{0,10}",
            "<(javascript|data):[a-z()]{0,10}>",
        ]
    }

    fn hostile_attributes() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            "#[a-zA-Z][a-zA-Z0-9_-]{0,8}",
            "\\.[a-z-]{1,12}",
            "\\.(no-print|visually-hidden)",
            "(on[a-z]{2,12}|style|hidden|popover|autofocus|href|src|formaction|[a-z]{1,8})(=[^ {}]{0,12})?",
        ];
        proptest::collection::vec(token, 0..5).prop_map(|t| t.join(" "))
    }

    const URL_ATTRIBUTES: &[&str] = &["href", "src"];
    const ALLOWED_ATTRIBUTES: &[&str] = &["href", "src", "alt", "title", "id", "class", "hreflang"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Whatever staff or a hostile pull request writes as a link target
        /// or heading attributes, no `javascript:` or `data:` URL and no
        /// event handler (or any attribute beyond the allow-list) reaches
        /// the HTML, even when the build reports an error.
        #[test]
        fn no_script_reaches_the_html(target in hostile_target(), attrs in hostile_attributes()) {
            let body = format!(
                "## Heading {{{attrs}}}\n\n[link]({target}) ![image]({target}) <{target}>\n\n[ref][r]\n\n[r]: {target}\n"
            );
            let r = render_body(&body);
            for (name, value) in attributes(&r.html) {
                prop_assert!(
                    ALLOWED_ATTRIBUTES.contains(&name.as_str()),
                    "attribute `{}` in {}", name, r.html
                );
                if URL_ATTRIBUTES.contains(&name.as_str()) {
                    let scheme = link_scheme(&value);
                    prop_assert!(
                        scheme.as_deref().is_none_or(|s| ALLOWED_SCHEMES.contains(&s)),
                        "{}=\"{}\" in {}", name, value, r.html
                    );
                }
                if name == "class" {
                    for class in value.split_whitespace() {
                        prop_assert!(HEADING_CLASSES.contains(&class), "class {} in {}", class, r.html);
                    }
                }
            }
        }
    }

    #[test]
    fn slugs_are_ascii_or_empty() {
        assert_eq!(slugify("Handling fee (手数料)"), "handling-fee");
        assert_eq!(slugify("手数料"), "");
        assert_eq!(slugify("2 copies"), "s-2-copies");
    }

    #[test]
    fn ids_must_be_ascii() {
        assert!(valid_id("fee"));
        assert!(valid_id("who-may-request_2"));
        assert!(!valid_id("手数料"));
        assert!(!valid_id("1st"));
    }
}
