//! Markdown at block level, the way gettext-based documentation projects
//! (mdbook-i18n-helpers) cut it: every run of inline content (a paragraph,
//! a heading's text, a tight list item, a table cell) is one message, its
//! Markdown source as written. Code blocks are not translated. A page in
//! another language is its Japanese source with each run replaced by its
//! translation ([`translate`]); everything between runs (list markers,
//! heading levels and `{#ids}`, table pipes, code) stays as it was.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::policy;

/// What holds a run: decides where a mark can go in the HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// `<p>`: phrasing only, so notes go after it.
    Paragraph,
    /// `<h2>`…: phrasing only and one line.
    Heading,
    /// `<li>`, `<blockquote>`, footnotes: notes go right after the run.
    Flow,
    /// `<td>`: flow content, one line.
    Cell,
}

impl Holder {
    /// Whether a note must follow the element rather than the run.
    pub fn phrasing(self) -> bool {
        matches!(self, Holder::Paragraph | Holder::Heading)
    }

    fn one_line(self) -> bool {
        matches!(self, Holder::Heading | Holder::Cell)
    }
}

/// One translatable run of a Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Byte range of the run in the body.
    pub range: Range<usize>,
    /// The message: the run's source with continuation indents removed.
    pub text: String,
    pub holder: Holder,
}

/// Whether an event belongs to a run of inline content.
pub fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::FootnoteReference(_) => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ),
        _ => false,
    }
}

/// The message text of a source run: each continuation line loses the
/// indent and `>` markers its container needs.
pub fn message_text(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for (i, line) in src.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(line.trim_start_matches([' ', '\t', '>']));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The translatable runs of a Markdown body, in order.
pub fn blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut holders: Vec<Holder> = Vec::new();
    let mut run: Option<Range<usize>> = None;
    let mut in_code = false;
    let close = |run: &mut Option<Range<usize>>, holder: Option<&Holder>, out: &mut Vec<Block>| {
        if let Some(r) = run.take() {
            let src = &body[r.clone()];
            if !src.trim().is_empty() {
                out.push(Block {
                    range: r,
                    text: message_text(src),
                    holder: holder.copied().unwrap_or(Holder::Flow),
                });
            }
        }
    };
    for (event, range) in Parser::new_ext(body, policy::options()).into_offset_iter() {
        if in_code {
            if matches!(event, Event::End(TagEnd::CodeBlock)) {
                in_code = false;
            }
            continue;
        }
        if is_inline(&event) {
            match &mut run {
                Some(r) => r.end = r.end.max(range.end),
                None => run = Some(range),
            }
            continue;
        }
        close(&mut run, holders.last(), &mut out);
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::Start(Tag::Paragraph) => holders.push(Holder::Paragraph),
            Event::Start(Tag::Heading { .. }) => holders.push(Holder::Heading),
            Event::Start(Tag::TableCell) => holders.push(Holder::Cell),
            Event::Start(Tag::Item | Tag::BlockQuote(_) | Tag::FootnoteDefinition(_)) => {
                holders.push(Holder::Flow)
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => {
                holders.pop();
            }
            _ => {}
        }
    }
    close(&mut run, holders.last(), &mut out);
    out
}

/// How a run of a translated page is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status<'t> {
    /// The translation is current.
    Translated(&'t str),
    /// An older translation: shown with a mark and the current Japanese.
    Outdated(&'t str),
    /// A current translation no native reviewer marked, on a page where
    /// other parts are reviewed: shown with a mark saying so.
    Unreviewed(&'t str),
    /// No translation: the Japanese run, marked.
    Missing,
}

/// A run of a translated body that needs a mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Byte range of the run in the translated body.
    pub range: Range<usize>,
    pub outdated: bool,
    /// A current translation not yet reviewed (on a partly reviewed page).
    pub unreviewed: bool,
    /// The current Japanese message, behind an outdated run (empty for
    /// the other marks).
    pub source: String,
    pub holder: Holder,
}

/// The body with every run replaced as `status` says, and the marks.
pub fn translate<'t>(
    body: &str,
    mut status: impl FnMut(&Block) -> Status<'t>,
) -> (String, Vec<Mark>) {
    let cut = blocks(body);
    translate_runs(body, cut.iter().map(|b| (b.range.clone(), b.holder)), |i| {
        status(&cut[i])
    })
}

