//! gettext PO catalogs, one per language (`content/i18n/<lang>.po`), read,
//! checked and merged with `rspolib`. A message is identified by its
//! context and its Japanese text (`msgid`): Markdown runs have no context,
//! procedure texts and interface strings have one naming where they live.
//! Each entry may carry native review marks (translator comments, see
//! [`super::review`]); a mark counts only on a current entry whose hash matches.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};
use rspolib::{FileOptions, POEntry, POFile, pofile};
use serde::Serialize;

use super::review;
use crate::config::Date;
use crate::diag::{Diagnostic, FileId, Sources};
use crate::markdown;

/// The header that once said whether people had reviewed a whole catalog.
/// Review is per message now ([`super::review`]): `draft` is accepted and
/// means nothing more; any other value is warned about and ignored.
pub const REVIEW_HEADER: &str = "X-Madoguchi-Review";

#[derive(Debug, Clone)]
struct Entry {
    msgstr: String,
    fuzzy: bool,
    /// The latest day a native reviewer marked this very text reviewed,
    /// and who.
    reviewed: Option<(Date, String)>,
    /// The line of the msgstr in the catalog.
    line: usize,
}

/// What a catalog holds for one message, for the review sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryView<'a> {
    pub msgstr: &'a str,
    pub state: State,
    pub reviewer: Option<&'a str>,
    /// The line of its msgstr in `content/i18n/<lang>.po`.
    pub line: usize,
}

/// One language's translations, ready for look-ups.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub lang: String,
    entries: HashMap<(String, String), Entry>,
}

/// A message's state in a catalog, review included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Translated, and a native reviewer marked this text reviewed that day.
    Reviewed(Date),
    /// Translated, not (or no longer) reviewed.
    Translated,
    Outdated,
    Missing,
}

/// What a catalog holds for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Translated(&'a str),
    /// A translation of an earlier version of the message (fuzzy).
    Outdated(&'a str),
    Missing,
}

impl Catalog {
    /// A catalog without any translation (a language whose file is missing).
    pub fn empty(lang: &str) -> Catalog {
        Catalog {
            lang: lang.to_string(),
            entries: HashMap::new(),
        }
    }

    /// The message's state, review included.
    pub fn state(&self, ctxt: Option<&str>, msgid: &str) -> State {
        match self
            .entries
            .get(&(ctxt.unwrap_or("").to_string(), msgid.to_string()))
        {
            Some(e) if e.fuzzy => State::Outdated,
            Some(e) => e
                .reviewed
                .as_ref()
                .map_or(State::Translated, |(d, _)| State::Reviewed(*d)),
            None => State::Missing,
        }
    }

