//! Precompressed copies of the output: `<file>.br` (brotli: quality 11 for
//! assets, 10 for pages, see [`brotli_quality`]) and
//! `<file>.gz` (gzip, level 9) next to every compressible file, for servers
//! that send a file's precompressed copy instead of compressing on each
//! request (nginx `brotli_static`/`gzip_static`, Apache with rewrite rules,
//! a bucket whose objects carry `Content-Encoding`; see docs/deploy.md).
//!
//! Pure: bytes in, bytes out; `output::Staging` writes them. Deterministic:
//! the gzip header carries no file name and no time (mtime 0, OS 255), and
//! both encoders give the same bytes for the same input on every run.

use std::io::Write as _;
use std::path::Path;

/// Extensions whose files are worth compressing: text, SVG, wasm and fonts
/// without their own compression. Images, PDF, woff/woff2 and archives are
/// compressed already.
const COMPRESSIBLE: &[&str] = &[
    "html",
    "htm",
    "css",
    "js",
    "mjs",
    "json",
    "map",
    "xml",
    "txt",
    "svg",
    "wasm",
    "webmanifest",
    "ico",
    "csv",
    "md",
    "ttf",
    "otf",
];

/// The encodings written, as file suffixes, in the order servers prefer them.
pub const SUFFIXES: [&str; 2] = ["br", "gz"];

/// Whether a file of the output gets precompressed copies (by its name).
pub fn compressible(rel: &str) -> bool {
    Path::new(rel)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e.to_ascii_lowercase().as_str()))
}

/// The brotli quality for an output file: 11 (the densest) for assets
/// (CSS, JS, wasm, SVG: few, cached for a year); 10 for pages and the rest,
/// which every build writes anew: on the real site's HTML quality 10 is
/// 3 % larger than 11 and 2.7 times faster (Python's brotli over all 75
/// pages, 4.1 MB: 958 KB in 1.5 s against 930 KB in 4.2 s, this 2-core VM).
pub fn brotli_quality(rel: &str) -> i32 {
    match Path::new(rel).extension().and_then(|e| e.to_str()) {
        Some("css" | "js" | "mjs" | "wasm" | "svg") => 11,
        _ => 10,
    }
}

/// Brotli at quality 11 (the densest), the library's default window (4 MiB,
/// more than any file of a site needs).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    brotli_at(bytes, 11)
}

/// Brotli at `quality`, the library's default window.
pub fn brotli_at(bytes: &[u8], quality: i32) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    // Writing into a Vec cannot fail; an encoder error leaves no copy.
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

/// Gzip at level 9 with a header that names no file and no time.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    // Writing into a Vec cannot fail; an error leaves no copy.
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

/// The precompressed copies of one output file: `(path, bytes)` for each
/// encoding that makes the file smaller. Nothing for a file that is not
/// [`compressible`].
pub fn copies(rel: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    if !compressible(rel) || bytes.is_empty() {
        return Vec::new();
    }
    [
        ("br", brotli_at(bytes, brotli_quality(rel))),
        ("gz", gzip(bytes)),
    ]
    .into_iter()
    .filter(|(_, packed)| !packed.is_empty() && packed.len() < bytes.len())
    .map(|(suffix, packed)| (format!("{rel}.{suffix}"), packed))
    .collect()
}

/// Whether `rel` is the precompressed copy of a compressible file
/// (`a.html.br`): a static file of that name would clash with the copy.
pub fn is_copy_name(rel: &str) -> bool {
    SUFFIXES.iter().any(|s| {
        rel.strip_suffix(s)
            .and_then(|r| r.strip_suffix('.'))
            .is_some_and(compressible)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn text() -> Vec<u8> {
        "<p>外国人登録原票の開示請求 — disclosure of the alien registration record</p>\n"
            .repeat(200)
            .into_bytes()
    }

    #[test]
    fn copies_decompress_to_the_original() {
        let original = text();
        let copies = copies("ja/index.html", &original);
        assert_eq!(
            copies.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["ja/index.html.br", "ja/index.html.gz"]
        );
        let mut from_br = Vec::new();
        brotli::BrotliDecompress(&mut &copies[0].1[..], &mut from_br).unwrap_or_else(|e| {
            panic!("the .br copy does not decode: {e}");
        });
        assert_eq!(from_br, original);
        let mut from_gz = Vec::new();
        flate2::read::GzDecoder::new(&copies[1].1[..])
            .read_to_end(&mut from_gz)
            .unwrap_or_else(|e| panic!("the .gz copy does not decode: {e}"));
        assert_eq!(from_gz, original);
        assert!(copies.iter().all(|(_, c)| c.len() * 10 < original.len()));
    }

    #[test]
    fn copies_are_deterministic_and_name_no_file_nor_time() {
        let original = text();
        assert_eq!(copies("a.css", &original), copies("a.css", &original));
        let gz = gzip(&original);
        // Magic, deflate, no flags (no name, no comment), mtime 0, OS unknown.
        assert_eq!(&gz[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(&gz[4..8], &[0, 0, 0, 0]);
        assert_eq!(gz[9], 255);
    }

    #[test]
    fn only_compressible_files_that_shrink_get_copies() {
        assert!(copies("img/photo.png", &text()).is_empty());
        assert!(copies("fonts/a.woff2", &text()).is_empty());
        assert!(copies("a.html", b"").is_empty());
        // Too small to shrink: gzip's header alone is 18 bytes.
        assert!(copies("robots.txt", b"x").is_empty());
        // Incompressible bytes (xorshift noise) get no copy: both would be larger.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect();
        assert!(copies("checker/app_bg.wasm", &noise).is_empty());
        assert!(compressible("checker/app-0123_bg.wasm"));
        assert!(compressible("site.webmanifest") && compressible("A.HTML"));
        assert!(!compressible("_headers") && !compressible("img/a.jpg"));
        assert!(is_copy_name("a.html.br") && is_copy_name("css/a.css.gz"));
        assert!(!is_copy_name("a.png.gz") && !is_copy_name("a.br"));
    }
}
