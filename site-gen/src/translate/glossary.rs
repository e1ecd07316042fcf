//! Japanese terms inside other languages. Readers meet these words on the
//! forms and at the counter (収入印紙, 住民票の写し), so translations keep
//! them; `content/data/glossary.toml` gives each a reading and a short
//! explanation (translated in the catalogs, context `glossary:<term>`).
//!
//! On a page in another language, [`split`] cuts text into Japanese and
//! other runs, so Japanese is marked `lang="ja"` without anyone writing
//! it; the first use of a glossary term on a page is a `<dfn>` followed by
//! its reading and explanation, visible, with no script.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `content/data/glossary.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryFile {
    #[serde(default)]
    pub terms: Vec<TermDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermDef {
    /// The term as written in Japanese.
    pub term: String,
    /// Its reading in hiragana.
    pub reading: String,
    /// A short explanation in Japanese (the source of the translations).
    pub explanation: String,
}

/// The glossary with each explanation in each language.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub term: String,
    pub reading: String,
    /// By language code; a language without one shows the Japanese.
    pub explanation: BTreeMap<String, String>,
}

/// Context of a glossary explanation in the catalogs.
pub fn ctxt(term: &str) -> String {
    format!("glossary:{term}")
}

/// Context of a glossary term's name in a language (msgid: the term): the
/// word the language's pages use for it, with other forms after `|`
/// (`residence certificate|residence certificates`). Pages that translate
/// a message containing the term use one of these forms (tested), so one
/// Japanese document never goes by two names, nor two documents by one.
pub fn name_ctxt(term: &str) -> String {
    format!("glossary-name:{term}")
}

pub use madoguchi_rules::{is_japanese, writes_han};

/// A piece of text on a page in another language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Other(&'a str),
    Japanese(&'a str),
    /// A glossary term (index into the terms) at its first use on the page.
    Term(&'a str, usize),
}

/// The glossary terms whose first use on the page is in `text` (marked
/// seen), in order: for Easy Japanese, where every run is Japanese.
pub fn first_uses(text: &str, glossary: &Glossary, seen: &mut Vec<bool>) -> Vec<usize> {
    split(text, glossary, true, seen)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Term(_, i) => Some(i),
            _ => None,
        })
        .collect()
}

/// Cuts `text` into Japanese and other runs. `seen` holds the glossary
/// terms already explained on this page. In a language written with Han
/// characters, only glossary terms count as Japanese.
pub fn split<'a>(
    text: &'a str,
    glossary: &Glossary,
    han_language: bool,
    seen: &mut Vec<bool>,
) -> Vec<Piece<'a>> {
    seen.resize(glossary.terms.len(), false);
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        // The next glossary term, and the next Japanese run.
        let next_term = glossary
            .terms
            .iter()
            .enumerate()
            .filter_map(|(i, t)| rest.find(&t.term).map(|at| (at, i)))
            .min_by_key(|&(at, i)| (at, std::cmp::Reverse(glossary.terms[i].term.len())));
        let next_ja = if han_language {
            None
        } else {
            rest.char_indices()
                .find(|(_, c)| is_japanese(*c))
                .map(|(i, _)| i)
        };
        let start = match (next_term, next_ja) {
            (Some((t, _)), Some(j)) => t.min(j),
            (Some((t, _)), None) => t,
            (None, Some(j)) => j,
            (None, None) => {
                out.push(Piece::Other(rest));
                break;
            }
        };
        if start > 0 {
            out.push(Piece::Other(&rest[..start]));
            rest = &rest[start..];
        }
        match next_term {
            Some((t, i)) if t == start => {
                let len = glossary.terms[i].term.len();
                let piece = &rest[..len];
                if seen[i] {
                    out.push(Piece::Japanese(piece));
                } else {
                    seen[i] = true;
                    out.push(Piece::Term(piece, i));
                }
                rest = &rest[len..];
            }
            _ => {
                // A Japanese run up to the next glossary term or non-Japanese character.
                // Digits and hyphens between Japanese characters belong to it.
                let mut end = madoguchi_rules::japanese_run_len(rest);
                if let Some(t) = glossary
                    .terms
                    .iter()
                    .filter_map(|t| rest[..end].find(&t.term))
                    .filter(|&at| at > 0)
                    .min()
                {
                    end = t;
                }
                out.push(Piece::Japanese(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// A short text (a title, a link) on a page in another language, as HTML:
/// each Japanese run (in a language written with Han characters, each
/// glossary term) inside `<span lang="{source}">`, and everything escaped
/// with `escape`. No `<dfn>`: explanations belong to the page's body.
pub fn mark_text(
    text: &str,
    glossary: &Glossary,
    han_language: bool,
    source: &str,
    escape: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut open = false;
    for piece in split(text, glossary, han_language, &mut Vec::new()) {
        match piece {
            Piece::Other(t) => {
                if open {
                    out.push_str("</span>");
                    open = false;
                }
                out.push_str(&escape(t));
            }
            Piece::Japanese(t) | Piece::Term(t, _) => {
                if !open {
                    out.push_str("<span lang=\"");
                    out.push_str(source);
                    out.push_str("\">");
                    open = true;
                }
                out.push_str(&escape(t));
            }
        }
    }
    if open {
        out.push_str("</span>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> Glossary {
        Glossary {
            terms: vec![Term {
                term: "収入印紙".into(),
                reading: "しゅうにゅういんし".into(),
                explanation: BTreeMap::new(),
            }],
        }
    }

    #[test]
    fn a_title_marks_its_japanese_runs_as_one_span_each_and_escapes_the_rest() {
        let g = glossary();
        let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;");
        assert_eq!(
            mark_text("Stamps & <fees> (収入印紙の額)", &g, false, "ja", esc),
            "Stamps &amp; &lt;fees> (<span lang=\"ja\">収入印紙の額</span>)"
        );
        // Chinese: only the glossary term.
        assert_eq!(
            mark_text("收入印花（収入印紙）", &g, true, "ja", esc),
            "收入印花（<span lang=\"ja\">収入印紙</span>）"
        );
        assert_eq!(mark_text("Plain", &g, false, "ja", esc), "Plain");
    }

    #[test]
    fn japanese_runs_and_the_first_use_of_a_term_are_found() {
        let g = glossary();
        let mut seen = Vec::new();
        assert_eq!(
            split(
                "Buy 収入印紙 and write 「2部請求」. Again: 収入印紙の額",
                &g,
                false,
                &mut seen
            ),
            [
                Piece::Other("Buy "),
                Piece::Term("収入印紙", 0),
                Piece::Other(" and write "),
                Piece::Japanese("「2部請求」"),
                Piece::Other(". Again: "),
                Piece::Japanese("収入印紙"),
                Piece::Japanese("の額"),
            ]
        );
        // Chinese: only glossary terms are Japanese.
        let mut seen = Vec::new();
        assert_eq!(
            split("购买收入印花（収入印紙）", &g, true, &mut seen),
            [
                Piece::Other("购买收入印花（"),
                Piece::Term("収入印紙", 0),
                Piece::Other("）"),
            ]
        );
    }
}
