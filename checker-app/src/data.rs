//! What the page hands the checker: the procedure (validated by site-gen,
//! without its source spans), the facts it uses and the interface strings
//! and formats of the page's language, all in the rules core's own types.
//! `site-gen` writes it into the page as base64 of its binary form
//! (`madoguchi_rules::binary`); the wasm decodes the same text, so the
//! server-rendered first screen and the hydrated app start from identical
//! props.

use std::collections::BTreeMap;
use std::rc::Rc;

use madoguchi_rules as rules;

/// The id of the data element in the page.
pub const DATA_ELEMENT_ID: &str = "madoguchi-checker-data";
/// The id of the element the checker renders into.
pub const ROOT_ELEMENT_ID: &str = "madoguchi-checker";
/// The id of the page section holding the checker: the start link near the
/// top of the page and a redirect from another procedure land on it.
pub const SECTION_ID: &str = "checker";

/// Everything a checker page carries for the app, in one language.
#[derive(Debug, Clone)]
pub struct CheckerData {
    pub lang: String,
    /// What `lang="…"` says for the page's language: `lang` itself, or
    /// e.g. `ja` for Easy Japanese.
    pub html_lang: String,
    /// Interface strings of `lang` (keys starting with `checker_`).
    pub strings: BTreeMap<String, String>,
    /// Yen format of `lang`, e.g. `{amount}円` or `¥{amount}`.
    pub money_format: String,
    pub thousands_separator: String,
    /// The procedure, each text in `lang`, else Japanese, option labels
    /// whole ([`rules::Procedure::for_page`]).
    pub procedure: rules::Procedure,
    /// The facts the procedure uses, their texts in `lang` and Japanese,
    /// with `lang`'s date format and unverified mark
    /// ([`rules::Facts::for_page`]).
    pub facts: rules::Facts,
    /// The page with each procedure's checker in `lang` (else in the
    /// default language), by procedure id: a redirect outcome links there.
    pub checker_urls: BTreeMap<String, String>,
}

rules::binary_struct! {
    CheckerData { lang, html_lang, strings, money_format, thousands_separator, procedure, facts, checker_urls }
}

impl CheckerData {
    /// The text written into the page.
    pub fn encode(&self) -> Result<String, String> {
        to_base64(&rules::binary::encode(self)).ok_or_else(|| "cannot write base64".to_string())
    }

    pub fn decode(text: &str) -> Result<CheckerData, String> {
        let bytes =
            from_base64(text.trim()).ok_or_else(|| "the checker data is not base64".to_string())?;
        rules::binary::decode(&bytes).ok_or_else(|| "the checker data does not decode".to_string())
    }
}

/// The data, ready to use: what the components work with.
#[derive(Debug)]
pub struct Prepared {
    pub raw: CheckerData,
    /// The encoded form (what the page carries); two `Prepared` are equal
    /// when it is.
    pub encoded: String,
}

impl PartialEq for Prepared {
    fn eq(&self, other: &Self) -> bool {
        self.encoded == other.encoded
    }
}

impl Prepared {
    pub fn new(raw: CheckerData) -> Result<Rc<Prepared>, String> {
        let encoded = raw.encode()?;
        Ok(Rc::new(Prepared { raw, encoded }))
    }

    /// From the text in the page.
    pub fn decode(encoded: &str) -> Result<Rc<Prepared>, String> {
        let raw = CheckerData::decode(encoded)?;
        Ok(Rc::new(Prepared {
            raw,
            encoded: encoded.trim().to_string(),
        }))
    }

    pub fn procedure(&self) -> &rules::Procedure {
        &self.raw.procedure
    }

    /// The facts, as the rules core takes them.
    pub fn facts(&self) -> &rules::Facts {
        &self.raw.facts
    }

    /// An interface string, or its key if missing (never a crash).
    pub fn t(&self, key: &str) -> String {
        self.raw
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// The page with procedure `id`'s checker in this language (site-gen
    /// knows it), else the guess that it is a sibling page.
    pub fn checker_url(&self, id: &str) -> String {
        self.raw
            .checker_urls
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("../{id}/"))
    }

    /// What `lang="…"` says for the page's language.
    pub fn html_lang(&self) -> &str {
        &self.raw.html_lang
    }

    pub fn lang(&self) -> &str {
        &self.raw.lang
    }

    /// Whether Japanese runs in texts are marked `lang="ja"`: on pages in
    /// a language not written with Han characters (in Chinese they cannot
    /// be told apart; in Japanese they need no mark).
    pub fn marks_japanese(&self) -> bool {
        !rules::writes_han(self.html_lang())
    }

    /// What is appended to an unconfirmed figure: the page language's
    /// mark when `unverified`, else nothing.
    pub fn mark(&self, unverified: bool) -> &str {
        if unverified {
            self.raw.facts.unverified_mark(self.lang())
        } else {
            ""
        }
    }

