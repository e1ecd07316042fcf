//! gettext PO catalogs, one per language (`content/i18n/<lang>.po`), read,
//! checked and merged with `rspolib`. A message is identified by its
//! context and its Japanese text (`msgid`): Markdown runs have no context,
//! procedure texts and interface strings have one naming where they live.
//! Each entry may carry native review marks (translator comments, see
//! [`super::review`]); a mark counts only on a current entry whose hash matches.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};
use rayon::prelude::*;
use rspolib::{FileOptions, POEntry, POFile, pofile};
use serde::Serialize;

use super::review;
use crate::config::Date;
use crate::diag::{Diagnostic, FileId, Sources, Utf8Bytes};
use crate::policy;

/// The header that once said whether people had reviewed a whole catalog.
/// Review is per message now ([`super::review`]): `draft` is accepted and
/// means nothing more; any other value is warned about and ignored.
pub const REVIEW_HEADER: &str = "X-Madoguchi-Review";

#[derive(Debug, Clone)]
struct Entry {
    /// Where its msgstr is in the catalog's `text`.
    start: u32,
    len: u32,
    /// The line of the msgstr in the catalog.
    line: u32,
    fuzzy: bool,
    /// Its msgstr is in the catalog's file (`Catalog::file`), not in `text`.
    in_file: bool,
    /// A native reviewer marked this very text reviewed (when and who:
    /// `Catalog::reviews`, a map of the few such entries: an entry is 16
    /// bytes, and a build holds one per message and catalog).
    reviewed: bool,
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

/// Gives the text of a source file again (see [`Catalog::parse_all`]).
pub type ReadAgain = dyn Fn(&Sources, FileId) -> Result<Utf8Bytes, Diagnostic> + Sync;

/// A map hashed with foldhash (a page's every run is looked up by its
/// text: SipHash was a tenth of a catalog site's build).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The messages of the catalogs read together ([`Catalog::parse_all`]),
/// each once: the catalogs share them and hold only their translations,
/// by message number. An empty context is no context, as gettext has it.
#[derive(Debug, Default)]
struct Messages {
    /// Markdown runs, page titles and descriptions.
    plain: FastMap<Box<str>, u32>,
    /// The others, by context, then Japanese text.
    with_ctxt: FastMap<Box<str>, FastMap<Box<str>, u32>>,
    count: u32,
}

impl Messages {
    fn get(&self, ctxt: Option<&str>, msgid: &str) -> Option<u32> {
        match ctxt.filter(|c| !c.is_empty()) {
            None => self.plain.get(msgid).copied(),
            Some(c) => self.with_ctxt.get(c)?.get(msgid).copied(),
        }
    }

    fn intern(&mut self, ctxt: Option<&str>, msgid: &str) -> u32 {
        if let Some(n) = self.get(ctxt, msgid) {
            return n;
        }
        let n = self.count;
        self.count += 1;
        match ctxt.filter(|c| !c.is_empty()) {
            None => self.plain.insert(msgid.into(), n),
            Some(c) => self
                .with_ctxt
                .entry(c.into())
                .or_default()
                .insert(msgid.into(), n),
        };
        n
    }
}

/// The numbers the catalogs read together give their messages
/// ([`Catalog::numbering`]).
#[derive(Debug, Clone, Default)]
pub struct Numbering(Arc<Messages>);

/// A message's number in a [`Numbering`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageNumber(u32);

impl Numbering {
    /// The number of a message without a context (a Markdown run), if a
    /// catalog has it.
    pub fn plain(&self, msgid: &str) -> Option<MessageNumber> {
        self.0.plain.get(msgid).copied().map(MessageNumber)
    }
}

/// One language's translations, ready for look-ups: a message's number
/// (from the Japanese text, shared with the other catalogs), then its
/// entry, whose msgstr is a slice of one string holding them all.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub lang: String,
    messages: Arc<Messages>,
    /// By message number.
    entries: Vec<Option<Entry>>,
    /// The latest day a native reviewer marked an entry's very text
    /// reviewed, and who, by message number.
    reviews: FastMap<u32, (Date, String)>,
    /// Every msgstr held in memory, one after the other.
    text: String,
    /// The catalog's file, when the build let go of the msgstrs of its
    /// Markdown runs (`in_file`): read again for the pages of its language
    /// ([`Catalog::open`]), one language at a time.
    file: Option<FileText>,
}

/// A catalog file whose text is read again when needed.
#[derive(Debug, Clone)]
struct FileText {
    id: FileId,
    path: std::path::PathBuf,
    /// Of the text the catalog was read from.
    fingerprint: u64,
    /// Reads a file (given by `load`, which does the build's I/O).
    reader: fn(&std::path::Path) -> Option<Vec<u8>>,
    /// The text, once read again: by [`Catalog::open`], or on the first
    /// look-up of a msgstr in it (`None`: it changed, is gone or is no
    /// longer UTF-8).
    text: std::sync::OnceLock<Option<Utf8Bytes>>,
}

impl FileText {
    fn read(&self) -> Option<Utf8Bytes> {
        (self.reader)(&self.path)
            .filter(|b| crate::diag::fingerprint_bytes(b) == self.fingerprint)
            .and_then(Utf8Bytes::new)
    }
}

/// Which msgids without a context a catalog keeps in memory when the build
/// lets the others go (page titles and descriptions: read while loading);
/// see [`Catalog::parse_all`].
pub type Keep<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// What the build lets go of ([`Catalog::parse_all`]): the msgids without
/// a context whose translations stay in memory (`keep`), and how a
/// catalog's file is read again (`read`).
pub struct LetGo<'a> {
    pub keep: &'a Keep<'a>,
    pub read: fn(&std::path::Path) -> Option<Vec<u8>>,
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

/// An entry of a catalog being read, checked: its message's number, its
/// msgstr, and what passed every rule (with the warnings about its review
/// marks) or why it is refused.
type Checked<'a> = (u32, &'a str, Result<Kept, Vec<Diagnostic>>, Vec<Diagnostic>);

/// An entry of a catalog being read that passed every rule.
struct Kept {
    msgstr_line: usize,
    fuzzy: bool,
    reviewed: Option<(Date, String)>,
    /// Where the msgstr is, byte for byte, in the catalog's text when the
    /// build leaves it there (see [`Catalog::parse_all`]).
    in_file: Option<usize>,
}

impl Catalog {
    /// A catalog without any translation (a language whose file is missing).
    pub fn empty(lang: &str) -> Catalog {
        Catalog {
            lang: lang.to_string(),
            messages: Arc::default(),
            entries: Vec::new(),
            reviews: FastMap::default(),
            text: String::new(),
            file: None,
        }
    }

    /// The catalog with its file's text read again, for the pages of its
    /// language (the build lets the catalogs' Markdown translations go
    /// after reading them, see [`Catalog::parse_all`]): an error if the
    /// file changed or is gone since. A catalog that holds all its
    /// translations is returned as it is. The text is held by the catalog
    /// returned, let go with it.
    pub fn open(self: &Arc<Self>) -> Result<Arc<Catalog>, Diagnostic> {
        let Some(f) = self.file.as_ref() else {
            return Ok(Arc::clone(self));
        };
        let changed = || {
            Diagnostic::error(format!(
                "`content/i18n/{}.po` changed while the site was built",
                self.lang
            ))
            .in_file(f.id)
            .help("build again once the file is saved")
        };
        let text = match f.text.get() {
            Some(Some(_)) => return Ok(Arc::clone(self)),
            Some(None) => return Err(changed()),
            None => f.read().ok_or_else(changed)?,
        };
        Ok(Arc::new(Catalog {
            lang: self.lang.clone(),
            messages: Arc::clone(&self.messages),
            entries: self.entries.clone(),
            reviews: self.reviews.clone(),
            text: self.text.clone(),
            file: Some(FileText {
                text: std::sync::OnceLock::from(Some(text)),
                ..f.clone()
            }),
        }))
    }

    /// A message's entry: a look-up of its number, no copy of its text.
    fn find(&self, ctxt: Option<&str>, msgid: &str) -> Option<(u32, &Entry)> {
        self.find_number(self.messages.get(ctxt, msgid)?)
    }

    fn find_number(&self, n: u32) -> Option<(u32, &Entry)> {
        Some((n, self.entries.get(n as usize)?.as_ref()?))
    }

    /// How this catalog numbers its messages: shared by the catalogs read
    /// together ([`Catalog::parse_all`]), so that a message found once by
    /// its text is then found in each of them by its number.
    pub fn numbering(&self) -> Numbering {
        Numbering(Arc::clone(&self.messages))
    }

    /// [`Catalog::lookup_with_state`] of a message found by `numbering`
    /// (`None`: no catalog read with it has the message), or `None` when
    /// this catalog numbers its messages otherwise.
    pub fn lookup_number(
        &self,
        numbering: &Numbering,
        n: Option<MessageNumber>,
    ) -> Option<(Lookup<'_>, State)> {
        if !Arc::ptr_eq(&numbering.0, &self.messages) {
            return None;
        }
        let found = n.and_then(|n| self.find_number(n.0));
        Some((self.lookup_found(found), self.state_of(found)))
    }

    /// [`Catalog::state`] of a message found by `numbering` (its
    /// translation is not read: a build's catalog may have to read its
    /// file for it), or `None` as [`Catalog::lookup_number`].
    pub fn state_number(&self, numbering: &Numbering, n: Option<MessageNumber>) -> Option<State> {
        Arc::ptr_eq(&numbering.0, &self.messages)
            .then(|| self.state_of(n.and_then(|n| self.find_number(n.0))))
    }

    /// When and by whom an entry was marked reviewed.
    fn review(&self, (n, e): (u32, &Entry)) -> Option<&(Date, String)> {
        e.reviewed.then(|| self.reviews.get(&n)).flatten()
    }

    fn msgstr(&self, e: &Entry) -> &str {
        let at = e.start as usize..e.start as usize + e.len as usize;
        match (&self.file, e.in_file) {
            // Read on the first look-up when the catalog was not opened
            // (checked by fingerprint: never another text).
            (Some(f), true) => f
                .text
                .get_or_init(|| f.read())
                .as_ref()
                .and_then(|t| t.get(at)),
            _ => self.text.get(at),
        }
        .unwrap_or_default()
    }

