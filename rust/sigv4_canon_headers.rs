//! The headers of a SigV4 canonical request: which are signed ([`Selection`]),
//! and the canonical headers block and signed headers list they make.
//!
//! Names are lowercased, values trimmed with inner runs of whitespace collapsed,
//! repeated headers joined with `,`, and the result sorted by name.

use std::borrow::Cow;

/// Which headers get signed: names and `prefix*` patterns (matched without regard
/// to case), `*` for all, `!pattern` to leave some out. `authorization` is never
/// signed (it carries the signature).
#[derive(Debug, Default, Clone)]
pub struct Selection {
    all: bool,
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

#[derive(Debug, Clone)]
enum Pattern {
    Exact(Vec<u8>),
    Prefix(Vec<u8>),
}

impl Pattern {
    /// Lowercased once here, so that matching a (lowercase) name is a plain comparison.
    fn parse(text: &str) -> Self {
        let text = text.to_ascii_lowercase().into_bytes();
        match text.strip_suffix(b"*") {
            Some(prefix) => Pattern::Prefix(prefix.to_vec()),
            None => Pattern::Exact(text),
        }
    }

    /// Whether the lowercase `name` matches.
    fn matches(&self, name: &[u8]) -> bool {
        match self {
            Pattern::Exact(exact) => exact == name,
            Pattern::Prefix(prefix) => name.starts_with(prefix),
        }
    }
}

impl Selection {
    /// Every header (but `authorization`).
    pub const ALL: Selection = Selection {
        all: true,
        include: Vec::new(),
        exclude: Vec::new(),
    };

    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Self {
        let mut selection = Selection::default();
        for pattern in patterns {
            let pattern = pattern.as_ref();
            if let Some(excluded) = pattern.strip_prefix('!') {
                selection.exclude.push(Pattern::parse(excluded));
            } else if pattern == "*" {
                selection.all = true;
            } else {
                selection.include.push(Pattern::parse(pattern));
            }
        }
        selection
    }

    /// Whether the header named `name` (lowercase) is signed.
    pub fn selects(&self, name: &[u8]) -> bool {
        name != b"authorization"
            && (self.all || self.include.iter().any(|p| p.matches(name)))
            && !self.exclude.iter().any(|p| p.matches(name))
    }
}

/// Whitespace trimmed and collapsed in header values (what Python's `bytes.split()` splits on).
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn lowercase(name: &[u8]) -> Cow<'_, [u8]> {
    if name.iter().any(u8::is_ascii_uppercase) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Append `value` trimmed, with every inner run of whitespace made one space.
fn push_trimmed(value: &[u8], out: &mut Vec<u8>) {
    if is_trimmed(value) {
        out.extend_from_slice(value);
        return;
    }
    let mut words = value.split(|&b| is_space(b)).filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        out.extend_from_slice(first);
        for word in words {
            out.push(b' ');
            out.extend_from_slice(word);
        }
    }
}

