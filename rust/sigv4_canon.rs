//! The SigV4 canonical request: how a request's path, query and headers are
//! rewritten into the one form that the client and AWS both hash. This module
//! has the path and the query; the headers are in `sigv4_canon_headers.rs`, the
//! percent-encoding both use in `sigv4_encoding.rs` (re-exported here, so the
//! signers take every part of the canonical request from one place).
//!
//! Rules (AWS Signature Version 4 documentation):
//! - every service but S3 normalises the path (dot segments, empty segments) and
//!   percent-encodes the path *as sent* a second time;
//! - S3 never normalises and encodes once: what was sent keeps its meaning, so an
//!   escape such as `%2F` stays an escape;
//! - query parameters are taken as sent and read the way servers read them (a `+` is
//!   a space, as in form encoding, which is also how httpx sends spaces from
//!   `params=`), their encoding normalised, then sorted by encoded name, then value;
//! - headers: see `sigv4_canon_headers.rs`.

pub use crate::sigv4_canon_headers::{canonical_headers, Selection, SignedHeaders};
pub use crate::sigv4_encoding::{is_unreserved, normalize_encoding, uri_encode, Part};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4_encoding::encoded;

    #[test]
    fn normalize_path_follows_the_test_suite() {
        for (given, expected) in [
            (&b""[..], "/"),
            (b"/", "/"),
            (b"//", "/"),
            (b"//example//", "/example/"),
            (b"/./", "/"),
            (b"/./example", "/example"),
            (b"/example/..", "/"),
            (b"/example1/example2/../..", "/"),
            (b"/a/b/.", "/a/b/"),
            (b"/a/b/../c", "/a/c"),
            (b"/../../a", "/a"),
        ] {
            assert_eq!(String::from_utf8(normalize_path(given)).unwrap(), expected);
        }
    }

    #[test]
    fn canonical_uri_double_encodes_except_for_s3() {
        let once = PathRules {
            normalize: true,
            double_encode: false,
        };
        let again = PathRules {
            normalize: false,
            double_encode: true,
        };
        for (given, rules, expected) in [
            (&b"/arn%3Aaws/x"[..], PathRules::SERVICE, "/arn%253Aaws/x"),
            (b"/arn%3Aaws/x", PathRules::S3, "/arn%3Aaws/x"),
            (b"/a//b/../c", PathRules::S3, "/a//b/../c"),
            (b"/a//b/../c", PathRules::SERVICE, "/a/c"),
            (b"", PathRules::S3, "/"),
            (b"key", PathRules::S3, "/key"),
            (b"/./a%20b//", once, "/a%20b/"),
            (b"/./a%20b//", again, "/./a%2520b//"),
        ] {
            assert_eq!(encoded(|o| canonical_uri(given, rules, o)), expected);
        }
    }

    #[test]
    fn query_is_signed_as_sent_and_sorted() {
        let mut pairs = query_pairs(b"b=2&a=%7e&a=1&&c&x+y=z%2f%2B&=");
        let q = encoded(|o| canonical_query(&mut pairs, o));
        assert_eq!(q, "=&a=1&a=~&b=2&c=&x%20y=z%2F%2B");
    }

    #[test]
    fn split_target_splits_at_the_first_question_mark() {
        assert_eq!(split_target(b"/a?b?c"), (&b"/a"[..], &b"b?c"[..]));
        assert_eq!(split_target(b"/a"), (&b"/a"[..], &b""[..]));
    }
}