    /// The entry of a message, if the catalog has a usable translation.
    pub fn entry(&self, ctxt: Option<&str>, msgid: &str) -> Option<EntryView<'_>> {
        let e = self
            .entries
            .get(&(ctxt.unwrap_or("").to_string(), msgid.to_string()))?;
        Some(EntryView {
            msgstr: &e.msgstr,
            state: self.state(ctxt, msgid),
            reviewer: e.reviewed.as_ref().map(|(_, r)| r.as_str()),
            line: e.line,
        })
    }

    pub fn lookup(&self, ctxt: Option<&str>, msgid: &str) -> Lookup<'_> {
        // `(String, String)` keys: look-ups allocate, which is cheap next to rendering.
        match self
            .entries
            .get(&(ctxt.unwrap_or("").to_string(), msgid.to_string()))
        {
            Some(e) if e.fuzzy => Lookup::Outdated(&e.msgstr),
            Some(e) => Lookup::Translated(&e.msgstr),
            None => Lookup::Missing,
        }
    }

    /// The translation if there is a current one, else `None`.
    pub fn current(&self, ctxt: Option<&str>, msgid: &str) -> Option<&str> {
        match self.lookup(ctxt, msgid) {
            Lookup::Translated(t) => Some(t),
            _ => None,
        }
    }

    /// Reads and checks a catalog. Entries that break a rule are reported
    /// (at the catalog's file and line) and left out.
    pub fn parse(
        sources: &Sources,
        file: FileId,
        lang: &str,
    ) -> (Option<Catalog>, Vec<Diagnostic>) {
        let text = sources.text(file);
        let mut diags = Vec::new();
        let po = match parse_po(text) {
            Ok(po) => po,
            Err(e) => {
                diags.push(
                    Diagnostic::error(format!("this catalog is not a valid PO file: {e}"))
                        .in_file(file)
                        .help("open it in Poedit or run `msgfmt --check` on it to find the broken entry, or delete it and run `site-gen i18n update`"),
                );
                return (None, diags);
            }
        };
        if let Some(other) = po
            .metadata
            .get(REVIEW_HEADER)
            .map(|s| s.trim())
            .filter(|s| *s != "draft")
        {
            diags.push(
                Diagnostic::warning(format!(
                    "`{REVIEW_HEADER}: {other}` does not mark anything reviewed: review is recorded per message"
                ))
                .at(file, line_span(text, header_line(text, REVIEW_HEADER)))
                .label("ignored")
                .help(format!(
                    "a native reviewer marks each message they checked with a `# {} <name> <date> <hash>` \
                     comment (`site-gen i18n review {lang}` prints the line for each); \
                     delete this header line or write `{REVIEW_HEADER}: draft`",
                    super::review::MARK
                )),
            );
        }
        if let Some(l) = po.metadata.get("Language")
            && !l.trim().is_empty()
            && l.trim().replace('_', "-") != lang
        {
            diags.push(
                Diagnostic::warning(format!(
                    "this catalog says `Language: {}`, but its file name says `{lang}`",
                    l.trim()
                ))
                .at(file, line_span(text, header_line(text, "Language")))
                .label("here")
                .help(format!(
                    "set `Language: {lang}` in the header, or rename the file"
                )),
            );
        }
        let mut entries = HashMap::new();
        for e in po.entries.iter().filter(|e| !e.obsolete) {
            let Some(msgstr) = e.msgstr.as_deref().filter(|s| !s.is_empty()) else {
                continue;
            };
            let problems = if e.msgctxt.as_deref() == Some("format:date") {
                date_format_problems(msgstr)
            } else {
                translation_problems(e.msgctxt.is_none(), &e.msgid, msgstr)
            };
            if !problems.is_empty() {
                let span = line_span(text, msgstr_line(text, e.linenum));
                for (message, help) in problems {
                    diags.push(
                        Diagnostic::error(message)
                            .at(file, span.clone())
                            .label("this translation")
                            .help(help),
                    );
                }
                continue;
            }
            let reviewed = review_of(sources, file, e, msgstr, &mut diags);
            entries.insert(
                (e.msgctxt.clone().unwrap_or_default(), e.msgid.clone()),
                Entry {
                    msgstr: msgstr.to_string(),
                    fuzzy: e.fuzzy(),
                    reviewed,
                    line: msgstr_line(text, e.linenum),
                },
            );
        }
        (
            Some(Catalog {
                lang: lang.to_string(),
                entries,
            }),
            diags,
        )
    }
}

