//! The SigV4 canonical request: how a request's path, query and headers are
//! rewritten into the one form that the client and AWS both hash.
//!
//! Rules (AWS Signature Version 4 documentation):
//! - every service but S3 normalises the path (dot segments, empty segments) and
//!   percent-encodes the path *as sent* a second time;
//! - S3 never normalises and encodes once: what was sent keeps its meaning, so an
//!   escape such as `%2F` stays an escape;
//! - query parameters are taken as sent and read the way servers read them (a `+` is
//!   a space, as in form encoding, which is also how httpx sends spaces from
//!   `params=`), their encoding normalised, then sorted by encoded name, then value;
//! - header names are lowercased, values trimmed with inner runs of whitespace
//!   collapsed, repeated headers joined with `,`, and the result sorted by name.

use std::borrow::Cow;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Characters RFC 3986 leaves unreserved: SigV4 never percent-encodes them.
pub fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Whitespace trimmed and collapsed in header values (what Python's `bytes.split()` splits on).
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn push_escape(out: &mut Vec<u8>, byte: u8) {
    out.extend_from_slice(&[
        b'%',
        HEX[usize::from(byte >> 4)],
        HEX[usize::from(byte & 15)],
    ]);
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-encode every byte of `data` but the unreserved ones (and `/` when
/// `keep_slash`): SigV4's `UriEncode`. A `%` is encoded too.
pub fn uri_encode(data: &[u8], keep_slash: bool, out: &mut Vec<u8>) {
    for &byte in data {
        if is_unreserved(byte) || (keep_slash && byte == b'/') {
            out.push(byte);
        } else {
            push_escape(out, byte);
        }
    }
}

/// Where sent text comes from: a path keeps its `/` (and a `+` is a plus); a query
/// parameter's name or value has its `/` encoded and reads a `+` as a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Path,
    Query,
}

/// Bring text that was sent percent-encoded to SigV4's encoding without changing
/// what it means: escapes of unreserved characters are decoded, other escapes get
/// uppercase hex, bytes that must be escaped are (a `%` that starts no escape too).
pub fn normalize_encoding(data: &[u8], part: Part, out: &mut Vec<u8>) {
    let mut i = 0;
    while i < data.len() {
        let byte = data[i];
        if byte == b'%' {
            let high = data.get(i + 1).copied().and_then(hex_value);
            let low = data.get(i + 2).copied().and_then(hex_value);
            if let (Some(high), Some(low)) = (high, low) {
                let decoded = (high << 4) | low;
                if is_unreserved(decoded) {
                    out.push(decoded);
                } else {
                    push_escape(out, decoded);
                }
                i += 3;
                continue;
            }
        }
        match (byte, part) {
            (b'/', Part::Path) => out.push(byte),
            (b'+', Part::Query) => out.extend_from_slice(b"%20"),
            _ if is_unreserved(byte) => out.push(byte),
            _ => push_escape(out, byte),
        }
        i += 1;
    }
}

/// Remove dot segments (RFC 3986 §5.2.4) and empty segments from a path, keeping
/// a trailing slash. The result always starts with `/`.
pub fn normalize_path(path: &[u8]) -> Vec<u8> {
    let mut segments: Vec<&[u8]> = Vec::new();
    let mut last: &[u8] = b"";
    for segment in path.split(|&b| b == b'/') {
        match segment {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
        last = segment;
    }
    let trailing = matches!(last, b"" | b"." | b"..");
    let mut out = Vec::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push(b'/');
        out.extend_from_slice(segment);
    }
    if trailing || segments.is_empty() {
        out.push(b'/');
    }
    out
}

/// How a path becomes a canonical URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRules {
    /// Remove dot segments and empty segments first.
    pub normalize: bool,
    /// Percent-encode the path as sent again (a `%` becomes `%25`); otherwise encode
    /// it once, keeping the escapes it has.
    pub double_encode: bool,
}

impl PathRules {
    /// S3: never normalised, encoded once.
    pub const S3: PathRules = PathRules {
        normalize: false,
        double_encode: false,
    };
    /// Every other AWS service: normalised, encoded a second time.
    pub const SERVICE: PathRules = PathRules {
        normalize: true,
        double_encode: true,
    };
}

/// The canonical URI of the path as sent.
pub fn canonical_uri(path: &[u8], rules: PathRules, out: &mut Vec<u8>) {
    let normalized;
    let path = if rules.normalize {
        normalized = normalize_path(path);
        normalized.as_slice()
    } else {
        path
    };
    if path.first() != Some(&b'/') {
        out.push(b'/');
    }
    if rules.double_encode {
        uri_encode(path, true, out);
    } else {
        normalize_encoding(path, Part::Path, out);
    }
}

/// Split a request target (`path?query`) at its first `?`.
pub fn split_target(target: &[u8]) -> (&[u8], &[u8]) {
    match target.iter().position(|&b| b == b'?') {
        Some(at) => (&target[..at], &target[at + 1..]),
        None => (target, b""),
    }
}

/// A query parameter, encoded the way SigV4 signs it.
pub type Pair = (Vec<u8>, Vec<u8>);

/// The parameters of a query string as sent: split on `&` (empty pieces are not
/// parameters), then at the first `=`, each side's encoding normalised.
pub fn query_pairs(query: &[u8]) -> Vec<Pair> {
    query
        .split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = match piece.iter().position(|&b| b == b'=') {
                Some(at) => (&piece[..at], &piece[at + 1..]),
                None => (piece, &b""[..]),
            };
            let mut encoded_name = Vec::with_capacity(name.len());
            normalize_encoding(name, Part::Query, &mut encoded_name);
            let mut encoded_value = Vec::with_capacity(value.len());
            normalize_encoding(value, Part::Query, &mut encoded_value);
            (encoded_name, encoded_value)
        })
        .collect()
}