/// [`translate`] with the body already cut into its runs (their byte
/// ranges and holders, as [`blocks`] gives them); `status` gets each
/// run's place among them.
pub fn translate_runs<'t>(
    body: &str,
    runs: impl Iterator<Item = (Range<usize>, Holder)>,
    mut status: impl FnMut(usize) -> Status<'t>,
) -> (String, Vec<Mark>) {
    let mut out = String::with_capacity(body.len() + body.len() / 2);
    let mut marks = Vec::new();
    let mut at = 0;
    for (i, (range, holder)) in runs.enumerate() {
        out.push_str(&body[at..range.start]);
        at = range.end;
        let start = out.len();
        let (text, outdated) = match status(i) {
            Status::Translated(t) => (t, None),
            Status::Outdated(t) => (t, Some(true)),
            Status::Unreviewed(t) => (t, Some(false)),
            Status::Missing => {
                out.push_str(&body[range.clone()]);
                marks.push(Mark {
                    range: start..out.len(),
                    outdated: false,
                    unreviewed: false,
                    source: String::new(),
                    holder,
                });
                continue;
            }
        };
        let line_start = body[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = body[line_start..range.start]
            .chars()
            .map(|c| if c == '>' { '>' } else { ' ' })
            .collect();
        for (i, line) in text.trim().split('\n').enumerate() {
            if i > 0 {
                if holder.one_line() {
                    out.push(' ');
                } else {
                    out.push('\n');
                    out.push_str(&indent);
                }
            }
            let line = line.trim_start();
            if holder == Holder::Cell {
                // A `|` of the translation (a reading `{漢字|かんじ}`, a
                // slip) must not end the cell: escaped as GFM asks.
                let mut prev = ' ';
                for c in line.chars() {
                    if c == '|' && prev != '\\' {
                        out.push('\\');
                    }
                    out.push(c);
                    prev = c;
                }
            } else {
                out.push_str(line);
            }
        }
        if let Some(outdated) = outdated {
            marks.push(Mark {
                range: start..out.len(),
                outdated,
                unreviewed: !outdated,
                source: if outdated {
                    message_text(&body[range.clone()])
                } else {
                    String::new()
                },
                holder,
            });
        }
    }
    out.push_str(&body[at..]);
    (out, marks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<String> {
        blocks(body).into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn each_paragraph_heading_item_cell_and_quote_is_one_message() {
        let body = "段落の\n続き。\n\n## 見出し {#h}\n\n- 項目1\n- 項目 [リンク](@/a.md#x)\n  続き\n\n> 引用の\n> 続き\n\n| 列 | 値 |\n|---|---|\n| a | {{ fact(key=\"k\") }} |\n\n```\ncode\n```\n";
        assert_eq!(
            texts(body),
            [
                "段落の\n続き。",
                "見出し",
                "項目1",
                "項目 [リンク](@/a.md#x)\n続き",
                "引用の\n続き",
                "列",
                "値",
                "a",
                "{{ fact(key=\"k\") }}",
            ]
        );
    }

    #[test]
    fn a_translated_body_keeps_the_structure_around_each_run() {
        let body = "## 見出し {#h}\n\n1. 一\n2. 二つ目の\n   行\n\n> 引用\n";
        let (out, marks) = translate(body, |b| match b.text.as_str() {
            "見出し" => Status::Translated("Heading"),
            "二つ目の\n行" => Status::Outdated("Second\nline"),
            "引用" => Status::Translated("Quote\nmore"),
            _ => Status::Missing,
        });
        assert_eq!(
            out,
            "## Heading {#h}\n\n1. 一\n2. Second\n   line\n\n> Quote\n> more\n"
        );
        assert_eq!(marks.len(), 2);
        assert_eq!(&out[marks[0].range.clone()], "一");
        assert!(!marks[0].outdated);
        assert_eq!(&out[marks[1].range.clone()], "Second\n   line");
        assert_eq!(marks[1].source, "二つ目の\n行");
        // Parsed again, the translated body has the same shape.
        assert_eq!(blocks(&out).len(), blocks(body).len());
    }
}