    fn state_of(&self, found: Option<(u32, &Entry)>) -> State {
        match found {
            Some((_, e)) if e.fuzzy => State::Outdated,
            Some(f) => self
                .review(f)
                .map_or(State::Translated, |r| State::Reviewed(r.0)),
            None => State::Missing,
        }
    }

    /// The message's state, review included.
    pub fn state(&self, ctxt: Option<&str>, msgid: &str) -> State {
        self.state_of(self.find(ctxt, msgid))
    }

    /// The entry of a message, if the catalog has a usable translation.
    pub fn entry(&self, ctxt: Option<&str>, msgid: &str) -> Option<EntryView<'_>> {
        let (n, e) = self.find(ctxt, msgid)?;
        Some(EntryView {
            msgstr: self.msgstr(e),
            state: self.state_of(Some((n, e))),
            reviewer: self.review((n, e)).map(|r| r.1.as_str()),
            line: e.line as usize,
        })
    }

    pub fn lookup(&self, ctxt: Option<&str>, msgid: &str) -> Lookup<'_> {
        self.lookup_with_state(ctxt, msgid).0
    }

    /// The message's translation and state, from one look-up.
    pub fn lookup_with_state(&self, ctxt: Option<&str>, msgid: &str) -> (Lookup<'_>, State) {
        let found = self.find(ctxt, msgid);
        (self.lookup_found(found), self.state_of(found))
    }

    fn lookup_found(&self, found: Option<(u32, &Entry)>) -> Lookup<'_> {
        match found {
            Some((_, e)) if e.fuzzy => Lookup::Outdated(self.msgstr(e)),
            Some((_, e)) => Lookup::Translated(self.msgstr(e)),
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
        read_again: &ReadAgain,
    ) -> (Option<Catalog>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let catalog = Self::parse_all(sources, &[(lang, file)], read_again, None, &mut diags).pop();
        (catalog, diags)
    }

    /// Reads and checks the catalogs `files` (language, file), one after
    /// the other, each message's Japanese read once for them all and each
    /// catalog's entries checked in parallel; the catalogs share their
    /// messages. Entries that break a rule are reported (at the catalog's
    /// file and line, catalog by catalog and in file order) and left out.
    /// `read_again` gives a file's text when loading let it go (`load`
    /// reads it from the disk again). With `let_go` (the build), a catalog
    /// holds in memory only the translations with a context, those of the
    /// msgids without one that `let_go.keep` names, and those whose text
    /// is not in the file byte for byte (escapes); the others (the Markdown
    /// runs: nearly all of a catalog) stay in its file, which is read again
    /// for the pages of its language ([`Catalog::open`]). Where a msgstr is
    /// in the file is checked against the text rspolib read for it.
    pub fn parse_all(
        sources: &Sources,
        files: &[(&str, FileId)],
        read_again: &ReadAgain,
        let_go: Option<&LetGo<'_>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Catalog> {
        let mut messages = Messages::default();
        // What each Markdown message's Japanese is (by number), the same
        // for every catalog: found once.
        let mut readings: Vec<Japanese> = Vec::new();
        let mut out = Vec::new();
        // Each catalog's file is read (again: loading let its text go),
        // parsed (rspolib, in pieces, in parallel) and checked (in
        // parallel), one after the other: one catalog's text at a time.
        for &(lang, file) in files {
            let catalog = match read_again(sources, file) {
                Ok(bytes) => {
                    let text = bytes.as_str();
                    let read = read_po_with(text, true);
                    Self::parse_one(
                        sources,
                        (file, lang, text, read),
                        (&mut messages, &mut readings, let_go),
                        diags,
                    )
                }
                Err(d) => {
                    diags.push(d);
                    Catalog::empty(lang)
                }
            };
            out.push(catalog);
        }
        let messages = Arc::new(messages);
        for c in &mut out {
            c.messages = Arc::clone(&messages);
        }
        out
    }

    fn parse_one(
        sources: &Sources,
        (file, lang, text, read): (FileId, &str, &str, Result<PoRead, ReadError>),
        (messages, readings, let_go): (&mut Messages, &mut Vec<Japanese>, Option<&LetGo<'_>>),
        diags: &mut Vec<Diagnostic>,
    ) -> Catalog {
        let read = match read {
            Ok(r) => r,
            Err(e) => {
                // Never published, never blocking the Japanese: the language
                // shows the Japanese pages, marked, until the file is fixed.
                diags.push(e.diagnostic(file, text));
                return Catalog::empty(lang);
            }
        };
        let mut refusals: Vec<&ReadError> = read.refused.iter().map(|(_, e)| e).collect();
        refusals.dedup();
        for e in refusals {
            diags.push(e.diagnostic(file, text));
        }
        let po = &read.po;
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
        // Only a catalog with a file to read again lets go of anything.
        let let_go = let_go.filter(|_| sources.path(file).is_some());
        let refused: HashSet<usize> = read.refused.iter().map(|(i, _)| *i).collect();
        // The entries with a translation to check, each with its message's number.
        let candidates: Vec<(u32, &POEntry, &EntryLines, &str)> = po
            .entries
            .iter()
            .zip(&read.lines)
            .enumerate()
            .filter(|(i, (e, _))| !e.obsolete && !refused.contains(i))
            .filter_map(|(_, (e, lines))| {
                let msgstr = e.msgstr.as_deref().filter(|s| !untranslated(e, s))?;
                let n = messages.intern(e.msgctxt.as_deref(), &e.msgid);
                Some((n, e, lines, msgstr))
            })
            .collect();
        readings.resize_with(messages.count as usize, || Japanese::Unknown);
        // A plain Japanese text is read only if a translation is not plain
        // (see `problems_with`): whether it is, found once for every catalog.
        let unread: Vec<(u32, &str)> = candidates
            .iter()
            .filter(|(n, e, _, _)| {
                e.msgctxt.is_none() && matches!(readings[*n as usize], Japanese::Unknown)
            })
            .map(|(n, e, _, _)| (*n, e.msgid.as_str()))
            .collect();
        let read_now: Vec<(u32, Japanese)> = unread
            .into_par_iter()
            .map(|(n, msgid)| (n, Japanese::of(msgid)))
            .collect();
        for (n, r) in read_now {
            readings[n as usize] = r;
        }
        let readings: &[Japanese] = readings;
        // The file's lines, indexed only for a diagnostic's span or a
        // review mark's line (where each msgstr is, `scan_lines` found).
        let lines = std::sync::OnceLock::new();
        let lines = || lines.get_or_init(|| Lines::of(text));
        let checked: Vec<Checked<'_>> = candidates
            .into_par_iter()
            .map(|(n, e, lines_of, msgstr)| {
                let source = match &readings[n as usize] {
                    Japanese::Unknown => (None, None),
                    Japanese::Plain => (Some(true), None),
                    Japanese::Read(r) => (Some(false), Some(&**r)),
                };
                let problems = problems_with(e.msgctxt.as_deref(), &e.msgid, source, msgstr);
                if !problems.is_empty() {
                    let span = line_from(text, lines_of.msgstr_at);
                    let refused = problems
                        .into_iter()
                        .map(|(message, help)| {
                            Diagnostic::error(message)
                                .at(file, span.clone())
                                .label("this translation (the Japanese is shown instead)")
                                .help(help)
                                .translation()
                        })
                        .collect();
                    return (n, msgstr, Err(refused), Vec::new());
                }
                let mut review_diags = Vec::new();
                let reviewed = e.tcomment.as_ref().and_then(|_| {
                    review_of(sources, (file, lines()), e, msgstr, &mut review_diags)
                });
                let in_file = let_go
                    .filter(|l| e.msgctxt.is_none() && !(l.keep)(&e.msgid))
                    .and_then(|_| verbatim_at(text, lines_of.msgstr_at, msgstr));
                let kept = Kept {
                    msgstr_line: lines_of.msgstr,
                    fuzzy: e.fuzzy(),
                    reviewed,
                    in_file,
                };
                (n, msgstr, Ok(kept), review_diags)
            })
            .collect();
        let mut catalog = Catalog {
            lang: lang.to_string(),
            messages: Arc::default(),
            entries: Vec::new(),
            reviews: FastMap::default(),
            text: String::new(),
            file: None,
        };
        catalog
            .entries
            .resize_with(messages.count as usize, || None);
        let kept_len: usize = checked
            .iter()
            .filter(|(_, _, k, _)| k.as_ref().is_ok_and(|k| k.in_file.is_none()))
            .map(|(_, s, _, _)| s.len())
            .sum();
        catalog.text.reserve_exact(kept_len);
        for (n, msgstr, kept, review_diags) in checked {
            match kept {
                Err(refused) => diags.extend(refused),
                Ok(kept) => {
                    diags.extend(review_diags);
                    let at = kept.in_file.unwrap_or(catalog.text.len());
                    let (Ok(start), Ok(len)) = (u32::try_from(at), u32::try_from(msgstr.len()))
                    else {
                        diags.push(
                            Diagnostic::error("this catalog holds more than 4 GiB of translations")
                                .in_file(file)
                                .help("split the site, or shorten the translations"),
                        );
                        break;
                    };
                    if kept.in_file.is_none() {
                        catalog.text.push_str(msgstr);
                    }
                    let reviewed = kept.reviewed.is_some();
                    if let Some(r) = kept.reviewed {
                        catalog.reviews.insert(n, r);
                    }
                    catalog.entries[n as usize] = Some(Entry {
                        start,
                        len,
                        line: u32::try_from(kept.msgstr_line).unwrap_or(u32::MAX),
                        fuzzy: kept.fuzzy,
                        in_file: kept.in_file.is_some(),
                        reviewed,
                    });
                }
            }
        }
        if let Some(l) = let_go
            && catalog.entries.iter().flatten().any(|e| e.in_file)
        {
            catalog.file = sources.path(file).map(|path| FileText {
                reader: l.read,
                id: file,
                path: path.to_path_buf(),
                // Of the text read again for `parse_all` (the one loading
                // took when it let the text go: not hashed again).
                fingerprint: sources
                    .released(file)
                    .unwrap_or_else(|| crate::diag::fingerprint(text)),
                text: std::sync::OnceLock::new(),
            });
        }
        catalog
    }
}