/// Sort parameters by encoded name, then value, and join them as `name=value&…`.
pub fn canonical_query(pairs: &mut [Pair], out: &mut Vec<u8>) {
    pairs.sort_unstable();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(name);
        out.push(b'=');
        out.extend_from_slice(value);
    }
}

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
    fn parse(text: &str) -> Self {
        match text.strip_suffix('*') {
            Some(prefix) => Pattern::Prefix(prefix.as_bytes().to_vec()),
            None => Pattern::Exact(text.as_bytes().to_vec()),
        }
    }

    fn matches(&self, name: &[u8]) -> bool {
        match self {
            Pattern::Exact(exact) => exact.eq_ignore_ascii_case(name),
            Pattern::Prefix(prefix) => {
                name.len() >= prefix.len() && prefix.eq_ignore_ascii_case(&name[..prefix.len()])
            }
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

/// Append the canonical headers block (`name:value\n` per signed header) for the
/// headers `selects` accepts, and return the signed headers list (`a;b;c`).
pub fn canonical_headers<'a>(
    headers: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    selects: impl Fn(&[u8]) -> bool,
    out: &mut Vec<u8>,
) -> Vec<u8> {
    let mut chosen: Vec<(Cow<'a, [u8]>, &'a [u8])> = headers
        .into_iter()
        .map(|(name, value)| (lowercase(name), value))
        .filter(|(name, _)| selects(name))
        .collect();
    // A stable sort: repeated headers keep the order they were sent in.
    chosen.sort_by(|a, b| a.0.cmp(&b.0));
    let mut signed = Vec::with_capacity(chosen.len() * 16);
    let mut previous: Option<&[u8]> = None;
    for (name, value) in &chosen {
        if previous == Some(name.as_ref()) {
            out.push(b',');
        } else {
            if previous.is_some() {
                out.push(b'\n');
                signed.push(b';');
            }
            out.extend_from_slice(name);
            out.push(b':');
            signed.extend_from_slice(name);
        }
        push_trimmed(value, out);
        previous = Some(name.as_ref());
    }
    if previous.is_some() {
        out.push(b'\n');
    }
    signed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(mut f: impl FnMut(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn uri_encode_keeps_unreserved_and_encodes_the_rest_uppercase() {
        assert_eq!(
            encoded(|o| uri_encode(b"a-._~Z9 /%", true, o)),
            "a-._~Z9%20/%25"
        );
        assert_eq!(encoded(|o| uri_encode(b"a/b", false, o)), "a%2Fb");
        assert_eq!(
            encoded(|o| uri_encode("ሴ".as_bytes(), true, o)),
            "%E1%88%B4"
        );
    }

    #[test]
    fn normalize_encoding_keeps_meaning() {
        let n = |s: &[u8]| encoded(|o| normalize_encoding(s, Part::Path, o));
        assert_eq!(n(b"/a%2Fb"), "/a%2Fb");
        assert_eq!(n(b"/a%2fb"), "/a%2Fb");
        assert_eq!(n(b"/%7e%41"), "/~A");
        assert_eq!(n(b"/x+y=z$"), "/x%2By%3Dz%24");
        assert_eq!(n(b"/100%"), "/100%25");
        assert_eq!(n(b"/%zz%4"), "/%25zz%254");
        assert_eq!(n("/café".as_bytes()), "/caf%C3%A9");
    }

    #[test]
    fn normalize_path_follows_the_test_suite() {
        let n = |s: &[u8]| String::from_utf8(normalize_path(s)).unwrap();
        assert_eq!(n(b""), "/");
        assert_eq!(n(b"/"), "/");
        assert_eq!(n(b"//"), "/");
        assert_eq!(n(b"//example//"), "/example/");
        assert_eq!(n(b"/./"), "/");
        assert_eq!(n(b"/./example"), "/example");
        assert_eq!(n(b"/example/.."), "/");
        assert_eq!(n(b"/example1/example2/../.."), "/");
        assert_eq!(n(b"/a/b/."), "/a/b/");
        assert_eq!(n(b"/a/b/../c"), "/a/c");
        assert_eq!(n(b"/../../a"), "/a");
    }

    #[test]
    fn canonical_uri_double_encodes_except_for_s3() {
        let c = |s: &[u8], rules| encoded(|o| canonical_uri(s, rules, o));
        assert_eq!(c(b"/arn%3Aaws/x", PathRules::SERVICE), "/arn%253Aaws/x");
        assert_eq!(c(b"/arn%3Aaws/x", PathRules::S3), "/arn%3Aaws/x");
        assert_eq!(c(b"/a//b/../c", PathRules::S3), "/a//b/../c");
        assert_eq!(c(b"/a//b/../c", PathRules::SERVICE), "/a/c");
        assert_eq!(c(b"", PathRules::S3), "/");
        assert_eq!(c(b"key", PathRules::S3), "/key");
        let once = PathRules {
            normalize: true,
            double_encode: false,
        };
        assert_eq!(c(b"/./a%20b//", once), "/a%20b/");
        let again = PathRules {
            normalize: false,
            double_encode: true,
        };
        assert_eq!(c(b"/./a%20b//", again), "/./a%2520b//");
    }

    #[test]
    fn query_is_signed_as_sent_and_sorted() {
        let mut pairs = query_pairs(b"b=2&a=%7e&a=1&&c&x+y=z%2f%2B&=");
        let q = encoded(|o| canonical_query(&mut pairs, o));
        assert_eq!(q, "=&a=1&a=~&b=2&c=&x%20y=z%2F%2B");
    }

    #[test]
    fn a_plus_is_a_space_in_queries_only() {
        let q = |s: &[u8], part| encoded(|o| normalize_encoding(s, part, o));
        assert_eq!(q(b"a+b%2B", Part::Query), "a%20b%2B");
        assert_eq!(q(b"/a+b%2B", Part::Path), "/a%2Bb%2B");
    }

    #[test]
    fn split_target_splits_at_the_first_question_mark() {
        assert_eq!(split_target(b"/a?b?c"), (&b"/a"[..], &b"b?c"[..]));
        assert_eq!(split_target(b"/a"), (&b"/a"[..], &b""[..]));
    }

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
