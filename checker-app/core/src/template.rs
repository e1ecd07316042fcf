//! Placeholders in procedure texts: `{today}`, `{copies}`, `{fee_total}`,
//! `{fee_per_copy}`, `{answer:<step id>}`, `{fact:<fact key>}`,
//! `{detail:<id>|<id>...}` (the first of these details that is asked on the
//! reader's path) and `{box:<step>=<value>|<value>...}` (☑ when the answer
//! to the step is one of the values, else ☐) and `{doc:<document>|...}` (☑
//! when one of those documents is on the reader's checklist, else ☐).
//! A `{` that does not start such a placeholder is kept as it is.

/// A piece of a text: literal text or a placeholder (without braces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Lit(&'a str),
    Ph(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholder<'a> {
    Today,
    Copies,
    FeeTotal,
    FeePerCopy,
    Answer(&'a str),
    Fact(&'a str),
    /// Detail ids, first applicable wins.
    Detail(&'a str),
    /// `step=value|value`.
    Box(&'a str, &'a str),
    /// Document ids: ticked when one is on the checklist.
    Doc(&'a str),
    Unknown(&'a str),
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '=' | '|')
}

/// Splits `s` into literal pieces and placeholders.
pub(crate) fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut lit_start = 0usize;
    let mut offset = 0usize;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or("");
        let close = after.find('}');
        let name = close.and_then(|c| after.get(..c));
        match name {
            Some(name) if !name.is_empty() && name.chars().all(is_name_char) => {
                let abs_open = offset + open;
                if let Some(lit) = s.get(lit_start..abs_open)
                    && !lit.is_empty()
                {
                    out.push(Piece::Lit(lit));
                }
                out.push(Piece::Ph(name));
                let consumed = open + 1 + name.len() + 1;
                offset += consumed;
                lit_start = offset;
                rest = rest.get(consumed..).unwrap_or("");
            }
            _ => {
                offset += open + 1;
                rest = after;
            }
        }
    }
    if let Some(lit) = s.get(lit_start..)
        && !lit.is_empty()
    {
        out.push(Piece::Lit(lit));
    }
    out
}

/// Fills the named `{placeholders}` of a pattern in one pass; other
/// braces are kept as written: `fill("{min}–{max}", &[("min", "1"), ("max", "9")])`
/// is `1–9`. The one placeholder filler of interface strings, money and
/// date patterns (no `str::replace`: the wasm carries none of its slicing
/// panics).
pub fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len());
    for p in pieces(pattern) {
        match p {
            Piece::Lit(l) => out.push_str(l),
            Piece::Ph(name) => match values.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => out.push_str(v),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

pub(crate) fn classify(name: &str) -> Placeholder<'_> {
    match name {
        "today" => Placeholder::Today,
        "copies" => Placeholder::Copies,
        "fee_total" => Placeholder::FeeTotal,
        "fee_per_copy" => Placeholder::FeePerCopy,
        _ => {
            if let Some(step) = name.strip_prefix("answer:") {
                Placeholder::Answer(step)
            } else if let Some(key) = name.strip_prefix("fact:") {
                Placeholder::Fact(key)
            } else if let Some(ids) = name.strip_prefix("detail:") {
                Placeholder::Detail(ids)
            } else if let Some(ids) = name.strip_prefix("doc:") {
                Placeholder::Doc(ids)
            } else if let Some((step, values)) =
                name.strip_prefix("box:").and_then(|b| b.split_once('='))
            {
                Placeholder::Box(step, values)
            } else {
                Placeholder::Unknown(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_placeholders() {
        assert_eq!(
            pieces("「{copies}部請求」{ not } {fact:a.b}"),
            vec![
                Piece::Lit("「"),
                Piece::Ph("copies"),
                Piece::Lit("部請求」{ not } "),
                Piece::Ph("fact:a.b"),
            ]
        );
        assert_eq!(pieces("{"), vec![Piece::Lit("{")]);
        assert_eq!(
            classify("box:requester=self|agent"),
            Placeholder::Box("requester", "self|agent")
        );
        assert_eq!(classify("detail:a|b"), Placeholder::Detail("a|b"));
        assert_eq!(
            classify("box:requester"),
            Placeholder::Unknown("box:requester")
        );
        assert_eq!(pieces("{}x{y"), vec![Piece::Lit("{}x{y")]);
        assert_eq!(pieces(""), vec![]);
    }

    #[test]
    fn fills_named_placeholders_once_and_keeps_the_rest() {
        assert_eq!(
            fill("{min}–{max} {other} {", &[("min", "1"), ("max", "{min}")]),
            "1–{min} {other} {"
        );
        assert_eq!(fill("", &[("a", "b")]), "");
    }
}