/// Whether `value` is already trimmed and folded (the usual header value): no space
/// at either end, and every space inside a single `' '`.
fn is_trimmed(value: &[u8]) -> bool {
    // Most values (hosts, dates, hashes) have no byte at or below a space at all:
    // one pass settles them (a fold, not `any`, so that it is vectorised).
    if !value.iter().fold(false, |low, &b| low | (b <= b' ')) {
        return true;
    }
    let mut after_space = true; // a space first is not trimmed
    for &byte in value {
        if is_space(byte) {
            if byte != b' ' || after_space {
                return false;
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    !after_space || value.is_empty()
}

/// The signed headers of a request: lowercase names and their values, sorted by name
/// (repeated headers in the order they were sent).
pub struct SignedHeaders<'a> {
    chosen: Vec<(Cow<'a, [u8]>, &'a [u8])>,
}

impl<'a> SignedHeaders<'a> {
    /// The headers `selects` accepts (by lowercase name).
    pub fn select(
        headers: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
        selects: impl Fn(&[u8]) -> bool,
    ) -> Self {
        let mut chosen: Vec<(Cow<'a, [u8]>, &'a [u8])> = headers
            .into_iter()
            .map(|(name, value)| (lowercase(name), value))
            .filter(|(name, _)| selects(name))
            .collect();
        // A stable sort: repeated headers keep the order they were sent in.
        chosen.sort_by(|a, b| a.0.cmp(&b.0));
        SignedHeaders { chosen }
    }

    /// Bytes the block and the names list take, about (values may fold shorter).
    pub fn room(&self) -> usize {
        self.chosen
            .iter()
            .map(|(name, value)| 2 * name.len() + value.len() + 2)
            .sum()
    }

    /// Append the canonical headers block: `name:value\n` per signed header, the
    /// values of a repeated one joined with `,`.
    pub fn push_block(&self, out: &mut Vec<u8>) {
        let mut previous: Option<&[u8]> = None;
        for (name, value) in &self.chosen {
            if previous == Some(name.as_ref()) {
                out.push(b',');
            } else {
                if previous.is_some() {
                    out.push(b'\n');
                }
                out.extend_from_slice(name);
                out.push(b':');
            }
            push_trimmed(value, out);
            previous = Some(name.as_ref());
        }
        if previous.is_some() {
            out.push(b'\n');
        }
    }

    /// Append the signed headers list (`a;b;c`).
    pub fn push_names(&self, out: &mut Vec<u8>) {
        let mut previous: Option<&[u8]> = None;
        for (name, _) in &self.chosen {
            if previous != Some(name.as_ref()) {
                if previous.is_some() {
                    out.push(b';');
                }
                out.extend_from_slice(name);
            }
            previous = Some(name.as_ref());
        }
    }
}

/// Append the canonical headers block (`name:value\n` per signed header) for the
/// headers `selects` accepts, and return the signed headers list (`a;b;c`).
pub fn canonical_headers<'a>(
    headers: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    selects: impl Fn(&[u8]) -> bool,
    out: &mut Vec<u8>,
) -> Vec<u8> {
    let signed = SignedHeaders::select(headers, selects);
    signed.push_block(out);
    let mut names = Vec::with_capacity(signed.chosen.len() * 16);
    signed.push_names(&mut names);
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4_encoding::encoded;

    #[test]
    fn selection_patterns() {
        let s = Selection::parse(&["host", "X-Amz-*", "!x-amz-client-context"]);
        assert!(s.selects(b"host"));
        assert!(s.selects(b"x-amz-date"));
        assert!(!s.selects(b"x-amz-client-context"));
        assert!(!s.selects(b"range"));
        let all = Selection::parse(&["*"]);
        assert!(all.selects(b"range"));
        assert!(!all.selects(b"authorization"));
    }

    #[test]
    fn values_are_trimmed_and_folded_whether_already_plain_or_not() {
        let trimmed = |v: &[u8]| encoded(|o| push_trimmed(v, o));
        for plain in [&b""[..], b"a", b"a b", b"text/plain; charset=utf-8"] {
            assert!(is_trimmed(plain));
            assert_eq!(trimmed(plain).as_bytes(), plain);
        }
        for (given, expected) in [
            (&b" a"[..], "a"),
            (b"a ", "a"),
            (b"a  b", "a b"),
            (b"a\tb", "a b"),
            (b"\t", ""),
            (b" a \t b ", "a b"),
        ] {
            assert!(!is_trimmed(given));
            assert_eq!(trimmed(given), expected);
        }
    }

    #[test]
    fn headers_are_lowercased_sorted_trimmed_and_joined() {
        let headers: Vec<(&[u8], &[u8])> = vec![
            (b"My-Header1", b"value2"),
            (b"Host", b"example.amazonaws.com"),
            (b"my-header1", b"  a   b\t c "),
            (b"Authorization", b"old"),
        ];
        let selection = Selection::parse(&["*"]);
        let mut out = Vec::new();
        let signed = canonical_headers(headers, |name| selection.selects(name), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "host:example.amazonaws.com\nmy-header1:value2,a b c\n"
        );
        assert_eq!(signed, b"host;my-header1");
    }
}