/// The latest valid review mark of an entry: one whose hash is the hash of
/// this very text, on an entry that is not fuzzy. Malformed marks, and on a
/// current entry marks for another text, are warned about at their line.
fn review_of(
    sources: &Sources,
    file: FileId,
    e: &POEntry,
    msgstr: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Date, String)> {
    let text = sources.text(file);
    let tcomment = e.tcomment.as_deref()?;
    let want = review::text_hash(e.msgctxt.as_deref(), &e.msgid, msgstr);
    let mut latest: Option<(Date, String)> = None;
    for line in review::mark_lines(tcomment) {
        let span = line_span(text, comment_line(text, e.linenum, line));
        match review::parse_mark(line) {
            Err(problem) => diags.push(
                Diagnostic::warning(format!("{problem}; it does not count"))
                    .at(file, span)
                    .label("this review mark")
                    .help(format!(
                        "`site-gen i18n review {}` prints the mark for each message; \
                         change only the name and the date",
                        sources
                            .name(file)
                            .rsplit('/')
                            .next()
                            .and_then(|n| n.strip_suffix(".po"))
                            .unwrap_or("<lang>")
                    )),
            ),
            // Outdated: the mark is for an earlier Japanese text, and stays
            // as history until a reviewer replaces it; it never counts.
            Ok(_) if e.fuzzy() => {}
            Ok(m) if m.hash != want => diags.push(
                Diagnostic::warning(
                    "this review mark is for another text: the Japanese or the translation \
                     changed since it was reviewed, so it does not count",
                )
                .at(file, span)
                .label("this review mark")
                .help(format!(
                    "once a native reviewer has checked the current text, write \
                     `# {}` (with their name and the day)",
                    review::mark_text(
                        &m.reviewer,
                        "YYYY-MM-DD",
                        e.msgctxt.as_deref(),
                        &e.msgid,
                        msgstr
                    )
                )),
            ),
            Ok(m) => {
                if latest.as_ref().is_none_or(|(d, _)| m.date > *d) {
                    latest = Some((m.date, m.reviewer));
                }
            }
        }
    }
    latest
}

/// The line of an entry's translator comment `line`: the nearest such
/// comment line at or before the entry's msgid, from rspolib's line.
fn comment_line(text: &str, entry_line: usize, line: &str) -> usize {
    let want = line.trim();
    let lines: Vec<&str> = text.lines().collect();
    let msgid = lines
        .iter()
        .enumerate()
        .skip(entry_line.saturating_sub(1))
        .find(|(_, l)| l.starts_with("msgid"))
        .map_or(entry_line.saturating_sub(1), |(i, _)| i);
    (0..=msgid.min(lines.len().saturating_sub(1)))
        .rev()
        .take_while(|&i| i == msgid || lines[i].starts_with('#'))
        .find(|&i| lines[i].strip_prefix('#').is_some_and(|c| c.trim() == want))
        .map_or(entry_line.max(1), |i| i + 1)
}

fn parse_po(text: &str) -> Result<POFile, String> {
    if text.trim().is_empty() {
        return Ok(POFile::new(FileOptions::default()));
    }
    // rspolib takes a path or the content; content always has a line break.
    let mut content = text.to_string();
    if !content.contains('\n') {
        content.push('\n');
    }
    pofile(content.as_str()).map_err(|e| e.to_string())
}

/// Line `n` (1-based) of `text` as a byte range.
fn line_span(text: &str, n: usize) -> Range<usize> {
    let start = text
        .split_inclusive('\n')
        .take(n.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    start..end
}

fn header_line(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(&format!("\"{name}:")))
        .map_or(1, |i| i + 1)
}

/// The line of an entry's `msgstr`, from the line rspolib gives the entry.
fn msgstr_line(text: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.starts_with("msgstr"))
        .map_or(from.max(1), |(i, _)| i + 1)
}

/// What must survive translation unchanged: `{{ shortcodes }}`,
/// `{placeholders}`, and `@/` and `#anchor` link targets.
pub fn protected(text: &str, markdown: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        rest = &rest[i..];
        if let Some(body) = rest.strip_prefix("{{") {
            let end = body.find("}}").map_or(body.len(), |j| j + 2);
            out.push(format!(
                "{{{{{}",
                body[..end].split_whitespace().collect::<String>()
            ));
            rest = &body[end..];
        } else {
            let body = &rest[1..];
            match body.find('}') {
                Some(j)
                    if j > 0
                        && body[..j]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    out.push(format!("{{{}}}", &body[..j]));
                    rest = &body[j + 1..];
                }
                _ => rest = body,
            }
        }
    }
    if markdown {
        for event in Parser::new_ext(text, markdown::options()) {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
                && (dest_url.starts_with("@/") || dest_url.starts_with('#'))
            {
                out.push(format!("({dest_url})"));
            }
        }
    }
    out.sort();
    out
}

