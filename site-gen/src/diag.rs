//! Diagnostics: every problem found in a site is collected here with the file,
//! the byte span and a hint saying what to do, then printed all at once as
//! `file:line:column` with the offending snippet (via `codespan-reporting`).

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor};

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// Every text file the build read, kept so that errors can quote it. Line
/// starts are found only when a diagnostic needs them (a large site has tens
/// of thousands of files and few errors), once per file: locating any number
/// of diagnostics is linear in the file, not quadratic. A page's Markdown is let go once
/// its front matter is read (`release`): its worker reads the file again to
/// render it, and so does `load::restore_quoted` for a diagnostic that
/// quotes it, both checking it is the text read first (`fingerprint`).
#[derive(Default)]
pub struct Sources {
    files: Vec<Source>,
}

struct Source {
    /// The path printed in messages (relative to the site root).
    shown: Arc<str>,
    path: Arc<Path>,
    text: String,
    /// The fingerprint of the text, once it was let go.
    released: Option<u64>,
    /// Byte offsets of the starts of `text`'s lines, found on first use.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Source {
    fn line_starts(&self) -> &[usize] {
        self.line_starts
            .get_or_init(|| files::line_starts(&self.text).collect())
    }
}

/// The 0-based line of byte `offset` given the line starts of its text.
fn line_of(starts: &[usize], offset: usize) -> usize {
    starts
        .binary_search(&offset)
        .unwrap_or_else(|next| next.saturating_sub(1))
}

/// A fingerprint of a file's text, to know it when it is read again.
pub fn fingerprint(text: &str) -> u64 {
    fingerprint_bytes(text.as_bytes())
}

/// [`fingerprint`] of a text not yet checked to be UTF-8 (the same
/// number for the same bytes).
pub fn fingerprint_bytes(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    // foldhash with a fixed seed: a build reads every page and catalog
    // again (a catalog can be tens of MB); SipHash took ~7% of a catalog
    // site's build.
    foldhash::fast::FixedState::with_seed(0x6d61_646f_6775_6368).hash_one(bytes)
}

/// A file's bytes, checked to be UTF-8: how a build holds a catalog read
/// again (tens of MB, read three times). The check is simdutf8's, about
/// three times std's speed on Japanese text; what is borrowed as `&str`
/// is checked again by it (a slice: its own bytes only), since only std's
/// `String` would skip that, after its own, slower check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf8Bytes(Vec<u8>);

impl Utf8Bytes {
    /// `None` for bytes that are not UTF-8.
    pub fn new(bytes: Vec<u8>) -> Option<Self> {
        simdutf8::basic::from_utf8(&bytes)
            .is_ok()
            .then_some(Utf8Bytes(bytes))
    }

    /// The whole text.
    pub fn as_str(&self) -> &str {
        simdutf8::basic::from_utf8(&self.0).unwrap_or_default()
    }

    /// The text at `range` (byte offsets); `None` outside the text or off
    /// a character's boundary, as `str::get`.
    pub fn get(&self, range: std::ops::Range<usize>) -> Option<&str> {
        // A boundary is the end or a byte that is not a continuation byte
        // (0b10xx_xxxx), as `str::is_char_boundary`: checked for the ends,
        // since an empty slice is UTF-8 wherever it is.
        let boundary =
            |i: usize| i == self.0.len() || self.0.get(i).is_some_and(|&b| b & 0xc0 != 0x80);
        if !(boundary(range.start) && boundary(range.end)) {
            return None;
        }
        simdutf8::basic::from_utf8(self.0.get(range)?).ok()
    }

    pub fn fingerprint(&self) -> u64 {
        fingerprint_bytes(&self.0)
    }
}

impl From<String> for Utf8Bytes {
    fn from(text: String) -> Self {
        Utf8Bytes(text.into_bytes())
    }
}

impl Sources {
    /// Adds a file; `shown` is the path printed in messages (relative to the site root).
    pub fn add(&mut self, path: &Path, shown: String, text: String) -> FileId {
        self.files.push(Source {
            shown: Arc::from(shown),
            path: Arc::from(path),
            text,
            released: None,
            line_starts: std::sync::OnceLock::new(),
        });
        self.files.len() - 1
    }

    /// Adds a file `serve`'s cache already knows: its text if held, else
    /// only the fingerprint of the text (a released file). Its path and
    /// name are shared with the cache's walk, not copied.
    pub fn add_known(
        &mut self,
        path: &Arc<Path>,
        shown: &Arc<str>,
        text: Option<String>,
        print: u64,
    ) -> FileId {
        let released = text.is_none().then_some(print);
        self.files.push(Source {
            shown: Arc::clone(shown),
            path: Arc::clone(path),
            text: text.unwrap_or_default(),
            released,
            line_starts: std::sync::OnceLock::new(),
        });
        self.files.len() - 1
    }

