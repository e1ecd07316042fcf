//! What the page hands the checker: the procedure (validated by site-gen,
//! without its source spans), the facts it refers to and the interface
//! strings and formats of the page's language. `site-gen` writes it into
//! the page as base64 of its binary form (`madoguchi_rules::binary`); the
//! wasm decodes the same text, so the server-rendered first screen and the
//! hydrated app start from identical props.

use std::collections::BTreeMap;
use std::rc::Rc;

use madoguchi_rules as rules;
use rules::binary::{Binary, Reader};
use serde::{Deserialize, Serialize};

/// The id of the JSON data element in the page.
pub const DATA_ELEMENT_ID: &str = "madoguchi-checker-data";
/// The interface string appended to an unconfirmed fact or item
/// (the site's `[format] unverified`).
pub const UNVERIFIED_MARK: &str = "checker_unverified";
/// The id of the element the checker renders into.
pub const ROOT_ELEMENT_ID: &str = "madoguchi-checker";
/// The id of the page section holding the checker: the start link near the
/// top of the page and a redirect from another procedure land on it.
pub const SECTION_ID: &str = "checker";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckerData {
    pub lang: String,
    /// Interface strings of `lang` (keys starting with `checker_`).
    pub strings: BTreeMap<String, String>,
    /// Yen format of `lang`, e.g. `{amount}円` or `¥{amount}`.
    pub money_format: String,
    pub thousands_separator: String,
    /// Date pattern of `lang`, e.g. `{day} {month_name} {year}`.
    pub date_format: String,
    /// Month names of `lang`, January first (may be empty).
    pub month_names: Vec<String>,
    pub procedure: rules::Procedure,
    pub facts: Vec<FactDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactDto {
    pub key: String,
    pub unverified: bool,
    pub value: FactValueDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactValueDto {
    Yen(i64),
    Number(i64),
    /// `YYYY-MM-DD`
    Date(String),
    Text(BTreeMap<String, String>),
    /// (`YYYY-MM-DD`, yen, unverified)
    Rates(Vec<(String, i64, bool)>),
}

rules::binary_struct! {
    CheckerData { lang, strings, money_format, thousands_separator, date_format, month_names, procedure, facts }
    FactDto { key, unverified, value }
}

impl Binary for FactValueDto {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            FactValueDto::Yen(y) => {
                out.push(0);
                y.write(out);
            }
            FactValueDto::Number(n) => {
                out.push(1);
                n.write(out);
            }
            FactValueDto::Date(d) => {
                out.push(2);
                d.write(out);
            }
            FactValueDto::Text(t) => {
                out.push(3);
                t.write(out);
            }
            FactValueDto::Rates(r) => {
                out.push(4);
                r.write(out);
            }
        }
    }
    fn read(r: &mut Reader<'_>) -> Self {
        match r.u8() {
            0 => FactValueDto::Yen(Binary::read(r)),
            1 => FactValueDto::Number(Binary::read(r)),
            2 => FactValueDto::Date(Binary::read(r)),
            3 => FactValueDto::Text(Binary::read(r)),
            4 => FactValueDto::Rates(Binary::read(r)),
            _ => {
                r.bad();
                FactValueDto::Yen(0)
            }
        }
    }
}

impl CheckerData {
    /// The facts as the rules core takes them, with the page language's
    /// date format.
    fn core_facts(&self) -> rules::Facts {
        let mut facts = to_core(&self.facts);
        if let Some(mark) = self.strings.get(UNVERIFIED_MARK) {
            facts.set_unverified_mark(self.lang.clone(), mark.clone());
        }
        if !self.date_format.is_empty() {
            facts.set_date_format(
                self.lang.clone(),
                self.date_format.clone(),
                self.month_names.clone(),
            );
        }
        facts
    }

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

impl FactDto {
    pub fn from_core(facts: &rules::Facts) -> Vec<FactDto> {
        facts
            .facts
            .iter()
            .map(|(key, f)| FactDto {
                key: key.clone(),
                unverified: f.unverified,
                value: match &f.value {
                    rules::FactValue::Yen(y) => FactValueDto::Yen(*y),
                    rules::FactValue::Number(n) => FactValueDto::Number(*n),
                    rules::FactValue::Date(d) => FactValueDto::Date(d.to_string()),
                    rules::FactValue::Text(t) => FactValueDto::Text(t.clone()),
                    rules::FactValue::Rates(r) => FactValueDto::Rates(
                        r.iter()
                            .map(|r| (r.from.to_string(), r.yen, r.unverified))
                            .collect(),
                    ),
                },
            })
            .collect()
    }
}

fn to_core(dtos: &[FactDto]) -> rules::Facts {
    let mut facts = rules::Facts::new();
    for dto in dtos {
        let value = match &dto.value {
            FactValueDto::Yen(y) => rules::FactValue::Yen(*y),
            FactValueDto::Number(n) => rules::FactValue::Number(*n),
            FactValueDto::Date(d) => match rules::Date::parse(d) {
                Some(d) => rules::FactValue::Date(d),
                None => continue,
            },
            FactValueDto::Text(t) => rules::FactValue::Text(t.clone()),
            FactValueDto::Rates(r) => rules::FactValue::Rates(
                r.iter()
                    .filter_map(|(d, yen, unverified)| {
                        Some(rules::Rate {
                            from: rules::Date::parse(d)?,
                            yen: *yen,
                            unverified: *unverified,
                        })
                    })
                    .collect(),
            ),
        };
        if dto.unverified {
            facts.insert_unverified(dto.key.clone(), value);
        } else {
            facts.insert(dto.key.clone(), value);
        }
    }
    facts
}

/// Where site-gen puts the page language's `lang` attribute among the strings.
pub const HTML_LANG_KEY: &str = "html_lang";

/// Where site-gen puts the URL of procedure `id`'s checker page among the strings.
pub fn checker_url_key(id: &str) -> String {
    format!("url:{id}")
}

/// The data, ready to use: what the components work with.
#[derive(Debug)]
pub struct Prepared {
    pub raw: CheckerData,
    pub facts: rules::Facts,
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
        let facts = raw.core_facts();
        Ok(Rc::new(Prepared {
            raw,
            facts,
            encoded,
        }))
    }

    /// From the text in the page.
    pub fn decode(encoded: &str) -> Result<Rc<Prepared>, String> {
        let raw = CheckerData::decode(encoded)?;
        let facts = raw.core_facts();
        Ok(Rc::new(Prepared {
            raw,
            facts,
            encoded: encoded.trim().to_string(),
        }))
    }

    pub fn procedure(&self) -> &rules::Procedure {
        &self.raw.procedure
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
            .strings
            .get(&checker_url_key(id))
            .cloned()
            .unwrap_or_else(|| format!("../{id}/"))
    }

    /// What `lang="…"` says for the page's language (site-gen hands it
    /// over when it differs from the code, e.g. `ja` for Easy Japanese).
    pub fn html_lang(&self) -> &str {
        self.raw
            .strings
            .get(HTML_LANG_KEY)
            .map_or(self.lang(), String::as_str)
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
            self.facts.unverified_mark(self.lang())
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
        rules::fill_text(self.procedure(), &self.facts, t, self.lang())
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