/// A date format may order and name its parts as the language does.
fn date_format_problems(msgstr: &str) -> Vec<(String, String)> {
    const KNOWN: [&str; 4] = ["{year}", "{month}", "{month_name}", "{day}"];
    let have = protected(msgstr, false);
    let unknown: Vec<_> = have
        .iter()
        .filter(|p| !KNOWN.contains(&p.as_str()))
        .cloned()
        .collect();
    let complete = have.iter().any(|p| p == "{year}")
        && have.iter().any(|p| p == "{day}")
        && have.iter().any(|p| p == "{month}" || p == "{month_name}");
    if unknown.is_empty() && complete {
        return Vec::new();
    }
    vec![(
        format!(
            "this date format needs {{year}}, {{day}} and {{month}} or {{month_name}}{}",
            if unknown.is_empty() {
                String::new()
            } else {
                format!(", and has no {}", unknown.join(", "))
            }
        ),
        "write the date the way your language does, e.g. `{day} {month_name} {year}`".to_string(),
    )]
}

/// Why a translation cannot be used, with what to do.
pub fn translation_problems(markdown: bool, msgid: &str, msgstr: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let want = protected(msgid, markdown);
    let have = protected(msgstr, markdown);
    if want != have {
        let missing: Vec<_> = want.iter().filter(|t| !have.contains(t)).cloned().collect();
        let extra: Vec<_> = have.iter().filter(|t| !want.contains(t)).cloned().collect();
        let mut what = Vec::new();
        if !missing.is_empty() {
            what.push(format!("drops {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            what.push(format!("adds {}", extra.join(", ")));
        }
        if what.is_empty() {
            what.push("repeats or drops a copy of one".to_string());
        }
        out.push((
            format!(
                "the translation changes what must stay as written: it {}",
                what.join(" and ")
            ),
            "copy every `{{ fact(...) }}`, `{placeholder}`, `@/` link target and `#anchor` \
             from the msgid unchanged; translate only the words around them"
                .to_string(),
        ));
    }
    if let Some(bad) = madoguchi_rules::ruby_problem(msgstr) {
        out.push((
            format!("the translation has a reading that cannot be read: `{bad}`"),
            "write a reading as `{漢字|かんじ}`: the word in Japanese, `|`, its reading in \
             hiragana or katakana, in braces"
                .to_string(),
        ));
    }
    if let Some((_, problem)) = markdown::text_problem(msgstr) {
        out.push((
            format!("the translation contains {problem}"),
            "delete the character (retype the text if it was pasted)".to_string(),
        ));
    }
    if markdown {
        for event in Parser::new_ext(msgstr, markdown::options()) {
            match event {
                Event::Html(_) | Event::InlineHtml(_) => {
                    out.push((
                        "the translation contains raw HTML".to_string(),
                        "write it in Markdown like the Japanese text; HTML is not allowed"
                            .to_string(),
                    ));
                    break;
                }
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    if let Some(scheme) = markdown::link_scheme(&dest_url)
                        && !markdown::ALLOWED_SCHEMES.contains(&scheme.as_str())
                    {
                        out.push((
                            format!("the translation links with the scheme `{scheme}:`"),
                            "use an https link or an `@/` link, as the Japanese text does"
                                .to_string(),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// One message of the Japanese sources, for `site-gen i18n update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub ctxt: Option<String>,
    pub id: String,
    /// `path:line` of each place the message comes from.
    pub places: Vec<String>,
    /// A note for translators (`#.`).
    pub note: Option<String>,
}

impl Message {
    fn files(&self) -> impl Iterator<Item = &str> {
        self.places
            .iter()
            .map(|p| p.rsplit_once(':').map_or(p.as_str(), |(f, _)| f))
    }
}

/// The message list with duplicates merged (first place first), in order.
pub fn dedup(messages: Vec<Message>) -> Vec<Message> {
    let mut index: HashMap<(Option<String>, String), usize> = HashMap::new();
    let mut out: Vec<Message> = Vec::new();
    for m in messages {
        match index.get(&(m.ctxt.clone(), m.id.clone())) {
            Some(&i) => {
                for p in m.places {
                    if !out[i].places.contains(&p) {
                        out[i].places.push(p);
                    }
                }
            }
            None => {
                index.insert((m.ctxt.clone(), m.id.clone()), out.len());
                out.push(m);
            }
        }
    }
    out
}

/// How much an edited message must still look like the one it replaces for
/// the old translation to be kept as outdated (0 to 1, on characters).
const FUZZY_SIMILARITY: f64 = 0.5;

/// What `update` did to one catalog.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub translated: usize,
    pub outdated: usize,
    pub missing: usize,
    pub obsolete: usize,
    /// Messages that turned outdated in this update.
    pub newly_outdated: usize,
}

/// Merges `messages` into a catalog (gettext `msgmerge` semantics): an
/// unchanged message keeps its translation; a changed one keeps the old
/// translation as fuzzy with the old source as `#| msgid`; a new one is
/// untranslated; translations no message uses any more become obsolete
/// (`#~`). Returns the new file and what changed.
pub fn update(
    old: Option<&str>,
    messages: &[Message],
    lang: &str,
    language_name: &str,
) -> Result<(String, Merged), String> {
    let old = match old {
        Some(t) => parse_po(t)?,
        None => POFile::new(FileOptions::default()),
    };
    let mut po = POFile::new(FileOptions::default());
    po.header = old.header.clone().or_else(|| {
        Some(format!(
            "Madoguchi: {language_name} ({lang}).\n\
             Translate each msgstr from the Japanese msgid; keep every {{{{ fact(...) }}}},\n\
             {{placeholder}}, @/ link target and #anchor exactly as written.\n\
             Update with `site-gen i18n update`; a changed Japanese text turns its\n\
             translation fuzzy (shown to readers as possibly out of date)."
        ))
    });
    po.metadata = old.metadata.clone();
    let defaults = [
        ("Project-Id-Version", "Madoguchi"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ];
    for (k, v) in defaults {
        po.metadata
            .entry(k.to_string())
            .or_insert_with(|| v.to_string());
    }
    po.metadata.insert("Language".to_string(), lang.to_string());

    let by_key: HashMap<(Option<&str>, &str), &POEntry> = old
        .entries
        .iter()
        .map(|e| ((e.msgctxt.as_deref(), e.msgid.as_str()), e))
        .collect();
    let wanted: HashSet<(Option<&str>, &str)> = messages
        .iter()
        .map(|m| (m.ctxt.as_deref(), m.id.as_str()))
        .collect();
    // Old translations no current message has: candidates for fuzzy matches.
    let mut spare: Vec<&POEntry> = old
        .entries
        .iter()
        .filter(|e| e.msgstr.as_deref().is_some_and(|s| !s.is_empty()))
        .filter(|e| !wanted.contains(&(e.msgctxt.as_deref(), e.msgid.as_str())))
        .collect();
    let mut merged = Merged::default();
    for m in messages {
        let mut entry = POEntry::new(0);
        entry.msgctxt = m.ctxt.clone();
        entry.msgid = m.id.clone();
        // One `#:` place per entry (gettext writes one per line; a single
        // one keeps the file identical under `msgcat --no-wrap`); the
        // others go in the note.
        entry.occurrences = m
            .places
            .iter()
            .take(1)
            .map(|p| match p.rsplit_once(':') {
                Some((f, l)) => (f.to_string(), l.to_string()),
                None => (p.clone(), String::new()),
            })
            .collect();
        let also = (m.places.len() > 1).then(|| format!("also at {}", m.places[1..].join(", ")));
        entry.comment = match (&m.note, also) {
            (Some(n), Some(a)) => Some(format!("{n}; {a}")),
            (n, a) => n.clone().or(a),
        };
        entry.msgstr = Some(String::new());
        if let Some(o) = by_key.get(&(m.ctxt.as_deref(), m.id.as_str())) {
            entry.msgstr = o.msgstr.clone();
            entry.tcomment = o.tcomment.clone();
            entry.flags = o.flags.clone();
            if o.fuzzy() {
                entry.previous_msgid = o.previous_msgid.clone();
            }
            if o.obsolete {
                entry.flags.retain(|f| f != "fuzzy");
            }
        } else if let Some(i) = best_match(m, &spare) {
            let o = spare.remove(i);
            entry.msgstr = o.msgstr.clone();
            entry.tcomment = o.tcomment.clone();
            entry.flags = o.flags.clone();
            if !entry.fuzzy() {
                entry.flags.push("fuzzy".to_string());
            }
            entry.previous_msgid = Some(o.previous_msgid.clone().unwrap_or(o.msgid.clone()));
            merged.newly_outdated += usize::from(!o.fuzzy());
        }
        match entry.msgstr.as_deref() {
            Some(s) if !s.is_empty() && entry.fuzzy() => merged.outdated += 1,
            Some(s) if !s.is_empty() => merged.translated += 1,
            _ => {
                entry.flags.retain(|f| f != "fuzzy");
                entry.previous_msgid = None;
                merged.missing += 1;
            }
        }
        po.entries.push(entry);
    }
    for o in spare {
        let mut e = o.clone();
        e.obsolete = true;
        e.occurrences.clear();
        e.previous_msgid = None;
        po.entries.push(e);
        merged.obsolete += 1;
    }
    Ok((po_text(po), merged))
}

/// A catalog as text, each message on one line per source line (no
/// folding: translators' tools wrap as they like, and `msgcat --no-wrap`
/// reproduces the file byte for byte).
fn po_text(mut po: POFile) -> String {
    const NO_WRAP: usize = usize::MAX / 4;
    let entries = std::mem::take(&mut po.entries);
    let mut text = po.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let (live, obsolete): (Vec<_>, Vec<_>) = entries.iter().partition(|e| !e.obsolete);
    for e in live.into_iter().chain(obsolete) {
        text.push('\n');
        text.push_str(&e.to_string_with_wrapwidth(NO_WRAP));
    }
    text
}

/// The spare old translation an edited message most likely came from.
fn best_match(m: &Message, spare: &[&POEntry]) -> Option<usize> {
    if let Some(ctxt) = &m.ctxt {
        // Procedure texts and interface strings: the context names the place.
        return spare
            .iter()
            .position(|e| e.msgctxt.as_deref() == Some(ctxt.as_str()));
    }
    let files: Vec<&str> = m.files().collect();
    let mut best: Option<(usize, f64)> = None;
    for (i, e) in spare.iter().enumerate() {
        if e.msgctxt.is_some() {
            continue;
        }
        // A live entry must come from the same file; an obsolete one may
        // come back from anywhere (a paragraph moved between pages).
        let same_file = e
            .occurrences
            .iter()
            .any(|(f, _)| files.contains(&f.as_str()));
        if !same_file && !e.obsolete {
            continue;
        }
        let score = strsim::normalized_levenshtein(&e.msgid, &m.id);
        if score >= FUZZY_SIMILARITY && best.is_none_or(|(_, b)| score > b) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

/// Counts per status, for `site-gen i18n status`, the staff page and the
/// review notice of a page.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Current translations, reviewed or not.
    pub translated: usize,
    /// Of the translated ones, those a native reviewer marked reviewed.
    pub reviewed: usize,
    pub outdated: usize,
    pub missing: usize,
    /// The latest day one of the reviewed messages was reviewed.
    #[serde(serialize_with = "iso_date")]
    pub last_reviewed: Option<Date>,
}

fn iso_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.iso()),
        None => s.serialize_none(),
    }
}

impl Counts {
    pub fn add(&mut self, state: State) {
        match state {
            State::Reviewed(d) => {
                self.translated += 1;
                self.reviewed += 1;
                self.last_reviewed = self.last_reviewed.max(Some(d));
            }
            State::Translated => self.translated += 1,
            State::Outdated => self.outdated += 1,
            State::Missing => self.missing += 1,
        }
    }

    /// Adds the state of `msgid` in `catalog`.
    pub fn add_from(&mut self, catalog: &Catalog, ctxt: Option<&str>, msgid: &str) {
        self.add(catalog.state(ctxt, msgid));
    }

    /// Every message is translated, current and marked reviewed.
    pub fn all_reviewed(&self) -> bool {
        self.reviewed == self.total()
    }

    pub fn total(&self) -> usize {
        self.translated + self.outdated + self.missing
    }

    /// Translated share, in whole percent (rounded down; 100 only when complete).
    pub fn percent(&self) -> usize {
        (self.translated * 100)
            .checked_div(self.total())
            .unwrap_or(100)
    }

    pub fn merge(&mut self, o: Counts) {
        self.reviewed += o.reviewed;
        self.last_reviewed = self.last_reviewed.max(o.last_reviewed);
        self.translated += o.translated;
        self.outdated += o.outdated;
        self.missing += o.missing;
    }
}

/// Status of every language × unit (a page key, a procedure, the interface).
pub type StatusTable = BTreeMap<String, BTreeMap<String, Counts>>;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn msg(id: &str, place: &str) -> Message {
        Message {
            ctxt: None,
            id: id.to_string(),
            places: vec![place.to_string()],
            note: None,
        }
    }

    fn translate_all(po: &str, f: impl Fn(&str) -> String) -> String {
        let mut file = parse_po(po).unwrap();
        for e in &mut file.entries {
            e.msgstr = Some(f(&e.msgid));
        }
        file.to_string()
    }

    #[test]
    fn an_edited_paragraph_turns_exactly_its_translation_fuzzy() {
        let v1 = [
            msg("一つ目の段落です。", "content/a.ja.md:3"),
            msg(
                "二つ目の段落です。手数料は{{ fact(key=\"fee\") }}です。",
                "content/a.ja.md:5",
            ),
            msg("三つ目。", "content/a.ja.md:7"),
        ];
        let (po, m) = update(None, &v1, "en", "English").unwrap();
        assert_eq!(m.missing, 3);
        let po = translate_all(&po, |id| format!("EN {id}"));
        let v2 = [
            v1[0].clone(),
            msg(
                "二つ目の段落です。手数料は{{ fact(key=\"fee\") }}になりました。",
                "content/a.ja.md:5",
            ),
            msg("新しい段落。", "content/a.ja.md:7"),
        ];
        let (po2, m) = update(Some(&po), &v2, "en", "English").unwrap();
        assert_eq!(
            (
                m.translated,
                m.outdated,
                m.missing,
                m.obsolete,
                m.newly_outdated
            ),
            (1, 1, 1, 1, 1),
            "{po2}"
        );
        assert!(
            po2.contains(
                "#, fuzzy\n#| msgid \"二つ目の段落です。手数料は{{ fact(key=\\\"fee\\\") }}です。\""
            ),
            "{po2}"
        );
        assert!(po2.contains("#~ msgid \"三つ目。\""), "{po2}");
        // Idempotent: a second update changes nothing.
        let (po3, _) = update(Some(&po2), &v2, "en", "English").unwrap();
        assert_eq!(po2, po3);
    }

    #[test]
    fn dropped_facts_placeholders_and_links_are_refused() {
        assert!(
            translation_problems(
                true,
                "料金は{{ fact(key=\"a\") }}",
                "Fee: {{fact(key=\"a\")}}"
            )
            .is_empty()
        );
        let p = translation_problems(true, "料金は{{ fact(key=\"a\") }}", "Fee: 300 yen");
        assert!(p[0].0.contains("drops {{fact(key=\"a\")}}"), "{p:?}");
        let p = translation_problems(true, "[見る](@/a.md#x)", "[see](@/a.md#y)");
        assert!(
            p[0].0.contains("drops (@/a.md#x) and adds (@/a.md#y)"),
            "{p:?}"
        );
        let p = translation_problems(false, "{min}から{max}", "from {min}");
        assert!(p[0].0.contains("drops {max}"), "{p:?}");
        assert!(!translation_problems(true, "a", "<b>a</b>").is_empty());
        assert!(!translation_problems(true, "[a](https://x)", "[a](javascript:x)").is_empty());
    }
}
