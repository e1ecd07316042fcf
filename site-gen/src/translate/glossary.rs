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

/// The longest term the glossary takes, in characters.
pub const MAX_TERM_CHARS: usize = 40;

/// Byte range of the value line of the `n`-th (0-based) `key = …` in `text`.
fn nth_key_line(text: &str, key: &str, n: usize) -> std::ops::Range<usize> {
    let mut at = 0;
    let mut seen = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            if seen == n {
                return at..at + line.trim_end().len();
            }
            seen += 1;
        }
        at += line.len();
    }
    0..0
}

/// Why a glossary text cannot be shown, if it cannot (the title rules).
fn text_problem(text: &str) -> Option<String> {
    crate::policy::text_problem(text)
        .map(|(_, p)| p)
        .or_else(|| crate::policy::is_invisible(text).then(|| "no visible text".to_string()))
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309f}' | '\u{30a0}'..='\u{30ff}')
}

/// The glossary's problems, each with the byte range of its line, what is
/// wrong and what to do, and the glossary without the terms in question
/// (a term no page can be matched by is never used).
pub fn validated(
    text: &str,
    file: GlossaryFile,
) -> (GlossaryFile, Vec<(std::ops::Range<usize>, String, String)>) {
    let mut problems = Vec::new();
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keep = vec![true; file.terms.len()];
    for (i, t) in file.terms.iter().enumerate() {
        let at = nth_key_line(text, "term", i);
        let mut bad = |range: std::ops::Range<usize>, message: String, help: &str| {
            problems.push((range, message, help.to_string()));
        };
        if let Some(why) = text_problem(&t.term) {
            bad(
                at.clone(),
                format!("glossary term {} has {why}", i + 1),
                "write the term as it appears on the forms, in visible characters \
                 (retype it if it was pasted)",
            );
            keep[i] = false;
            continue;
        }
        let chars = t.term.chars().count();
        if chars > MAX_TERM_CHARS {
            bad(
                at.clone(),
                format!(
                    "glossary term `{}` is {chars} characters long (at most {MAX_TERM_CHARS})",
                    t.term
                ),
                "a glossary term is a word or a document's name; explain longer things in the \
                 explanation",
            );
            keep[i] = false;
        }
        if t.term != t.term.trim() {
            bad(
                at.clone(),
                format!(
                    "glossary term `{}` begins or ends with a space",
                    t.term.trim()
                ),
                "remove the spaces around the term",
            );
            keep[i] = false;
        }
        if let Some(&j) = first.get(t.term.as_str()) {
            let (l1, l2) = (
                crate::diag::line_col(text, nth_key_line(text, "term", j).start).0,
                crate::diag::line_col(text, at.start).0,
            );
            bad(
                at.clone(),
                format!(
                    "glossary term `{}` is listed twice: at lines {l1} and {l2}",
                    t.term
                ),
                "keep one entry per term (merge the explanations)",
            );
            keep[i] = false;
        } else {
            first.insert(&t.term, i);
        }
        let reading = t.reading.trim();
        if reading.is_empty() || !reading.chars().all(|c| is_kana(c) || c == ' ') {
            bad(
                nth_key_line(text, "reading", i),
                format!(
                    "the reading of glossary term `{}` is not in kana: `{}`",
                    t.term, t.reading
                ),
                "write the reading in hiragana (or katakana), e.g. `しゅうにゅういんし`",
            );
            keep[i] = false;
        }
        if let Some(why) = text_problem(&t.explanation) {
            bad(
                nth_key_line(text, "explanation", i),
                format!("the explanation of glossary term `{}` has {why}", t.term),
                "explain the term in a few words of visible text (retype it if it was pasted)",
            );
            keep[i] = false;
        }
    }
    let mut keep = keep.into_iter();
    let terms = file
        .terms
        .into_iter()
        .filter(|_| keep.next().unwrap_or(false))
        .collect();
    (GlossaryFile { terms }, problems)
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
///
/// Linear in the text (times the number of terms): each term's next
/// occurrence is searched for again only once the cut has passed it, and
/// every step moves forward by at least one character; an empty term
/// (refused when the glossary loads) matches nothing.
pub fn split<'a>(
    text: &'a str,
    glossary: &Glossary,
    han_language: bool,
    seen: &mut Vec<bool>,
) -> Vec<Piece<'a>> {
    seen.resize(glossary.terms.len(), false);
    let terms: Vec<&str> = glossary.terms.iter().map(|t| t.term.as_str()).collect();
    // Where each term next occurs at or after `at` (None: nowhere more).
    let mut next: Vec<Option<usize>> = terms
        .iter()
        .map(|t| if t.is_empty() { None } else { text.find(t) })
        .collect();
    let find_from = |next: &mut Vec<Option<usize>>, at: usize| {
        for (i, t) in terms.iter().enumerate() {
            if next[i].is_some_and(|n| n < at) {
                next[i] = text[at..].find(t).map(|j| at + j);
            }
        }
    };
    // Where the next Japanese character is (never searched in a Han language).
    let mut ja_from = if han_language {
        None
    } else {
        text.char_indices()
            .find(|(_, c)| is_japanese(*c))
            .map(|(i, _)| i)
    };
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        find_from(&mut next, at);
        let rest = &text[at..];
        // The next glossary term (the longest of those starting first).
        let next_term = next
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (n - at, i)))
            .min_by_key(|&(pos, i)| (pos, std::cmp::Reverse(terms[i].len())));
        if !han_language && ja_from.is_some_and(|j| j < at) {
            ja_from = text[at..]
                .char_indices()
                .find(|(_, c)| is_japanese(*c))
                .map(|(i, _)| at + i);
        }
        let next_ja = ja_from.map(|j| j - at);
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
            at += start;
            continue;
        }
        match next_term {
            Some((0, i)) => {
                let piece = &rest[..terms[i].len()];
                if seen[i] {
                    out.push(Piece::Japanese(piece));
                } else {
                    seen[i] = true;
                    out.push(Piece::Term(piece, i));
                }
                at += piece.len();
            }
            _ => {
                // A Japanese run up to the next glossary term or non-Japanese character.
                // Digits and hyphens between Japanese characters belong to it.
                let mut end = madoguchi_rules::japanese_run_len(rest);
                if let Some((t, _)) = next_term
                    && t < end
                {
                    end = t;
                }
                // Never an empty piece: at least one character moves on.
                if end == 0 {
                    end = rest.chars().next().map_or(rest.len(), char::len_utf8);
                }
                out.push(Piece::Japanese(&rest[..end]));
                at += end;
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
#[allow(clippy::unwrap_used)]
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
    fn an_empty_term_matches_nothing_and_splitting_is_linear() {
        let mut g = glossary();
        g.terms.push(Term {
            term: String::new(),
            reading: String::new(),
            explanation: BTreeMap::new(),
        });
        let mut seen = Vec::new();
        assert_eq!(
            split("a 収入印紙 b", &g, false, &mut seen),
            [
                Piece::Other("a "),
                Piece::Term("収入印紙", 0),
                Piece::Other(" b")
            ]
        );
        // Many terms over a long text: each term is searched for again
        // only once passed (a search from every position took minutes).
        for i in 0..60 {
            g.terms.push(Term {
                term: format!("用語{i}号"),
                reading: String::new(),
                explanation: BTreeMap::new(),
            });
        }
        let text = "Fee 収入印紙 and 用語5号, words words. ".repeat(20_000);
        let started = std::time::Instant::now();
        let pieces = split(&text, &g, false, &mut Vec::new());
        assert_eq!(
            pieces
                .iter()
                .map(|p| match p {
                    Piece::Other(t) | Piece::Japanese(t) | Piece::Term(t, _) => t.len(),
                })
                .sum::<usize>(),
            text.len()
        );
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn glossary_problems_name_their_lines() {
        let text = "[[terms]]\nterm = \"\"\nreading = \"から\"\nexplanation = \"x\"\n\n\
                    [[terms]]\nterm = \"印紙\"\nreading = \"いんし\"\nexplanation = \"y\"\n\n\
                    [[terms]]\nterm = \"印紙\"\nreading = \"inshi\"\nexplanation = \"\u{200b}\"\n";
        let file: GlossaryFile = toml::from_str(text).unwrap();
        let (kept, problems) = validated(text, file);
        let said: Vec<(usize, &str)> = problems
            .iter()
            .map(|(r, m, _)| (crate::diag::line_col(text, r.start).0, m.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                (2, "glossary term 1 has no visible text"),
                (
                    12,
                    "glossary term `印紙` is listed twice: at lines 7 and 12"
                ),
                (
                    13,
                    "the reading of glossary term `印紙` is not in kana: `inshi`"
                ),
                (
                    14,
                    "the explanation of glossary term `印紙` has no visible text"
                ),
            ]
        );
        assert_eq!(kept.terms.len(), 1);
        let long = format!(
            "[[terms]]\nterm = \"{}\"\nreading = \"あ\"\nexplanation = \"x\"\n",
            "長".repeat(41)
        );
        let file: GlossaryFile = toml::from_str(&long).unwrap();
        assert!(validated(&long, file).1[0].1.contains("41 characters long"));
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