/// Where `msgstr` (the text rspolib read for an entry whose msgstr keyword
/// is on the line starting at byte `line` of `text`) is in `text` byte for
/// byte: right after the line's first quote, when the file holds it
/// without escapes.
fn verbatim_at(text: &str, line: usize, msgstr: &str) -> Option<usize> {
    let at = line + text.get(line_from(text, line))?.find('"')? + 1;
    (text.get(at..at + msgstr.len())? == msgstr).then_some(at)
}

/// Whether a msgstr says nothing: empty or only white space (a format's
/// thousands separator may be a space).
fn untranslated(e: &POEntry, msgstr: &str) -> bool {
    if e.msgctxt.as_deref() == Some("format:thousands_separator") {
        msgstr.is_empty()
    } else {
        msgstr.trim().is_empty()
    }
}

/// Why a catalog, or one of its entries, cannot be read without losing
/// something, at a line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based line.
    pub line: usize,
    pub message: String,
    pub help: String,
}

impl ReadError {
    fn new(line: usize, message: impl Into<String>, help: impl Into<String>) -> Self {
        ReadError {
            line: line.max(1),
            message: message.into(),
            help: help.into(),
        }
    }

    /// The problem at its line of `file` (its text `text`): a translation
    /// left out, that `i18n update` refuses to rewrite (`parse`).
    pub fn diagnostic(&self, file: FileId, text: &str) -> Diagnostic {
        Diagnostic::error(self.message.clone())
            .at(file, line_span(text, self.line))
            .label("here")
            .help(self.help.clone())
            .translation()
            .parse_error()
    }
}

/// Where an entry is in its file (1-based lines).
#[derive(Debug, Clone, Default)]
struct EntryLines {
    msgid: usize,
    msgstr: usize,
    /// Where the msgstr's line starts (bytes).
    msgstr_at: usize,
    /// An obsolete entry's previous msgid (`#~| msgid`), which rspolib skips.
    previous: Option<String>,
}

/// A catalog read losslessly: its entries with their lines, and the
/// entries that are left out (duplicates, plural forms), each with why.
pub(crate) struct PoRead {
    po: POFile,
    lines: Vec<EntryLines>,
    refused: Vec<(usize, ReadError)>,
}

/// The value of a PO string line (`"…"`), unescaped.
fn po_string(s: &str) -> Option<String> {
    let s = s.trim();
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    rspolib::escaping::unescape(inner)
        .ok()
        .map(|c| c.into_owned())
}

/// Each entry's lines, in file order, the header (the first entry whose
/// msgid is empty) left out as rspolib leaves it out.
fn scan_lines(text: &str) -> Vec<EntryLines> {
    let mut out: Vec<(EntryLines, bool)> = Vec::new();
    let mut previous: Option<String> = None;
    let mut in_previous = false;
    let mut in_msgid = false;
    let mut next = 0;
    // The lines as `str::lines` has them, each with where it starts.
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let (n, at) = (i + 1, next);
        next += raw.len();
        let raw = match raw.strip_suffix('\n') {
            Some(l) => l.strip_suffix('\r').unwrap_or(l),
            None => raw,
        };
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("#~|") {
            let rest = rest.trim();
            if let Some(v) = rest
                .strip_prefix("msgid")
                .filter(|v| v.trim_start().starts_with('"'))
            {
                previous = po_string(v);
                in_previous = true;
            } else if rest.starts_with('"') && in_previous {
                if let (Some(p), Some(more)) = (previous.as_mut(), po_string(rest)) {
                    p.push_str(&more);
                }
            } else {
                in_previous = false;
            }
            continue;
        }
        in_previous = false;
        let (obsolete, body) = match line.strip_prefix("#~") {
            Some(r) => (true, r.trim_start()),
            None => (false, line),
        };
        if body.starts_with('#') {
            continue;
        }
        if let Some(v) = body.strip_prefix("msgid") {
            if v.starts_with('_') {
                continue; // msgid_plural
            }
            out.push((
                EntryLines {
                    msgid: n,
                    msgstr: 0,
                    msgstr_at: at,
                    previous: if obsolete { previous.take() } else { None },
                },
                v.trim() == "\"\"",
            ));
            previous = None;
            in_msgid = true;
        } else if body.starts_with("msgstr") {
            in_msgid = false;
            if let Some((last, _)) = out.last_mut()
                && last.msgstr == 0
            {
                last.msgstr = n;
                last.msgstr_at = at;
            }
        } else if body.starts_with('"') && in_msgid {
            if let Some((_, empty)) = out.last_mut()
                && po_string(body).is_some_and(|v| !v.is_empty())
            {
                *empty = false;
            }
        } else if body.starts_with("msgctxt") {
            in_msgid = false;
        }
    }
    if let Some(h) = out.iter().position(|(_, empty)| *empty) {
        out.remove(h);
    }
    out.into_iter()
        .map(|(mut l, _)| {
            if l.msgstr == 0 {
                l.msgstr = l.msgid;
            }
            l
        })
        .collect()
}

/// When line `at` (1-based) starts an entry and the entry before it has
/// no `msgstr`, the line of that entry's `msgid`.
fn entry_without_msgstr(text: &str, at: usize) -> Option<usize> {
    let starts_entry = |l: &str| {
        let l = l.trim_start();
        l.starts_with("msgid") || l.starts_with("msgctxt") || l.starts_with('#')
    };
    if !text
        .lines()
        .nth(at.checked_sub(1)?)
        .is_some_and(starts_entry)
    {
        return None;
    }
    let lines: Vec<&str> = text.lines().take(at - 1).collect();
    for (i, l) in lines.iter().enumerate().rev() {
        let l = l.trim_start();
        let l = l.strip_prefix("#~").map_or(l, str::trim_start);
        if l.starts_with("msgstr") {
            return None;
        }
        if l.starts_with("msgid") && !l.starts_with("msgid_plural") {
            return Some(i + 1);
        }
    }
    None
}

/// The latest valid review mark of an entry: one whose hash is the hash of
/// this very text, on an entry that is not fuzzy. Malformed marks, and on a
/// current entry marks for another text, are warned about at their line.
fn review_of(
    sources: &Sources,
    (file, lines): (FileId, &Lines<'_>),
    e: &POEntry,
    msgstr: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Date, String)> {
    let tcomment = e.tcomment.as_deref()?;
    let want = review::text_hash(e.msgctxt.as_deref(), &e.msgid, msgstr);
    let mut latest: Option<(Date, String)> = None;
    for line in review::mark_lines(tcomment) {
        let span = lines.span(comment_line(lines, e.linenum, line));
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
fn comment_line(lines: &Lines<'_>, entry_line: usize, line: &str) -> usize {
    let want = line.trim();
    let count = lines.count();
    let msgid = (entry_line.saturating_sub(1)..count)
        .find(|&i| lines.line(i).starts_with("msgid"))
        .unwrap_or(entry_line.saturating_sub(1));
    (0..=msgid.min(count.saturating_sub(1)))
        .rev()
        .take_while(|&i| i == msgid || lines.line(i).starts_with('#'))
        .find(|&i| {
            lines
                .line(i)
                .strip_prefix('#')
                .is_some_and(|c| c.trim() == want)
        })
        .map_or(entry_line.max(1), |i| i + 1)
}

/// A catalog's text by lines, each found without a scan from the start
/// (a catalog has a line per message: scanning for each would be
/// quadratic). Lines as `str::lines` has them.
struct Lines<'a> {
    text: &'a str,
    /// Where each line starts.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn of(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        // (`match_indices` of a `char` finds each with `memchr`.)
        starts.extend(
            text.match_indices('\n')
                .map(|(i, _)| i + 1)
                .filter(|&i| i < text.len()),
        );
        if text.is_empty() {
            starts.clear();
        }
        Lines { text, starts }
    }

    fn count(&self) -> usize {
        self.starts.len()
    }

    /// Line `i` (0-based), without its line break.
    fn line(&self, i: usize) -> &'a str {
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e - 1);
        let line = self.text.get(start..end).unwrap_or_default();
        let broken = i + 1 < self.count() || line.ends_with('\n');
        let line = line.strip_suffix('\n').unwrap_or(line);
        match line.strip_suffix('\r') {
            Some(l) if broken => l,
            _ => line,
        }
    }

    /// Line `n` (1-based) as a byte range, as [`line_span`] has it.
    fn span(&self, n: usize) -> Range<usize> {
        let Some(&start) = self.starts.get(n.saturating_sub(1)) else {
            return line_span(self.text, n);
        };
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        start..end
    }
}

/// Reads a catalog, refusing what cannot be read or written back without
/// loss: a syntax error, a charset other than UTF-8; entries that would be
/// lost or silently chosen between (two entries for one message, plural
/// forms) are returned as refused.
pub(crate) fn read_po(text: &str) -> Result<PoRead, ReadError> {
    read_po_with(text, false)
}

