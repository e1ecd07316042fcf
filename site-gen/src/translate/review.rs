//! Native review, one message at a time, recorded in the catalog as a
//! translator comment on the entry:
//!
//! ```po
//! # reviewed: Ana Silva 2026-12-01 3f9a61c2
//! #: content/procedures/disclosure.ja.md:12
//! msgid "手数料は{{ fact(key=\"fee\") }}です。"
//! msgstr "The fee is {{ fact(key=\"fee\") }}."
//! ```
//!
//! `reviewed:`, the reviewer's name (any words), the day (YYYY-MM-DD) and a
//! short hash ([`text_hash`]) of the context, the Japanese and the
//! translation the reviewer read. A mark counts only on an entry that is
//! translated and not fuzzy, and only while its hash matches: when the
//! Japanese or the translation changes, the mark stops counting by itself,
//! even if a tool (`msgattrib --clear-fuzzy`, an editor) drops the fuzzy
//! flag that `i18n update` set. `site-gen i18n review` prints the exact line
//! for each message; `site-gen check` warns about a mark that no longer
//! matches and names the line to write instead.
//!
//! Why a translator comment (`# `) and not a flag (`#, reviewed`): gettext's
//! `msgmerge` and `msgcat` drop flags they do not know and keep translator
//! comments (tried: gettext 0.21); Poedit edits translator comments as the
//! entry's "comment"; Weblate keeps the translator comments that are in
//! the file and has no per-message state it writes to PO files besides
//! `fuzzy`. README.md ("For translators and reviewers") has the evidence.

use sha2::{Digest, Sha256};

use crate::config::Date;

/// What starts a review mark in a translator comment.
pub const MARK: &str = "reviewed:";

/// A review mark as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub reviewer: String,
    pub date: Date,
    pub hash: String,
}

/// Eight hex digits of SHA-256 over the context, the Japanese and the
/// translation (gettext's `ctxt \x04 msgid` key, then `\0`, then msgstr).
pub fn text_hash(ctxt: Option<&str>, msgid: &str, msgstr: &str) -> String {
    let mut h = Sha256::new();
    if let Some(c) = ctxt {
        h.update(c.as_bytes());
        h.update([4u8]);
    }
    h.update(msgid.as_bytes());
    h.update([0u8]);
    h.update(msgstr.as_bytes());
    h.finalize()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The comment line (without `# `) that marks this text reviewed.
pub fn mark_text(
    reviewer: &str,
    date: &str,
    ctxt: Option<&str>,
    msgid: &str,
    msgstr: &str,
) -> String {
    format!(
        "{MARK} {reviewer} {date} {}",
        text_hash(ctxt, msgid, msgstr)
    )
}

/// Whether a translator comment line is meant as a review mark.
pub fn is_mark_line(line: &str) -> bool {
    line.trim_start()
        .get(..MARK.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(MARK))
}

/// Reads one translator comment line that [`is_mark_line`]: the mark, or
/// what is wrong with it.
pub fn parse_mark(line: &str) -> Result<Mark, String> {
    let rest = line.trim_start()[MARK.len()..].trim();
    let words: Vec<&str> = rest.split_whitespace().collect();
    let shape = || {
        format!(
            "a review mark is `# {MARK} <name> <YYYY-MM-DD> <8-digit hash>`; this one is `# {}`",
            line.trim()
        )
    };
    if words.len() < 3 {
        return Err(shape());
    }
    let hash = words[words.len() - 1];
    let date = words[words.len() - 2];
    if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(shape());
    }
    let Some(date) = Date::parse(date) else {
        return Err(format!(
            "`{date}` in this review mark is not a date like 2026-12-01"
        ));
    };
    Ok(Mark {
        reviewer: words[..words.len() - 2].join(" "),
        date,
        hash: hash.to_ascii_lowercase(),
    })
}

/// Every line of a translator comment that is meant as a review mark.
pub fn mark_lines(tcomment: &str) -> impl Iterator<Item = &str> {
    tcomment.lines().filter(|l| is_mark_line(l))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_reads_back_and_its_hash_follows_every_part_of_the_text() {
        let line = mark_text("Ana Silva", "2026-12-01", None, "手数料", "Fee");
        let m = parse_mark(&line).unwrap();
        assert_eq!(m.reviewer, "Ana Silva");
        assert_eq!(m.date.iso(), "2026-12-01");
        assert_eq!(m.hash, text_hash(None, "手数料", "Fee"));
        assert_ne!(m.hash, text_hash(None, "手数料。", "Fee"));
        assert_ne!(m.hash, text_hash(None, "手数料", "Fees"));
        assert_ne!(m.hash, text_hash(Some("ui:fee"), "手数料", "Fee"));
        assert!(is_mark_line("Reviewed: x 2026-12-01 00000000"));
        assert!(!is_mark_line("reviewer said so"));
    }

    #[test]
    fn a_malformed_mark_says_what_it_should_look_like() {
        assert!(
            parse_mark("reviewed: 2026-12-01")
                .unwrap_err()
                .contains("<name>")
        );
        assert!(
            parse_mark("reviewed: Ana 2026-13-01 0123abcd")
                .unwrap_err()
                .contains("not a date")
        );
        assert!(parse_mark("reviewed: Ana 2026-12-01 xyz").is_err());
    }
}