    pub fn money(&self, yen: i64) -> String {
        rules::format_money(yen, &self.raw.money_format, &self.raw.thousands_separator)
    }

    /// Text of a per-language table in the page language, else the
    /// default, with its facts filled in (e.g. a date in a hint).
    pub fn text(&self, t: &BTreeMap<String, String>) -> String {
        rules::fill_text(self.procedure(), self.facts(), t, self.lang())
    }
}

/// Answers and details a reader chose to keep on their device, as the text
/// stored in the browser's local storage: JSON, `[{answers}, {details}]`
/// (in the browser through its own `JSON`, so the wasm carries no codec).
#[cfg(target_arch = "wasm32")]
pub fn encode_kept(answers: &rules::Answers, details: &rules::Details) -> Option<String> {
    fn object(map: &BTreeMap<String, String>) -> js_sys::Object {
        let object = js_sys::Object::new();
        for (key, value) in map {
            let _ = js_sys::Reflect::set(&object, &key.into(), &value.into());
        }
        object
    }
    let pair = js_sys::Array::of2(&object(answers), &object(details));
    js_sys::JSON::stringify(&pair).ok()?.as_string()
}

/// The kept answers and details; `None` for anything that is not a kept text
/// (e.g. written by an older version): it is ignored, never a crash.
#[cfg(target_arch = "wasm32")]
pub fn decode_kept(text: &str) -> Option<(rules::Answers, rules::Details)> {
    use wasm_bindgen::{JsCast, JsValue};
    fn map(value: &JsValue) -> Option<BTreeMap<String, String>> {
        if !value.is_object() || js_sys::Array::is_array(value) {
            return None;
        }
        // Inserted one by one: collecting into a map would sort (more code).
        let mut map = BTreeMap::new();
        for entry in js_sys::Object::entries(value.unchecked_ref()) {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            map.insert(pair.get(0).as_string()?, pair.get(1).as_string()?);
        }
        Some(map)
    }
    let pair: js_sys::Array = js_sys::JSON::parse(text.trim()).ok()?.dyn_into().ok()?;
    if pair.length() != 2 {
        return None;
    }
    Some((map(&pair.get(0))?, map(&pair.get(1))?))
}

/// Answers and details a reader chose to keep on their device, as the text
/// stored in the browser's local storage: JSON, `[{answers}, {details}]`.
#[cfg(not(target_arch = "wasm32"))]
pub fn encode_kept(answers: &rules::Answers, details: &rules::Details) -> Option<String> {
    serde_json::to_string(&(answers, details)).ok()
}

/// The kept answers and details; `None` for anything that is not a kept text
/// (e.g. written by an older version): it is ignored, never a crash.
#[cfg(not(target_arch = "wasm32"))]
pub fn decode_kept(text: &str) -> Option<(rules::Answers, rules::Details)> {
    serde_json::from_str(text.trim()).ok()
}

/// The local-storage key of a procedure's kept answers.
pub fn kept_key(procedure_id: &str) -> String {
    format!("madoguchi-answers-{procedure_id}")
}

/// The text a history entry holds: the screen and the answers and details
/// it was reached with, so a reload, a discarded tab or Back/Forward shows
/// that screen again without any storage.
pub fn encode_entry(screen: &str, answers: &rules::Answers, details: &rules::Details) -> String {
    format!(
        "{ENTRY_TAG}\n{screen}\n{}",
        encode_kept(answers, details).unwrap_or_default()
    )
}

/// The screen, answers and details of a history entry written by
/// [`encode_entry`]; `None` for anything else (another script's state, an
/// entry from before the checker started).
pub fn decode_entry(text: &str) -> Option<(String, rules::Answers, rules::Details)> {
    let mut parts = text.splitn(3, '\n');
    if parts.next()? != ENTRY_TAG {
        return None;
    }
    let screen = parts.next()?.to_string();
    let (answers, details) = decode_kept(parts.next()?)?;
    Some((screen, answers, details))
}

const ENTRY_TAG: &str = "madoguchi-checker-1";

/// Base64 in the browser: its own `atob`/`btoa` (a byte per char), so the
/// wasm carries no base64 code; elsewhere the `base64` crate (same alphabet,
/// with padding).
#[cfg(target_arch = "wasm32")]
fn from_base64(text: &str) -> Option<Vec<u8>> {
    let binary = web_sys::window()?.atob(text).ok()?;
    // `atob` gives one char per byte, U+0000 to U+00FF.
    binary.chars().map(|c| u8::try_from(c).ok()).collect()
}

#[cfg(target_arch = "wasm32")]
fn to_base64(bytes: &[u8]) -> Option<String> {
    let binary: String = bytes.iter().copied().map(char::from).collect();
    web_sys::window()?.btoa(&binary).ok()
}

#[cfg(not(target_arch = "wasm32"))]
fn from_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

#[cfg(not(target_arch = "wasm32"))]
fn to_base64(bytes: &[u8]) -> Option<String> {
    use base64::Engine as _;
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}