    /// The fingerprint of the file's text, held or let go.
    pub fn print(&self, id: FileId) -> u64 {
        match self.files.get(id) {
            Some(f) => f.released.unwrap_or_else(|| fingerprint(&f.text)),
            None => 0,
        }
    }

    /// The file's text; empty once it was let go (see [`Sources::release`]).
    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id).map_or("", |f| f.text.as_str())
    }

    /// How many files were read.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file read under the shown name `name`.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files.iter().position(|f| &*f.shown == name)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id).map_or("?", |f| &*f.shown)
    }

    /// Where the file was read from.
    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.files.get(id).map(|f| &*f.path)
    }

    /// Lets the text go, keeping its fingerprint.
    pub fn release(&mut self, id: FileId) {
        if let Some(f) = self.files.get_mut(id)
            && f.released.is_none()
        {
            f.released = Some(fingerprint(&f.text));
            f.text = String::new();
            f.line_starts = std::sync::OnceLock::new();
        }
    }

    /// The fingerprint of a text that was let go (`None`: it is held).
    pub fn released(&self, id: FileId) -> Option<u64> {
        self.files.get(id).and_then(|f| f.released)
    }

    /// Holds the text of a released file again.
    pub fn restore(&mut self, id: FileId, text: String) {
        if let Some(f) = self.files.get_mut(id) {
            f.text = text;
            f.released = None;
            f.line_starts = std::sync::OnceLock::new();
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let Some(f) = self.files.get(id) else {
            return (1, 1);
        };
        let offset = offset.min(f.text.len());
        let starts = f.line_starts();
        let line = line_of(starts, offset);
        let start = starts.get(line).copied().unwrap_or(0);
        let col = f.text.get(start..offset).map_or(0, |t| t.chars().count()) + 1;
        (line + 1, col)
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// One problem in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Where: a file and, if known, a byte span in it.
    pub file: Option<FileId>,
    pub span: Option<Range<usize>>,
    /// Short text under the snippet.
    pub label: String,
    /// What to do about it.
    pub help: Option<Box<str>>,
    /// A file that could not be read or parsed: listed before other errors.
    pub parse: bool,
    /// A translation that is not published (its Japanese is shown instead):
    /// a warning for `build` and `serve`, an error for `check` (and CI).
    pub translation: bool,
    /// What the build decides by: never the message's text (`None`:
    /// [`Kind::Other`]; boxed, since most problems have none).
    pub kind: Option<Box<Kind>>,
}

/// The kinds of problem the build acts upon (all others are `Other`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Other,
    /// A fact key no data file defines (an error that follows from a
    /// broken data file is left out).
    UnknownFact(String),
    /// A source file or folder that could not be read or was refused, by
    /// its path as shown (relative to the site root).
    Unreadable(String),
    /// The output could not be written; `unchanged`: the old output is
    /// still there as it was.
    WriteFailed { unchanged: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            span: None,
            label: String::new(),
            help: None,
            parse: false,
            translation: false,
            kind: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, file: FileId, span: Range<usize>) -> Self {
        self.file = Some(file);
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, file: FileId) -> Self {
        self.file = Some(file);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = (kind != Kind::Other).then(|| Box::new(kind));
        self
    }

    /// What kind of problem it is.
    pub fn kind_of(&self) -> &Kind {
        self.kind.as_deref().unwrap_or(&Kind::Other)
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// Marks a read or parse error, reported before the others.
    pub fn parse_error(mut self) -> Self {
        self.parse = true;
        self
    }

    /// Marks a translation that is left out: a warning that `check` fails on.
    pub fn translation(mut self) -> Self {
        self.severity = Severity::Warning;
        self.translation = true;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn to_codespan(&self, sources: &Sources) -> CsDiagnostic<FileId> {
        let base = match self.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut d = base.with_message(&self.message);
        if let Some(file) = self.file {
            let len = sources.text(file).len();
            let span = self.span.clone().unwrap_or(0..0);
            let span = span.start.min(len)..span.end.min(len).max(span.start.min(len));
            d = d.with_label(Label::primary(file, span).with_message(&self.label));
        }
        if let Some(help) = &self.help {
            d = d.with_note(format!("help: {help}"));
        }
        d
    }

    /// `path:line:col` of the diagnostic, or the path alone, or nothing.
    pub fn location(&self, sources: &Sources) -> Option<String> {
        let file = self.file?;
        let (line, col) = sources.line_col(file, self.span.as_ref().map_or(0, |s| s.start));
        Some(format!("{}:{line}:{col}", sources.name(file)))
    }
}

/// Sorts diagnostics into a stable order: by file, then position, then text.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.file, a.span.as_ref().map(|s| s.start), &a.message).cmp(&(
            b.file,
            b.span.as_ref().map(|s| s.start),
            &b.message,
        ))
    });
}

/// Renders diagnostics as plain text (for tests, the browser and logs).
pub fn render_plain(sources: &Sources, diags: &[Diagnostic]) -> String {
    let mut writer = termcolor::NoColor::new(Vec::new());
    emit_all(&mut writer, sources, diags);
    String::from_utf8_lossy(&writer.into_inner()).into_owned()
}