/// [`read_po`] for the build (`lean`): each entry keeps only what a build
/// reads (its context, msgid, msgstr, flags, translator comments and line;
/// an obsolete entry nothing but its being there), so that a catalog of
/// tens of MB is not held with its source references and comments.
fn read_po_with(text: &str, lean: bool) -> Result<PoRead, ReadError> {
    const FIX: &str = "open the file in Poedit or run `msgfmt --check` on it to find the broken \
                       entry, fix it, then run `site-gen i18n update`";
    if text.trim().is_empty() {
        return Ok(PoRead {
            po: POFile::new(FileOptions::default()),
            lines: Vec::new(),
            refused: Vec::new(),
        });
    }
    // rspolib takes a path or the content; content always has a line break
    // (a catalog is not copied for it: it can be tens of MB).
    let content: std::borrow::Cow<'_, str> = if text.contains('\n') {
        text.into()
    } else {
        format!("{text}\n").into()
    };
    // In pieces (rspolib parsing each, in parallel, while the file's own
    // lines are scanned) when they read as the whole file does; else (a
    // syntax error, anything unusual) the whole file, whose reading is the
    // one that counts.
    let (lines, pieces) = rayon::join(|| scan_lines(text), || pofile_in_pieces(text, PIECE, lean));
    let pieces = pieces.filter(|po| po.entries.len() == lines.len());
    let mut po = match pieces {
        Some(po) => po,
        None => whole_pofile(text, &content, lean)?,
    };
    drop(content);
    if let Some(ct) = po.metadata.get("Content-Type")
        && let Some(charset) = ct.to_ascii_lowercase().split("charset=").nth(1)
        && !matches!(charset.trim(), "utf-8" | "utf8")
    {
        return Err(ReadError::new(
            header_line(text, "Content-Type"),
            format!("this catalog says it is written in `{}`", charset.trim()),
            "convert it to UTF-8 (`msgconv --to-code=UTF-8`, or save as UTF-8 in your editor) \
             and say `charset=UTF-8` in its header",
        ));
    }
    if lines.len() != po.entries.len() {
        return Err(ReadError::new(
            1,
            format!(
                "this catalog cannot be read without loss ({} entries found, {} read)",
                lines.len(),
                po.entries.len()
            ),
            FIX,
        ));
    }
    let mut refused = Vec::new();
    let mut first: FastMap<(Option<&str>, &str), usize> =
        FastMap::with_capacity_and_hasher(po.entries.len(), Default::default());
    for (i, (e, l)) in po.entries.iter().zip(&lines).enumerate() {
        if e.msgid_plural.is_some() {
            refused.push((
                i,
                ReadError::new(
                    l.msgid,
                    "this entry has plural forms (`msgid_plural`), which Madoguchi does not \
                     support: no message of the site has them",
                    "delete the entry: every message comes from `site-gen i18n update`, which \
                     never writes plural forms",
                ),
            ));
            continue;
        }
        if e.obsolete {
            continue;
        }
        match first.get(&(e.msgctxt.as_deref(), e.msgid.as_str())) {
            Some(&j) => {
                let other = lines[j].msgid;
                refused.push((
                    i,
                    ReadError::new(
                        l.msgid,
                        format!(
                            "lines {other} and {} are two entries for the same message \
                             (same msgctxt and msgid): neither is used",
                            l.msgid
                        ),
                        format!(
                            "keep one translation and delete the other entry (lines {other} \
                             and {}); merged files leave such pairs",
                            l.msgid
                        ),
                    ),
                ));
                if !refused.iter().any(|(k, _)| *k == j) {
                    refused.push((j, refused[refused.len() - 1].1.clone()));
                }
            }
            None => {
                first.insert((e.msgctxt.as_deref(), e.msgid.as_str()), i);
            }
        }
    }
    for (e, l) in po.entries.iter_mut().zip(&lines) {
        if e.obsolete && e.previous_msgid.is_none() && !lean {
            e.previous_msgid = l.previous.clone();
        }
    }
    Ok(PoRead { po, lines, refused })
}

/// About how many bytes of a catalog rspolib parses at a time
/// ([`pofile_in_pieces`]).
const PIECE: usize = 1 << 20;

/// The whole catalog parsed by rspolib; its syntax error at the line that
/// names the broken entry.
fn whole_pofile(text: &str, content: &str, lean: bool) -> Result<POFile, ReadError> {
    const FIX: &str = "open the file in Poedit or run `msgfmt --check` on it to find the broken \
                       entry, fix it, then run `site-gen i18n update`";
    let mut po = pofile(content).map_err(|e| {
        use rspolib::errors::SyntaxError as E;
        let line = match &e {
            E::UnescapedDoubleQuoteFound { line, .. }
            | E::Custom { line, .. }
            | E::Generic { line, .. } => *line,
            E::BasicCustom { .. } | E::UnknownState { .. } => 1,
        };
        // rspolib notices an entry without a msgstr only at the next entry:
        // name the msgid that lacks it, from the file's own lines.
        let line = entry_without_msgstr(text, line).unwrap_or(line);
        ReadError::new(
            line,
            format!("this catalog is not a valid PO file: {e}"),
            FIX,
        )
    })?;
    // rspolib keeps a copy of what it was given.
    po.options.path_or_content = String::new();
    if lean {
        po.entries.iter_mut().for_each(make_lean);
    }
    Ok(po)
}

/// A catalog parsed by rspolib in pieces of about `size` bytes, in
/// parallel, each a run of whole entries (cut where a blank line is
/// followed by a line that starts an entry: a comment other than a
/// translator's, `msgctxt` or `msgid`), their entries' lines counted in the whole file: what the whole
/// file reads as, with a catalog's text copied a piece at a time (rspolib
/// copies what it parses twice and allocates each line). `None` when a
/// piece does not parse or a piece after the first has a header: the
/// caller then parses the whole file, which says what is wrong (the
/// caller also compares the number of entries with the file's).
fn pofile_in_pieces(text: &str, size: usize, lean: bool) -> Option<POFile> {
    let bytes = text.as_bytes();
    let starts_entry = |at: usize| {
        let rest = &bytes[at..];
        // Not a translator comment (`# `): rspolib reads one at the start
        // of a text as the file's header comment.
        [&b"#."[..], b"#:", b"#,", b"#|", b"#~", b"msgctxt", b"msgid"]
            .iter()
            .any(|s| rest.starts_with(s))
    };
    // (lines before the piece, the piece)
    let mut pieces: Vec<(usize, &str)> = Vec::new();
    let (mut start, mut lines_before) = (0, 0);
    while start < text.len() {
        let mut cut = text.len();
        let mut from = start + size;
        while from < text.len() {
            let Some(k) = bytes[from..].windows(2).position(|w| w == b"\n\n") else {
                break;
            };
            let at = from + k + 2;
            if at < text.len() && starts_entry(at) {
                cut = at;
                break;
            }
            from = from + k + 1;
        }
        let piece = text.get(start..cut)?;
        pieces.push((lines_before, piece));
        lines_before += piece.bytes().filter(|&b| b == b'\n').count();
        start = cut;
    }
    let parsed: Vec<POFile> = pieces
        .par_iter()
        .enumerate()
        .map(|(i, &(before, piece))| {
            let lean_piece = lean.then(|| without_references(piece)).flatten();
            let mut po = pofile(lean_piece.as_deref().unwrap_or(piece)).ok()?;
            drop(lean_piece);
            if i > 0 && (!po.metadata.is_empty() || po.header.is_some()) {
                return None;
            }
            po.options.path_or_content = String::new();
            for (k, e) in po.entries.iter_mut().enumerate() {
                // A piece's first entry starts at its first line (rspolib
                // counts an entry from the line that ends the one before).
                e.linenum = if i > 0 && k == 0 {
                    before + 1
                } else {
                    e.linenum + before
                };
                if lean {
                    make_lean(e);
                }
            }
            Some(po)
        })
        .collect::<Option<_>>()?;
    let total: usize = parsed.iter().map(|p| p.entries.len()).sum();
    let mut parsed = parsed.into_iter();
    let mut po = parsed.next()?;
    po.entries.reserve_exact(total - po.entries.len());
    for more in parsed {
        po.entries.extend(more.entries);
    }
    Some(po)
}

/// `piece` (whole entries of a catalog) with its entries' references
/// (`#: file:line`) and extracted comments (`#. …`) left as blank lines,
/// or `None` when it has none to leave out. A build never reads them
/// ([`make_lean`] lets them go), and they are about a third of what
/// rspolib does for a catalog made by `i18n update` (each line copied,
/// split into tokens, each reference split and copied). Only a run of them
/// that opens an entry is blanked: after the piece's start, a blank line,
/// a translator comment or a complete entry (its `msgstr`), and before
/// the entry's `msgctxt`, `msgid`, flags or previous msgid. There rspolib
/// reads the entry alike without them (it goes from the state before the
/// run straight to the line after it, which it accepts from there), and
/// the lines keep their numbers; anything else is left as it is.
fn without_references(piece: &str) -> Option<String> {
    fn blankable(line: &str) -> bool {
        line.starts_with("#: ") || line.starts_with("#. ")
    }
    fn opens_entry(line: &str) -> bool {
        ["msgid ", "msgctxt ", "#| "]
            .iter()
            .any(|k| line.starts_with(k))
            || line
                .strip_prefix("#, ")
                .is_some_and(|flags| !flags.trim().is_empty())
    }
    // Whether the last line read leaves rspolib between entries: the
    // piece's start, a translator comment or a `msgstr` (its continuation
    // lines and blank lines change nothing).
    let mut between = true;
    // The run of blankable lines being read (their ranges in `piece`).
    let mut run: Vec<std::ops::Range<usize>> = Vec::new();
    let mut blank: Vec<std::ops::Range<usize>> = Vec::new();
    let mut at = 0;
    for line in piece.split_inclusive('\n') {
        let range = at..at + line.len();
        at += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if blankable(line) {
            if between {
                run.push(range);
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if !run.is_empty() && opens_entry(line) {
            blank.append(&mut run);
        }
        run.clear();
        if !line.starts_with('"') {
            between = line == "#"
                || line.starts_with("# ")
                || line.starts_with("msgstr ")
                || line.starts_with("msgstr[");
        }
    }
    if blank.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(piece.len());
    let mut from = 0;
    for r in blank {
        out.push_str(&piece[from..r.start]);
        out.push('\n');
        from = r.end;
    }
    out.push_str(&piece[from..]);
    Some(out)
}

/// Lets go of what a build never reads in an entry (see [`read_po_with`]).
fn make_lean(e: &mut POEntry) {
    e.occurrences = Vec::new();
    e.comment = None;
    e.previous_msgid = None;
    e.previous_msgid_plural = None;
    e.previous_msgctxt = None;
    if e.obsolete {
        e.msgid = String::new();
        e.msgstr = None;
        e.msgctxt = None;
        e.tcomment = None;
        e.msgstr_plural = Vec::new();
    }
}

/// The line of `text` that starts at byte `start`, as a byte range (as
/// [`line_span`] has it).
fn line_from(text: &str, start: usize) -> Range<usize> {
    let end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| start + i);
    start.min(end)..end
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

/// `name` or `name:argument` (`{fact:fees.copy}`, `{answer:step}`,
/// `{detail:name}`, `{doc:a|b}`): a placeholder, which starts with an ASCII
/// name; a reading (`{漢字|かんじ}`) does not.
fn is_placeholder(body: &str) -> bool {
    let (name, arg) = match body.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (body, None),
    };
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && arg.is_none_or(|a| {
            !a.is_empty() && !a.contains(['{', '}']) && !a.contains(char::is_whitespace)
        })
}

/// What must survive translation unchanged: `{{ shortcodes }}`,
/// `{placeholders}`, and `@/` and `#anchor` link targets.
pub fn protected(text: &str, markdown: bool) -> Vec<String> {
    let reading = markdown.then(|| Reading::of(text));
    protected_with(text, reading.as_ref())
}

/// [`protected`], the link targets taken from `reading` (Markdown) if any.
fn protected_with(text: &str, reading: Option<&Reading>) -> Vec<String> {
    let mut out = placeholders(text);
    if let Some(r) = reading {
        out.extend(r.targets.iter().cloned());
    }
    out.sort();
    out
}

/// The `{{ shortcodes }}` (white space removed) and `{placeholders}` of a text.
fn placeholders(text: &str) -> Vec<String> {
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
                Some(j) if is_placeholder(&body[..j]) => {
                    out.push(format!("{{{}}}", &body[..j]));
                    rest = &body[j + 1..];
                }
                _ => rest = body,
            }
        }
    }
    out
}

