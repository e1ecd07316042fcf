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

#[cfg(test)]
mod tests {
    use super::*;

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