/// Prints diagnostics to standard error, in colour when it is a terminal.
pub fn print(sources: &Sources, diags: &[Diagnostic]) {
    let choice = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    };
    // Buffered: thousands of diagnostics are thousands of small writes.
    let mut stream = termcolor::BufferedStandardStream::stderr(choice);
    emit_all(&mut stream, sources, diags);
    let _ = std::io::Write::flush(&mut stream);
}

/// What codespan-reporting reads: each file's lines computed when asked,
/// exactly as its `SimpleFile` does.
impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.files
            .get(id)
            .map(|f| &*f.shown)
            .ok_or(files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.files
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let f = self.files.get(id).ok_or(files::Error::FileMissing)?;
        Ok(line_of(f.line_starts(), byte_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let f = self.files.get(id).ok_or(files::Error::FileMissing)?;
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(files::Error::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(f.text.len());
        Ok(start..end)
    }
}

fn emit_all(writer: &mut dyn termcolor::WriteColor, sources: &Sources, diags: &[Diagnostic]) {
    let config = term::Config::default();
    for d in diags {
        if term::emit(writer, &config, sources, &d.to_codespan(sources)).is_err() {
            // The span no longer fits the file: fall back to one plain line.
            let _ = std::io::Write::write_fmt(writer, format_args!("error: {}\n", d.message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::files::SimpleFile;

    /// A catalog's bytes borrowed as text give what `str` gives: the whole
    /// text, each slice (`None` off a character's boundary or past the
    /// end), and the fingerprint of the text; bytes that are not UTF-8 are
    /// refused.
    #[test]
    fn utf8_bytes_read_as_str_does() {
        let text = "msgid \"申請\"\nmsgstr \"신청\"\n";
        let bytes = Utf8Bytes::new(text.as_bytes().to_vec()).expect("UTF-8");
        assert_eq!(bytes.as_str(), text);
        assert_eq!(bytes, Utf8Bytes::from(text.to_string()));
        assert_eq!(bytes.fingerprint(), fingerprint(text));
        for start in 0..=text.len() + 1 {
            for end in start..=text.len() + 1 {
                assert_eq!(
                    bytes.get(start..end),
                    text.get(start..end),
                    "{start}..{end}"
                );
            }
        }
        let mut broken = text.as_bytes().to_vec();
        broken[8] = 0xff;
        assert_eq!(Utf8Bytes::new(broken), None);
        assert_eq!(Utf8Bytes::new(vec![0xe7, 0x94]), None);
    }

    /// The cached line starts give what codespan's `SimpleFile` gives, at
    /// every offset of a text with empty lines, CRLF and multi-byte text.
    #[test]
    fn cached_lines_agree_with_codespan_and_line_col() {
        let text = "a\n\n日本語x\r\nlast";
        let mut sources = Sources::default();
        let id = sources.add(Path::new("x"), "x".into(), text.to_string());
        let simple = SimpleFile::new("", text);
        for offset in 0..=text.len() {
            assert_eq!(
                sources.line_index(id, offset).ok(),
                simple.line_index((), offset).ok(),
                "{offset}"
            );
            if text.is_char_boundary(offset) {
                assert_eq!(
                    sources.line_col(id, offset),
                    line_col(text, offset),
                    "{offset}"
                );
            }
        }
        for line in 0..5 {
            assert_eq!(
                sources.line_range(id, line).ok(),
                simple.line_range((), line).ok(),
                "{line}"
            );
        }
    }

    /// Many diagnostics in one large file are each located on their own
    /// line (the speed of this is measured by `cargo xtask bench`, not here).
    #[test]
    fn many_diagnostics_in_a_large_file_are_located() {
        let text = "step = \"x\"\n".repeat(20_000);
        let mut sources = Sources::default();
        let id = sources.add(Path::new("big.toml"), "big.toml".into(), text);
        let diags: Vec<Diagnostic> = [0, 1, 9_999, 19_999]
            .into_iter()
            .map(|i| Diagnostic {
                severity: Severity::Error,
                message: format!("problem {i}"),
                file: Some(id),
                span: Some(i * 11..i * 11 + 4),
                label: String::new(),
                help: None,
                parse: false,
                translation: false,
                kind: None,
            })
            .collect();
        let out = render_plain(&sources, &diags);
        for (d, line) in diags.iter().zip([1, 2, 10_000, 20_000]) {
            assert_eq!(d.location(&sources), Some(format!("big.toml:{line}:1")));
            assert!(out.contains(&format!("big.toml:{line}:1")), "{out}");
        }
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a\n日本語x\n";
        let x = text.find('x').unwrap_or(0);
        assert_eq!(line_col(text, x), (2, 4));
        assert_eq!(line_col(text, 0), (1, 1));
    }
}