/// Emphasis and code marks: left as text, one is unclosed.
const MARKS: [&str; 5] = ["`", "**", "*", "__", "~~"];

/// Whether Markdown reads `text` as one paragraph of text and nothing else:
/// one line, starting with a letter (of any script), holding no ASCII
/// punctuation but the few that mean nothing inside a line of prose
/// (`: , . ' " ( ) ? ; / % -`) and no control character. Its [`Reading`]
/// is a paragraph, no link, code, mark or HTML; it has no placeholder. A
/// catalog's runs are mostly such text: checked without a parse.
fn is_plain(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if first.is_whitespace() || first.is_ascii_punctuation() || first.is_ascii_digit() {
        return false;
    }
    // By bytes: past ASCII, only U+0080..U+009F (0xC2 0x80..0x9F) are
    // control characters.
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| match b {
        0xC2 => !matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
        0x80.. => true,
        b => {
            !b.is_ascii_control()
                && (!b.is_ascii_punctuation()
                    || matches!(
                        b,
                        b':' | b','
                            | b'.'
                            | b'\''
                            | b'"'
                            | b'('
                            | b')'
                            | b'?'
                            | b';'
                            | b'/'
                            | b'%'
                            | b'-'
                    ))
        }
    })
}

/// What the rules look at in a Markdown text, read in one parse (a
/// catalog's every message is checked: one parse each, not one per rule).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Reading {
    /// Each block's kind, in order.
    kinds: Vec<String>,
    /// `(target)` of each `@/` or `#` link or image, in order.
    targets: Vec<String>,
    /// Each code span: its text and what it protects.
    codes: Vec<(String, Vec<String>)>,
    /// The emphasis and code marks left as text, in order of first use.
    marks: Vec<&'static str>,
    /// Up to the first raw HTML: each link scheme that is not allowed,
    /// then `None` for the HTML.
    refused: Vec<Option<String>>,
}

impl Reading {
    pub(crate) fn of(text: &str) -> Reading {
        let mut r = Reading::default();
        let mut html = false;
        for event in Parser::new_ext(text, policy::options()) {
            let kind = match &event {
                Event::Start(Tag::Paragraph) => Some("a paragraph".to_string()),
                Event::Start(Tag::Heading { level, .. }) => Some(format!("a heading ({level})")),
                Event::Start(Tag::CodeBlock(_)) => Some("a code block".to_string()),
                Event::Start(Tag::List(_)) => Some("a list".to_string()),
                Event::Start(Tag::Table(_)) => Some("a table".to_string()),
                Event::Start(Tag::BlockQuote(_)) => Some("a quote".to_string()),
                Event::Start(Tag::HtmlBlock) => Some("an HTML block".to_string()),
                Event::Start(Tag::FootnoteDefinition(_)) => Some("a footnote".to_string()),
                Event::Start(Tag::DefinitionList) => Some("a definition list".to_string()),
                Event::Rule => Some("a thematic break".to_string()),
                _ => None,
            };
            if let Some(kind) = kind {
                r.kinds.push(kind);
            }
            match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    if dest_url.starts_with("@/") || dest_url.starts_with('#') {
                        r.targets.push(format!("({dest_url})"));
                    }
                    if !html
                        && let Some(scheme) = policy::link_scheme(&dest_url)
                        && !policy::ALLOWED_SCHEMES.contains(&scheme.as_str())
                    {
                        r.refused.push(Some(scheme));
                    }
                }
                Event::Html(_) | Event::InlineHtml(_) if !html => {
                    html = true;
                    r.refused.push(None);
                }
                Event::Code(c) => {
                    let mut p = placeholders(&c);
                    p.sort();
                    r.codes.push((c.into_string(), p));
                }
                Event::Text(t) => {
                    for mark in MARKS {
                        if t.contains(mark) && !r.marks.contains(&mark) {
                            r.marks.push(mark);
                        }
                    }
                }
                _ => {}
            }
        }
        r
    }
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

/// Why the msgstr of an entry (context `ctxt`, Japanese `msgid`) cannot
/// be published, with what to do. Messages without a context are Markdown.
pub fn entry_problems(ctxt: Option<&str>, msgid: &str, msgstr: &str) -> Vec<(String, String)> {
    let source = ctxt.is_none().then(|| Reading::of(msgid));
    problems_with(ctxt, msgid, (None, source.as_ref()), msgstr)
}

/// What a Markdown message's Japanese is, found once for every catalog
/// ([`Catalog::parse_all`]): plain text ([`is_plain`]), or its reading.
enum Japanese {
    Unknown,
    Plain,
    Read(Box<Reading>),
}

impl Japanese {
    fn of(msgid: &str) -> Japanese {
        if is_plain(msgid) {
            Japanese::Plain
        } else {
            Japanese::Read(Box::new(Reading::of(msgid)))
        }
    }
}

/// [`entry_problems`], with what is known of the Markdown `msgid` (for a
/// message without a context, the same for every catalog): whether it is
/// plain ([`is_plain`]) and its reading (`source`).
fn problems_with(
    ctxt: Option<&str>,
    msgid: &str,
    (plain, source): (Option<bool>, Option<&Reading>),
    msgstr: &str,
) -> Vec<(String, String)> {
    let mut out = match (ctxt, source) {
        (Some("format:date"), _) => date_format_problems(msgstr),
        (Some(c), _) if c.starts_with("format:") => {
            let mut p = format_problems(&c["format:".len()..], msgid, msgstr);
            p.extend(translation_problems(false, msgid, msgstr));
            p
        }
        (Some(_), _) => translation_problems(false, msgid, msgstr),
        // Plain text on both sides: nothing Markdown would read in either
        // (see `is_plain`), so no parse can find a difference of shape,
        // links, code or HTML; what is left is what any text is checked for.
        (None, _) if plain.unwrap_or_else(|| is_plain(msgid)) && is_plain(msgstr) => {
            problems_read(msgid, None, msgstr, None)
        }
        (None, source) => {
            let own;
            let source = match source {
                Some(s) => s,
                None => {
                    own = Reading::of(msgid);
                    &own
                }
            };
            let target = Reading::of(msgstr);
            let mut p = shape_problems(msgid, source, msgstr, &target);
            p.extend(problems_read(msgid, Some(source), msgstr, Some(&target)));
            p
        }
    };
    if !msgstr.trim().is_empty()
        && policy::is_invisible(msgstr)
        && ctxt != Some("format:thousands_separator")
    {
        out.push((
            "the translation has no visible text".to_string(),
            "write the translation in visible characters, or leave the msgstr empty (the \
             Japanese is then shown, marked as not translated yet)"
                .to_string(),
        ));
    }
    out
}

fn has_digit(s: &str) -> bool {
    s.chars().any(char::is_numeric)
}

/// A format must keep the shape its use needs.
fn format_problems(key: &str, msgid: &str, msgstr: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match key {
        "money" => {
            let n = msgstr.matches("{amount}").count();
            if n != 1 {
                out.push((
                    format!("the money format must contain `{{amount}}` exactly once (it has it {n} times)"),
                    "write the amount as `{amount}` once, with the currency around it, e.g. `¥{amount}`"
                        .to_string(),
                ));
            }
            if has_digit(&msgstr.replace("{amount}", "")) {
                out.push((
                    "the money format has a digit outside `{amount}`, which would change every amount"
                        .to_string(),
                    "only `{amount}` may give digits: write the currency sign or word around it, \
                     e.g. `¥{amount}` or `{amount} yen`"
                        .to_string(),
                ));
            }
        }
        "thousands_separator" => {
            if has_digit(msgstr) {
                out.push((
                    "the thousands separator contains a digit, which would change every amount"
                        .to_string(),
                    "write the character your language puts between thousands: `,`, `.`, a space"
                        .to_string(),
                ));
            }
        }
        _ => {
            if has_digit(msgstr) && !has_digit(msgid) {
                out.push((
                    format!("the format `{key}` gains a digit the Japanese does not have"),
                    "write words only, as the Japanese does".to_string(),
                ));
            }
        }
    }
    if key == "unverified" && policy::is_invisible(msgstr) {
        out.push((
            "the \"unconfirmed\" mark has no visible text: readers would not see which facts \
             are unconfirmed"
                .to_string(),
            "write your language's word for \"(unconfirmed)\"".to_string(),
        ));
    }
    out
}

