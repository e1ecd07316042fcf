//! The content rules every layer applies, below all of them: the Markdown
//! dialect (the one place that sets pulldown-cmark's options), the link
//! schemes a page may use, the classes a heading may carry, the characters
//! published text may not hold, and the Content-Security-Policy of every
//! page. A leaf: it uses no other module, so configuration, facts,
//! catalogs and glossaries check their texts with the same rules as pages
//! without reaching up to `markdown`.

use pulldown_cmark::Options;

/// The Content-Security-Policy every page carries.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

/// The Markdown dialect of every page.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Schemes a link or image may use (besides relative and `@/` targets).
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Classes a heading may carry (`## Title {.no-print}`); no other attribute
/// than an id and these classes is allowed.
pub const HEADING_CLASSES: &[&str] = &["no-print", "visually-hidden"];

/// A character that has no place in published text: a control character
/// (other than tab and line breaks) or a bidirectional override, embedding
/// or isolate, which can make text read differently from how it is stored.
/// Returns its byte offset and what it is.
pub fn text_problem(text: &str) -> Option<(usize, String)> {
    text.char_indices().find_map(|(i, c)| {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            Some((i, format!("the control character U+{:04X}", u32::from(c))))
        } else if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            Some((
                i,
                format!("the bidirectional control character U+{:04X}", u32::from(c)),
            ))
        } else {
            None
        }
    })
}

/// True when `text` shows nothing: only spaces and invisible characters
/// (zero-width spaces and joiners, word joiners, soft hyphens, BOMs).
pub fn is_invisible(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}' | '\u{034f}' | '\u{180e}'
            )
    })
}

/// The scheme of a link target as a browser reads it (lowercase), or None
/// for a relative target. Browsers drop tabs and line breaks anywhere and
/// control characters and spaces at the ends, so this does too.
pub fn link_scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let t = cleaned.trim_matches(|c: char| c <= ' ');
    if !t.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = t.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))?;
    t[end..]
        .starts_with(':')
        .then(|| t[..end].to_ascii_lowercase())
}
