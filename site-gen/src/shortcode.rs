//! Shortcodes: `{{ fact(key="disclosure.handling_fee") }}` inside Markdown
//! text, replaced by the formatted fact in the page's language.
//! Shortcodes inside code spans and code blocks are left as written.

use std::collections::BTreeMap;
use std::ops::Range;

/// A shortcode call found in a piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub args: BTreeMap<String, String>,
    /// Byte range of the whole `{{ ... }}` in the text.
    pub range: Range<usize>,
}

/// A piece of text: literal text, or a shortcode call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Call(Call),
}

/// A syntax error, with its byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub range: Range<usize>,
}

pub const SYNTAX_HELP: &str = "write shortcodes as {{ name(arg=\"value\", other=\"value\") }}, e.g. {{ fact(key=\"disclosure.handling_fee\") }}";

/// Splits text into literal pieces and shortcode calls.
pub fn parse(text: &str) -> Result<Vec<Piece<'_>>, SyntaxError> {
    let mut pieces = Vec::new();
    let mut rest_start = 0;
    while let Some(open_rel) = text[rest_start..].find("{{") {
        let open = rest_start + open_rel;
        let Some(close_rel) = text[open..].find("}}") else {
            return Err(SyntaxError {
                message: "shortcode is not closed with `}}`".into(),
                range: open..text.len(),
            });
        };
        let close = open + close_rel + 2;
        if open > rest_start {
            pieces.push(Piece::Text(&text[rest_start..open]));
        }
        let inner = &text[open + 2..close - 2];
        let call = parse_call(inner).map_err(|message| SyntaxError {
            message,
            range: open..close,
        })?;
        pieces.push(Piece::Call(Call {
            range: open..close,
            ..call
        }));
        rest_start = close;
    }
    if rest_start < text.len() {
        pieces.push(Piece::Text(&text[rest_start..]));
    }
    Ok(pieces)
}

fn parse_call(inner: &str) -> Result<Call, String> {
    let inner = inner.trim();
    let Some(paren) = inner.find('(') else {
        return Err(format!("`{inner}` is not a shortcode call: missing `(`"));
    };
    let name = inner[..paren].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("`{name}` is not a shortcode name"));
    }
    let Some(args_src) = inner[paren + 1..].strip_suffix(')') else {
        return Err("missing `)` at the end of the shortcode".into());
    };
    let mut args = BTreeMap::new();
    let mut s = args_src.trim();
    while !s.is_empty() {
        let Some(eq) = s.find('=') else {
            return Err(format!("expected `name=\"value\"`, found `{s}`"));
        };
        let key = s[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{key}` is not an argument name"));
        }
        let after = s[eq + 1..].trim_start();
        let Some(quoted) = after.strip_prefix('"') else {
            return Err(format!("the value of `{key}` must be in double quotes"));
        };
        let Some(end) = quoted.find('"') else {
            return Err(format!("the value of `{key}` has no closing quote"));
        };
        if args
            .insert(key.to_string(), quoted[..end].to_string())
            .is_some()
        {
            return Err(format!("argument `{key}` is given twice"));
        }
        s = quoted[end + 1..].trim_start();
        if let Some(next) = s.strip_prefix(',') {
            s = next.trim_start();
        } else if !s.is_empty() {
            return Err(format!("expected `,` between arguments, found `{s}`"));
        }
    }
    Ok(Call {
        name: name.to_string(),
        args,
        range: 0..0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[(&str, &str)], range: Range<usize>) -> Piece<'static> {
        Piece::Call(Call {
            name: name.into(),
            args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            range,
        })
    }

    #[test]
    fn splits_text_and_calls() {
        let text = r#"Fee: {{ fact(key="a.b") }} per copy, {{fact(key="p.q", on="2024-10-01")}}."#;
        let pieces = parse(text).expect("parses");
        assert_eq!(
            pieces,
            vec![
                Piece::Text("Fee: "),
                call("fact", &[("key", "a.b")], 5..26),
                Piece::Text(" per copy, "),
                call("fact", &[("key", "p.q"), ("on", "2024-10-01")], 37..73),
                Piece::Text("."),
            ]
        );
    }

    #[test]
    fn text_without_calls_is_one_piece() {
        assert_eq!(parse("手数料は").ok(), Some(vec![Piece::Text("手数料は")]));
    }

    #[test]
    fn syntax_errors_are_reported_with_their_range() {
        let err = parse("a {{ fact(key=a.b) }}").err();
        assert_eq!(
            err,
            Some(SyntaxError {
                message: "the value of `key` must be in double quotes".into(),
                range: 2..21
            })
        );
        assert!(parse("a {{ fact(key=\"x\")").is_err());
        assert!(parse("{{ fact(key=\"x\" on=\"y\") }}").is_err());
        assert!(parse("{{ fact key }}").is_err());
    }
}