/// Unescaped `|` outside readings (`{漢字|かんじ}`): in a table cell each
/// would end the cell (the build escapes them; a new one is still refused).
fn bare_pipes(text: &str) -> usize {
    if !text.contains('|') {
        return 0;
    }
    let plain: String = madoguchi_rules::strip_ruby(text);
    let mut prev = ' ';
    let mut n = 0;
    for c in plain.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

/// A Markdown translation keeps its Japanese's shape: the same blocks, no
/// new table cell, balanced code and emphasis, nothing protected in code.
/// `source` and `target` are the readings of `msgid` and `msgstr`.
fn shape_problems(
    msgid: &str,
    source: &Reading,
    msgstr: &str,
    target: &Reading,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (want, have) = (&source.kinds, &target.kinds);
    if want != have {
        let say = |k: &[String]| {
            if k.is_empty() {
                "nothing".to_string()
            } else {
                k.join(", then ")
            }
        };
        out.push((
            format!(
                "the translation changes the block structure: the Japanese is {}, the \
                 translation is {}",
                say(want),
                say(have)
            ),
            "translate the text only: no blank line, and no `#`, `-`, `1.`, `>`, `|`, ``` or \
             `---` at the start of a line that the Japanese does not have (write `\\#` for a \
             literal one)"
                .to_string(),
        ));
    }
    if bare_pipes(msgstr) > bare_pipes(msgid) {
        out.push((
            "the translation has a `|` the Japanese does not have (in a table it would split \
             the cell)"
                .to_string(),
            "write `\\|` for a literal bar, or another word".to_string(),
        ));
    }
    // What the Japanese itself shows as code (`{{ fact(...) }}` in a note
    // about the syntax) may stay in code.
    let mut code_ok: Vec<&String> = source.codes.iter().flat_map(|(_, p)| p).collect();
    for (c, protected) in &target.codes {
        for p in protected {
            if let Some(i) = code_ok.iter().position(|k| *k == p) {
                code_ok.swap_remove(i);
            } else {
                out.push((
                    format!(
                        "the translation puts `{c}` in backticks, so readers would see \
                         it as written instead of its value"
                    ),
                    "remove the backticks: a fact or placeholder is written without them"
                        .to_string(),
                ));
            }
        }
    }
    let stray: Vec<&str> = target
        .marks
        .iter()
        .copied()
        .filter(|m| !source.marks.contains(m))
        .collect();
    if !stray.is_empty() {
        out.push((
            format!(
                "the translation has an unclosed `{}`",
                stray.first().copied().unwrap_or("`")
            ),
            "close it as the Japanese does, or write `\\` before it for the character itself"
                .to_string(),
        ));
    }
    let (code, code_id) = (target.codes.len(), source.codes.len());
    if code != code_id && out.is_empty() {
        out.push((
            format!("the translation has {code} code spans (`…`), the Japanese {code_id}"),
            "keep the backticks where the Japanese has them, and add none".to_string(),
        ));
    }
    out
}

/// Why a translation cannot be used, with what to do.
pub fn translation_problems(markdown: bool, msgid: &str, msgstr: &str) -> Vec<(String, String)> {
    if markdown {
        let (source, target) = (Reading::of(msgid), Reading::of(msgstr));
        problems_read(msgid, Some(&source), msgstr, Some(&target))
    } else {
        problems_read(msgid, None, msgstr, None)
    }
}

/// [`translation_problems`], with the readings of a Markdown `msgid` and
/// `msgstr` (`None`: plain text).
fn problems_read(
    msgid: &str,
    source: Option<&Reading>,
    msgstr: &str,
    target: Option<&Reading>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let want = protected_with(msgid, source);
    let have = protected_with(msgstr, target);
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
    if let Some((_, problem)) = policy::text_problem(msgstr) {
        out.push((
            format!("the translation contains {problem}"),
            "delete the character (retype the text if it was pasted)".to_string(),
        ));
    }
    for refused in target.map_or(&[][..], |t| &t.refused) {
        match refused {
            None => out.push((
                "the translation contains raw HTML".to_string(),
                "write it in Markdown like the Japanese text; HTML is not allowed".to_string(),
            )),
            Some(scheme) => out.push((
                format!("the translation links with the scheme `{scheme}:`"),
                "use an https link or an `@/` link, as the Japanese text does".to_string(),
            )),
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
/// (`#~`), keeping their fuzzy flag and previous msgid, so one that comes
/// back is as outdated as it was. Entries keep their order in the file
/// and their translator comments; a new message goes after the one before
/// it in the sources. A catalog that cannot be read without loss (see
/// [`read_po`]) is refused, with each reason at its line.
pub fn update(
    old: Option<&str>,
    messages: &[Message],
    lang: &str,
    language_name: &str,
) -> Result<(String, Merged), Vec<ReadError>> {
    let old = match old {
        Some(t) => {
            let read = read_po(t).map_err(|e| vec![e])?;
            if !read.refused.is_empty() {
                let mut errors: Vec<ReadError> = read.refused.into_iter().map(|(_, e)| e).collect();
                errors.dedup();
                return Err(errors);
            }
            read.po
        }
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

    // Obsolete entries first, so a live one wins a (harmless) tie.
    let mut by_key: HashMap<(Option<&str>, &str), (usize, &POEntry)> = HashMap::new();
    for live in [false, true] {
        for (i, e) in old.entries.iter().enumerate() {
            if e.obsolete != live {
                by_key.insert((e.msgctxt.as_deref(), e.msgid.as_str()), (i, e));
            }
        }
    }
    let position: HashMap<*const POEntry, usize> = old
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (std::ptr::from_ref(e), i))
        .collect();
    let wanted: HashSet<(Option<&str>, &str)> = messages
        .iter()
        .map(|m| (m.ctxt.as_deref(), m.id.as_str()))
        .collect();
    // Old translations no current message has: candidates for fuzzy matches.
    let mut spare: Vec<&POEntry> = old
        .entries
        .iter()
        .filter(|e| e.msgstr.as_deref().is_some_and(|s| !s.trim().is_empty()))
        .filter(|e| !wanted.contains(&(e.msgctxt.as_deref(), e.msgid.as_str())))
        .collect();
    let mut merged = Merged::default();
    // Each new entry with the old live entry it continues, if any.
    let mut made: Vec<(POEntry, Option<usize>)> = Vec::with_capacity(messages.len());
    for m in messages {
        let mut origin = None;
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
        if let Some(&(i, o)) = by_key.get(&(m.ctxt.as_deref(), m.id.as_str())) {
            entry.msgstr = o.msgstr.clone();
            entry.tcomment = o.tcomment.clone();
            // A fuzzy entry stays fuzzy, also back from obsolete.
            entry.flags = o.flags.clone();
            if o.fuzzy() {
                entry.previous_msgid = o.previous_msgid.clone();
            }
            if !o.obsolete {
                origin = Some(i);
            } else {
                spare.retain(|e| !std::ptr::eq(*e, o));
            }
        } else if let Some(i) = best_match(m, &spare) {
            let o = spare.remove(i);
            if !o.obsolete {
                origin = position.get(&std::ptr::from_ref(o)).copied();
            }
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
            Some(s) if !untranslated(&entry, s) && entry.fuzzy() => merged.outdated += 1,
            Some(s) if !untranslated(&entry, s) => merged.translated += 1,
            Some(s) if !s.is_empty() => merged.missing += 1,
            _ => {
                entry.flags.retain(|f| f != "fuzzy");
                entry.previous_msgid = None;
                merged.missing += 1;
            }
        }
        made.push((entry, origin));
    }
    let origins: Vec<Option<usize>> = made.iter().map(|(_, o)| *o).collect();
    let order = merged_order(&origins);
    let mut made: Vec<Option<POEntry>> = made.into_iter().map(|(e, _)| Some(e)).collect();
    for i in order {
        if let Some(e) = made[i].take() {
            po.entries.push(e);
        }
    }
    for o in spare {
        let mut e = o.clone();
        e.obsolete = true;
        e.occurrences.clear();
        if !e.fuzzy() {
            e.previous_msgid = None;
        }
        po.entries.push(e);
        merged.obsolete += 1;
    }
    Ok((po_text(po), merged))
}

/// The order of the merged entries, given for each message (in source
/// order) the position of the old live entry it continues, if any: entries
/// continuing an old entry sit where it was; every other one right after its
/// predecessor in the sources (the first ones at the top). Linear apart from
/// sorting the continued entries: a new catalog of 600,000 messages is all
/// "right after its predecessor".
fn merged_order(origins: &[Option<usize>]) -> Vec<usize> {
    let mut heads: Vec<usize> = (0..origins.len())
        .filter(|&i| origins[i].is_some())
        .collect();
    heads.sort_by_key(|&i| origins[i]);
    let mut order = Vec::with_capacity(origins.len());
    // The new messages that follow `from` in the sources, up to the next
    // continued one.
    let run = |from: usize, order: &mut Vec<usize>| {
        order.extend((from..origins.len()).take_while(|&i| origins[i].is_none()));
    };
    run(0, &mut order);
    for h in heads {
        order.push(h);
        run(h + 1, &mut order);
    }
    order
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

    /// The merge order as it was first written (quadratic: each new
    /// message searched the order for its predecessor), kept as the
    /// reference the linear one must agree with.
    fn merged_order_by_search(origins: &[Option<usize>]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..origins.len())
            .filter(|&i| origins[i].is_some())
            .collect();
        order.sort_by_key(|&i| origins[i]);
        for i in (0..origins.len()).filter(|&i| origins[i].is_none()) {
            let at = (0..i)
                .rev()
                .find_map(|p| order.iter().position(|&o| o == p))
                .map_or(0, |at| at + 1);
            order.insert(at, i);
        }
        order
    }

    #[test]
    fn the_merge_order_is_the_searched_one_for_every_mix_of_new_and_kept_messages() {
        // A small generator, so the cases are the same on every run.
        let mut seed = 0x2545_f491_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from((seed >> 33) % n).unwrap()
        };
        for case in 0..400 {
            let len = case % 23;
            // Old positions shuffled, some messages new (no old entry).
            let mut old: Vec<usize> = (0..len).collect();
            for i in (1..len).rev() {
                old.swap(i, next(i as u64 + 1));
            }
            let new_share = 1 + next(4) as u64;
            let origins: Vec<Option<usize>> = old
                .into_iter()
                .map(|o| (next(4) as u64 >= new_share).then_some(o))
                .collect();
            assert_eq!(
                merged_order(&origins),
                merged_order_by_search(&origins),
                "{origins:?}"
            );
        }
        assert_eq!(merged_order(&[None, None]), vec![0, 1]);
        assert_eq!(
            merged_order(&[None, Some(1), None, Some(0), None]),
            vec![0, 3, 4, 1, 2]
        );
    }

    #[test]
    fn syntax_errors_name_the_line_to_fix() {
        let line = |po: &str| read_po(po).err().map(|e| e.line);
        let head = "msgid \"\"\nmsgstr \"\"\n\"Language: ko\\n\"\n\n";
        // A missing msgstr is noticed at the next entry: the msgid lacking it.
        assert_eq!(
            line(&format!(
                "{head}msgid \"a\"\n\n#: x\nmsgid \"b\"\nmsgstr \"B\"\n"
            )),
            Some(5)
        );
        // An unescaped quote in a continuation line: that line.
        assert_eq!(
            line(&format!("{head}msgid \"\"\n\"a \"b\" c\"\nmsgstr \"x\"\n")),
            Some(6)
        );
    }

    fn translate_all(po: &str, f: impl Fn(&str) -> String) -> String {
        let mut file = read_po(po).unwrap().po;
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
    fn procedure_placeholders_are_protected_and_readings_are_not() {
        assert_eq!(
            protected(
                "{fact:fees.copy}の前に{answer:step}、{detail:name}と{doc:a|b}",
                false
            ),
            [
                "{answer:step}",
                "{detail:name}",
                "{doc:a|b}",
                "{fact:fees.copy}"
            ]
        );
        assert!(protected("{漢字|かんじ}と{ }と{:x}", false).is_empty());
        let p = translation_problems(
            false,
            "{fact:fees.copy}の前に、{answer:who}の請求は受け付けません。",
            "Before ¥300, requests by {answer:who} are not accepted.",
        );
        assert!(p[0].0.contains("drops {fact:fees.copy}"), "{p:?}");
    }

    #[test]
    fn a_translation_keeps_the_shape_of_its_japanese() {
        let ok = |id: &str, s: &str| entry_problems(None, id, s);
        assert!(ok("段落です。", "A paragraph.").is_empty());
        assert!(ok("**大事**です。", "It is **important**.").is_empty());
        assert!(
            ok(
                "コード `{{ fact(key=\"a\") }}` です。",
                "Code `{{ fact(key=\"a\") }}`."
            )
            .is_empty()
        );
        for bad in [
            "# Heading",
            "```\ncode",
            "one\n\ntwo",
            "- item",
            "1. item",
            "> quote",
            "---",
            "Title\n===",
            "<div>x</div>",
            "a | b",
            "**open",
            "`open",
            "`{{ fact(key=\"a\") }}`",
        ] {
            let id = if bad.contains("fact") {
                "{{ fact(key=\"a\") }}"
            } else {
                "段落です。"
            };
            assert!(!ok(id, bad).is_empty(), "{bad:?} was accepted");
        }
        // A cell may keep a reading's bar.
        assert!(ok("印紙", "{印紙|いんし} stamp").is_empty());
        // Formats.
        let f = |k: &str, id: &str, s: &str| entry_problems(Some(&format!("format:{k}")), id, s);
        assert!(f("money", "{amount}円", "¥{amount}").is_empty());
        assert!(!f("money", "{amount}円", "¥{amount}0").is_empty());
        assert!(!f("money", "{amount}円", "{amount}{amount}").is_empty());
        assert!(!f("money", "{amount}円", "yen").is_empty());
        assert!(f("thousands_separator", ",", "\u{202f}").is_empty());
        assert!(!f("thousands_separator", ",", "0").is_empty());
        assert!(!f("unverified", "（未確認）", "\u{200b}").is_empty());
        assert!(f("unverified", "（未確認）", "(unconfirmed)").is_empty());
        // Invisible text anywhere (a title) is refused.
        assert!(!entry_problems(None, "題名", "\u{200b}\u{200b}").is_empty());
    }

    #[test]
    fn the_line_index_finds_lines_as_str_lines_and_line_span_do() {
        for text in [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\n\nb\n",
            "x\r",
            "# c\nmsgid \"a\"\r\nmsgstr \"b\"\n\n",
        ] {
            let lines = Lines::of(text);
            let want: Vec<&str> = text.lines().collect();
            assert_eq!(lines.count(), want.len(), "{text:?}");
            for (i, l) in want.iter().enumerate() {
                assert_eq!(lines.line(i), *l, "{text:?} line {i}");
                assert_eq!(lines.span(i + 1), line_span(text, i + 1), "{text:?} {i}");
            }
        }
    }

    #[test]
    fn catalogs_read_together_share_messages_and_keep_their_own_translations() {
        let mut sources = Sources::default();
        let po = |t: &str| {
            format!(
                "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n\
                 msgid \"段落\"\nmsgstr \"{t}\"\n\n\
                 msgctxt \"ui:k\"\nmsgid \"段落\"\nmsgstr \"{t} ui\"\n\n\
                 #, fuzzy\nmsgid \"古い\"\nmsgstr \"{t} old\"\n"
            )
        };
        let en = sources.add(
            std::path::Path::new("en.po"),
            "content/i18n/en.po".into(),
            po("Paragraph"),
        );
        let ko = sources.add(
            std::path::Path::new("ko.po"),
            "content/i18n/ko.po".into(),
            "msgid \"段落\"\nmsgstr \"단락\"\n\nmsgid \"新しい\"\nmsgstr \"새\"\n".into(),
        );
        let mut diags = Vec::new();
        let cats = Catalog::parse_all(
            &sources,
            &[("en", en), ("ko", ko)],
            &|s: &Sources, id| Ok(s.text(id).to_string().into()),
            None,
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let (en, ko) = (&cats[0], &cats[1]);
        assert!(Arc::ptr_eq(&en.messages, &ko.messages));
        assert_eq!(en.lookup(None, "段落"), Lookup::Translated("Paragraph"));
        assert_eq!(
            en.lookup(Some("ui:k"), "段落"),
            Lookup::Translated("Paragraph ui")
        );
        assert_eq!(en.lookup(Some(""), "段落"), Lookup::Translated("Paragraph"));
        assert_eq!(en.lookup(None, "古い"), Lookup::Outdated("Paragraph old"));
        assert_eq!(en.lookup(None, "新しい"), Lookup::Missing);
        assert_eq!(ko.lookup(None, "段落"), Lookup::Translated("단락"));
        assert_eq!(ko.lookup(None, "新しい"), Lookup::Translated("새"));
        assert_eq!(ko.lookup(Some("ui:k"), "段落"), Lookup::Missing);
        assert_eq!(ko.lookup(None, "古い"), Lookup::Missing);
        assert_eq!(ko.entry(None, "新しい").map(|e| e.line), Some(5));
    }

    #[test]
    fn one_reading_finds_what_the_rules_look_at() {
        let r = Reading::of(
            "見て[a](@/x.md#b)と`{{ fact(key=\"k\") }}`、*強調、<b>太</b>[c](javascript:x)\n\n## 見出し",
        );
        assert_eq!(r.kinds, ["a paragraph", "a heading (h2)"]);
        assert_eq!(r.targets, ["(@/x.md#b)"]);
        assert_eq!(r.codes.len(), 1);
        assert_eq!(r.codes[0].1, ["{{fact(key=\"k\")}}"]);
        assert_eq!(r.marks, ["*"]);
        // Up to the first HTML: the scheme after it is not looked at.
        assert_eq!(r.refused, [None]);
    }

    proptest::proptest! {
        /// What `is_plain` lets through reads as one paragraph, nothing
        /// else, and the rules find in a pair of such texts what they find
        /// with both read by pulldown-cmark.
        #[test]
        fn plain_text_reads_as_a_paragraph_and_nothing_else(
            a in proptest::collection::vec(proptest::sample::select(PLAIN_TOKENS), 1..12),
            b in proptest::collection::vec(proptest::sample::select(PLAIN_TOKENS), 1..12),
        ) {
            let (a, b) = (a.concat(), b.concat());
            for t in [&a, &b] {
                // The bytes' reading is the characters' one.
                let by_chars = t.chars().next().is_some_and(|f| {
                    !f.is_whitespace() && !f.is_ascii_punctuation() && !f.is_ascii_digit()
                }) && t.chars().all(|c| {
                    !c.is_control()
                        && (!c.is_ascii_punctuation() || ":,.'\"()?;/%-".contains(c))
                });
                proptest::prop_assert_eq!(is_plain(t), by_chars, "{:?}", t);
                if is_plain(t) {
                    let paragraph = Reading { kinds: vec!["a paragraph".into()], ..Reading::default() };
                    proptest::prop_assert_eq!(Reading::of(t), paragraph, "{:?}", t);
                }
            }
            if is_plain(&a) && is_plain(&b) {
                let (ra, rb) = (Reading::of(&a), Reading::of(&b));
                let mut parsed = shape_problems(&a, &ra, &b, &rb);
                parsed.extend(problems_read(&a, Some(&ra), &b, Some(&rb)));
                proptest::prop_assert_eq!(problems_with(None, &a, (None, Some(&ra)), &b), parsed);
            }
        }
    }

    /// Pieces of text, some that `is_plain` refuses at the start of a text
    /// (a list, a number) or anywhere (marks, links, HTML).
    const PLAIN_TOKENS: &[&str] = &[
        "あ",
        "漢字",
        "word",
        "Z",
        " ",
        "  ",
        ":",
        ",",
        ".",
        "'",
        "\"",
        "(",
        ")",
        "?",
        ";",
        "/",
        "%",
        "-",
        "--",
        "1",
        "1.",
        "9)",
        "http://x.jp",
        "www.a.com",
        "　",
        "ー",
        "(a)",
        "x-y",
        "- ",
        "+ ",
        "# ",
        "*",
        "[a](b)",
        "<b>",
        "`c`",
        "{x}",
        "|",
        "~~",
        "\t",
        "\n",
        "---",
        "\u{85}",
        "\u{9f}",
        "\u{a0}",
        "é",
        "> ",
        "&amp;",
        "\\",
    ];

    /// rspolib reads a catalog in pieces as it reads the whole file.
    #[test]
    fn a_catalog_read_in_pieces_reads_as_the_whole_file() {
        let mut text = String::from(
            "# comment\nmsgid \"\"\nmsgstr \"\"\n\"Language: en\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n",
        );
        for i in 0..40 {
            match i % 5 {
                0 => text.push_str(&format!("#. page title\n#: a.md:{i}\nmsgid \"題{i}\"\nmsgstr \"T{i}\"\n\n")),
                1 => text.push_str(&format!("#, fuzzy\nmsgctxt \"c{i}\"\nmsgid \"文{i}\"\nmsgstr \"\"\n\"two \\\"q\\\"\\n\"\n\"lines\"\n\n")),
                2 => text.push_str(&format!("# reviewed: x\nmsgid \"\"\n\"段{i}\"\nmsgstr \"P{i}\"\n\n\n")),
                3 => text.push_str(&format!("msgid \"空{i}\"\nmsgstr \"\"\n\n")),
                _ => text.push_str(&format!("#~ msgid \"旧{i}\"\n#~ msgstr \"Old{i}\"\n\n")),
            }
        }
        let whole = pofile(text.as_str()).unwrap();
        for size in [1, 30, 100, 1000, text.len()] {
            let pieces = pofile_in_pieces(&text, size, false).unwrap();
            assert_eq!(pieces.entries, whole.entries, "pieces of {size} bytes");
            assert_eq!(pieces.metadata, whole.metadata);
            assert_eq!(pieces.header, whole.header);
        }
        let lean = pofile_in_pieces(&text, 30, true).unwrap();
        assert!(
            lean.entries
                .iter()
                .all(|e| e.occurrences.is_empty() && e.comment.is_none())
        );
        assert_eq!(lean.entries.len(), whole.entries.len());
        // An entry without a msgstr: a piece does not parse, and the whole
        // file says where.
        let broken = text.replace("msgid \"空13\"\nmsgstr \"\"\n", "msgid \"空13\"\n");
        assert!(pofile_in_pieces(&broken, 30, false).is_none());
        let at = broken.lines().position(|l| l == "msgid \"空13\"").unwrap() + 1;
        assert_eq!(read_po(&broken).err().map(|e| e.line), Some(at));
    }

    /// What a build reads of an entry: msgid, msgstr, msgctxt, flags,
    /// translator comment, obsolete.
    type LeanEntry = (
        String,
        Option<String>,
        Option<String>,
        Vec<String>,
        Option<String>,
        bool,
    );

    /// What a build reads of each entry (the lean reading's fields).
    fn read_of(po: &POFile) -> Vec<LeanEntry> {
        po.entries
            .iter()
            .map(|e| {
                let mut e = e.clone();
                make_lean(&mut e);
                (
                    e.msgid, e.msgstr, e.msgctxt, e.flags, e.tcomment, e.obsolete,
                )
            })
            .collect()
    }

    #[test]
    fn a_lean_reading_without_references_reads_what_the_whole_file_says() {
        let mut text = String::from(
            "# comment\n#: header.md:1\nmsgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n",
        );
        for i in 0..60 {
            text.push_str(&match i % 10 {
                0 => format!("#. page title\n#: a.md:{i}\nmsgid \"題{i}\"\nmsgstr \"T{i}\"\n\n"),
                1 => format!("# reviewed: x\n#. c\n#: a.md:{i} b.md:2\n#, fuzzy\n#| msgid \"前{i}\"\nmsgid \"文{i}\"\nmsgstr \"\"\n\"two\"\n\n"),
                2 => format!("#: a.md:{i}\n\n#: b.md\nmsgctxt \"c{i}\"\nmsgid \"\"\n\"段{i}\"\nmsgstr \"P{i}\"\n\n"),
                // Not where an entry opens, or not before its message: left.
                3 => format!("#, fuzzy\n#: a.md:{i}\nmsgid \"空{i}\"\nmsgstr \"\"\n\n"),
                4 => format!("#: a.md:{i}\n# later comment\nmsgid \"後{i}\"\nmsgstr \"L{i}\"\n\n"),
                5 => format!("msgid \"並{i}\"\nmsgstr \"N{i}\"\n#: a.md:{i}\nmsgid \"続{i}\"\nmsgstr \"C{i}\"\n\n"),
                6 => format!("#: a.md:{i}\n#, fuzzy\nmsgid \"旗{i}\"\nmsgid_plural \"旗々{i}\"\nmsgstr[0] \"F{i}\"\n\n"),
                7 => format!("#~ msgid \"旧{i}\"\n#~ msgstr \"Old{i}\"\n#: a.md:{i}\nmsgid \"新{i}\"\nmsgstr \"\"\n\n"),
                8 => format!("#.\n#: a.md:{i}\n#,\nmsgid \"印{i}\"\nmsgstr \"M{i}\"\n\n"),
                _ => format!("#. a \"quoted\" comment\r\n#: a.md:{i}\r\nmsgid \"改{i}\"\r\nmsgstr \"R{i}\"\r\n\r\n"),
            });
        }
        assert!(without_references(&text).is_some());
        let whole = pofile(text.as_str()).unwrap();
        for size in [1, 30, 100, 1000, text.len()] {
            let lean = pofile_in_pieces(&text, size, true).unwrap();
            assert_eq!(read_of(&lean), read_of(&whole), "pieces of {size} bytes");
            assert_eq!(lean.metadata, whole.metadata);
            assert_eq!(lean.header, whole.header);
            // A translator comment's line is where its entry starts (the
            // review marks are found from there).
            for (l, w) in lean.entries.iter().zip(&whole.entries) {
                if w.tcomment.is_some() {
                    assert_eq!(l.linenum, w.linenum, "{:?}", w.msgid);
                }
            }
        }
        // Blank lines stand for the lines left out: lines keep their numbers.
        let lean = without_references(&text).unwrap();
        assert_eq!(lean.lines().count(), text.lines().count());
        assert!(!lean.contains("#: a.md:0\n"));
        assert!(lean.contains("#, fuzzy\n#: a.md:3\n"));
        assert!(lean.contains("#: a.md:4\n# later"));
        // An error stays an error.
        let broken = text.replace("msgid \"題20\"\nmsgstr \"T20\"\n", "msgid \"題20\"\n");
        assert!(pofile(broken.as_str()).is_err());
        assert!(pofile_in_pieces(&broken, 30, true).is_none());
    }

    /// A build holds an entry per message and catalog language.
    #[test]
    fn an_entry_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Option<Entry>>(), 16);
    }

    #[test]
    fn duplicates_plurals_and_syntax_errors_name_their_lines() {
        let dup =
            "msgid \"\"\nmsgstr \"\"\n\nmsgid \"a\"\nmsgstr \"A\"\n\nmsgid \"a\"\nmsgstr \"B\"\n";
        let e = update(Some(dup), &[msg("a", "x:1")], "en", "English").unwrap_err();
        assert_eq!(e[0].line, 7);
        assert!(e[0].message.contains("lines 4 and 7"), "{e:?}");
        let plural = "msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"A\"\n";
        let e = update(Some(plural), &[msg("a", "x:1")], "en", "English").unwrap_err();
        assert_eq!(e[0].line, 1);
        assert!(e[0].message.contains("msgid_plural"), "{e:?}");
        let broken = "msgid \"\"\nmsgstr \"\"\n\nmsgid \"a\"\n\nmsgid \"b\"\nmsgstr \"B\"\n";
        let e = update(Some(broken), &[msg("a", "x:1")], "en", "English").unwrap_err();
        assert_eq!(e[0].line, 4, "{e:?}");
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

/// The build's catalogs: the Markdown translations left in the file, read
/// again when the language's pages are rendered.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod file_tests {
    use super::*;

    #[test]
    fn a_catalog_leaves_its_runs_in_its_file_and_reads_them_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("en.po");
        // A title (kept), a context's entry (kept), a plain run (left in
        // the file), one with escapes and one cut over lines (kept: not in
        // the file byte for byte).
        let text = "msgid \"題\"\nmsgstr \"Title\"\n\n\
                    msgctxt \"ui:k\"\nmsgid \"段落\"\nmsgstr \"UI\"\n\n\
                    msgid \"段落\"\nmsgstr \"Paragraph\"\n\n\
                    msgid \"二行\"\nmsgstr \"\"\n\"Two \\\"lines\\\"\"\n\n\
                    msgid \"三\"\nmsgstr \"Thr\"\n\"ee\"\n";
        std::fs::write(&path, text).unwrap();
        let mut sources = Sources::default();
        let id = sources.add(&path, "content/i18n/en.po".into(), text.into());
        sources.release(id);
        let read_again: &ReadAgain =
            &|s: &Sources, id| Ok(std::fs::read_to_string(s.path(id).unwrap()).unwrap().into());
        let keep = |msgid: &str| msgid == "題";
        let let_go = LetGo {
            keep: &keep,
            read: |p| std::fs::read(p).ok(),
        };
        let mut diags = Vec::new();
        let en = Catalog::parse_all(
            &sources,
            &[("en", id)],
            read_again,
            Some(&let_go),
            &mut diags,
        )
        .pop()
        .unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        // In memory: the kept msgid, the context's, the escaped one and the
        // one over two lines; the plain run is in the file.
        assert_eq!(en.text, "TitleUITwo \"lines\"Three");
        let en = Arc::new(en);
        let opened = en.open().unwrap();
        assert!(en.file.as_ref().unwrap().text.get().is_none());
        assert_eq!(opened.lookup(None, "段落"), Lookup::Translated("Paragraph"));
        assert_eq!(
            opened.lookup(None, "二行"),
            Lookup::Translated("Two \"lines\"")
        );
        assert_eq!(opened.lookup(None, "三"), Lookup::Translated("Three"));
        assert_eq!(opened.lookup(None, "題"), Lookup::Translated("Title"));
        assert_eq!(
            opened.lookup(Some("ui:k"), "段落"),
            Lookup::Translated("UI")
        );
        // A look-up without `open` reads the file too.
        assert_eq!(en.lookup(None, "段落"), Lookup::Translated("Paragraph"));
        // Without `let_go` (serve, i18n) everything is in memory.
        let all = Catalog::parse_all(&sources, &[("en", id)], read_again, None, &mut diags)
            .pop()
            .unwrap();
        assert!(all.file.is_none());
        assert_eq!(all.lookup(None, "段落"), Lookup::Translated("Paragraph"));
        // A catalog changed since it was read is an error, not other text.
        std::fs::write(&path, text.replace("Paragraph", "Changed!!")).unwrap();
        let fresh = Arc::new(
            Catalog::parse_all(
                &sources,
                &[("en", id)],
                &|_: &Sources, _| Ok(text.to_string().into()),
                Some(&let_go),
                &mut diags,
            )
            .pop()
            .unwrap(),
        );
        let err = fresh.open().err().unwrap();
        assert!(err.is_error() && err.file == Some(id), "{err:?}");
    }
}
