//! Which runs of a text are Japanese: the checker and site-gen mark them
//! `lang="ja"` on pages in other languages, so a screen reader reads them
//! with a Japanese voice.

/// Whether `c` is written in Japanese text: kana, kanji, the iteration and
/// prolonged-sound marks, Japanese punctuation and full-width forms.
pub fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3006}' | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301f}' | '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff01}'..='\u{ff0f}'
        | '\u{ff1a}'..='\u{ff20}' | '\u{ff5b}'..='\u{ff65}')
}

/// Whether Han characters are this language's own script (Chinese and
/// Japanese), where Japanese cannot be told apart by its characters.
pub fn writes_han(lang: &str) -> bool {
    lang == "zh" || lang.starts_with("zh-") || lang == "ja" || lang.starts_with("ja-")
}

/// The byte length of the Japanese run `text` starts with (0 if it does not
/// start with a Japanese character). Digits and hyphens between Japanese
/// characters (「2部請求」, 四谷1丁目) belong to it; after its last Japanese
/// character they do not.
pub fn japanese_run_len(text: &str) -> usize {
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if is_japanese(c) {
            end = i + c.len_utf8();
        } else if !(end > 0 && (c.is_ascii_digit() || c == '-')) {
            break;
        }
    }
    end
}

/// `text` cut into runs, each `(true, japanese)` or `(false, other)`,
/// alternating; empty text gives no run.
pub fn japanese_runs(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let ja = japanese_run_len(rest);
        let len = if ja > 0 {
            ja
        } else {
            rest.char_indices()
                .find(|&(_, c)| is_japanese(c))
                .map_or(rest.len(), |(i, _)| i)
        };
        let (run, tail) = rest.split_at_checked(len).unwrap_or((rest, ""));
        out.push((ja > 0, run));
        rest = tail;
    }
    out
}

/// A piece of reader text: plain text, or a word with its reading
/// (ruby, written `{漢字|かんじ}` in a translation, e.g. Easy Japanese).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RubyPiece<'a> {
    Text(&'a str),
    /// The word (base) and its reading.
    Ruby(&'a str, &'a str),
}

/// Whether `c` may be part of a reading: hiragana, katakana and the
/// prolonged-sound mark.
fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309f}' | '\u{30a0}'..='\u{30ff}')
}

/// The `{base|reading}` at the start of `s` and its length in bytes: the
/// base Japanese (kanji, kana), the reading kana, both non-empty.
fn ruby_at(s: &str) -> Option<(&str, &str, usize)> {
    let inner = s.strip_prefix('{')?;
    let end = inner.find('}')?;
    let (base, reading) = inner.get(..end)?.split_once('|')?;
    let ok = !base.is_empty()
        && !reading.is_empty()
        && base.chars().all(is_japanese)
        && reading.chars().all(is_kana);
    ok.then_some((base, reading, end + 2))
}

/// `text` cut into plain runs and ruby annotations, in order; adjacent
/// plain text is one run, and no run is empty. Braces that are not a
/// well-formed `{漢字|かんじ}` stay plain text.
pub fn ruby_pieces(text: &str) -> Vec<RubyPiece<'_>> {
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while let Some(j) = text.get(i..).and_then(|t| t.find('{')) {
        let at = i + j;
        match text.get(at..).and_then(ruby_at) {
            Some((base, reading, len)) => {
                if let Some(t) = text.get(plain_start..at).filter(|t| !t.is_empty()) {
                    out.push(RubyPiece::Text(t));
                }
                out.push(RubyPiece::Ruby(base, reading));
                i = at + len;
                plain_start = i;
            }
            None => i = at + 1,
        }
    }
    if let Some(t) = text.get(plain_start..).filter(|t| !t.is_empty()) {
        out.push(RubyPiece::Text(t));
    }
    out
}

/// `text` with each ruby annotation replaced by its base: for places
/// that cannot show readings (a document title, an attribute).
pub fn strip_ruby(text: &str) -> String {
    if !text.contains('|') {
        return text.to_string();
    }
    ruby_pieces(text)
        .into_iter()
        .map(|p| match p {
            RubyPiece::Text(t) | RubyPiece::Ruby(t, _) => t,
        })
        .collect()
}

/// The first `{…|…}` in `text` that looks meant as a reading (its base
/// starts with Japanese) but is not a well-formed `{漢字|かんじ}`.
pub fn ruby_problem(text: &str) -> Option<&str> {
    let mut i = 0;
    while let Some(j) = text.get(i..).and_then(|t| t.find('{')) {
        let at = i + j;
        let rest = text.get(at..).unwrap_or_default();
        let meant = rest
            .get(1..)
            .and_then(|r| r.chars().next())
            .is_some_and(is_japanese)
            && rest
                .find('|')
                .is_some_and(|p| rest.find('}').is_none_or(|c| p < c));
        if meant && ruby_at(rest).is_none() {
            let end = rest.find('}').map_or(rest.len(), |c| c + 1);
            return rest.get(..end);
        }
        i = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_is_read_and_what_is_not_ruby_stays_text() {
        assert_eq!(
            ruby_pieces("{収入印紙|しゅうにゅういんし}を{貼|は}ります"),
            [
                RubyPiece::Ruby("収入印紙", "しゅうにゅういんし"),
                RubyPiece::Text("を"),
                RubyPiece::Ruby("貼", "は"),
                RubyPiece::Text("ります"),
            ]
        );
        // Placeholders, empty parts, Latin readings: plain text.
        for plain in [
            "{copies}部",
            "{|よみ}",
            "{漢字|}",
            "{漢字|kanji}",
            "{fact:a.b}",
            "{ {",
        ] {
            assert_eq!(ruby_pieces(plain), [RubyPiece::Text(plain)], "{plain}");
        }
        assert_eq!(
            strip_ruby("{住民票|じゅうみんひょう}の{写|うつ}し"),
            "住民票の写し"
        );
        assert_eq!(strip_ruby("a|b {x}"), "a|b {x}");
        assert!(ruby_pieces("").is_empty());
    }

    #[test]
    fn a_malformed_reading_is_found_and_placeholders_are_not_readings() {
        assert_eq!(ruby_problem("{漢字|kanji}です"), Some("{漢字|kanji}"));
        assert_eq!(ruby_problem("{漢字|}"), Some("{漢字|}"));
        assert_eq!(ruby_problem("{漢字|かんじ"), Some("{漢字|かんじ"));
        assert_eq!(ruby_problem("{漢字|かんじ}と{copies}部"), None);
        assert_eq!(ruby_problem("{{ fact(key=\"a.b\") }} {fact:a|b}"), None);
    }

    #[test]
    fn runs_alternate_and_keep_digits_inside_japanese() {
        assert_eq!(
            japanese_runs("Write 「2部請求」 at 四谷1丁目, 2 copies (フリガナ)"),
            [
                (false, "Write "),
                (true, "「2部請求」"),
                (false, " at "),
                (true, "四谷1丁目"),
                (false, ", 2 copies ("),
                (true, "フリガナ"),
                (false, ")"),
            ]
        );
        assert_eq!(japanese_runs("収入印紙"), [(true, "収入印紙")]);
        assert_eq!(japanese_runs("plain"), [(false, "plain")]);
        assert!(japanese_runs("").is_empty());
        // Digits after the last Japanese character are not Japanese.
        assert_eq!(japanese_runs("第3 "), [(true, "第"), (false, "3 ")]);
        assert!(writes_han("zh-Hant") && writes_han("ja-easy") && !writes_han("ko"));
    }
}
