//! SigV4's percent-encoding (`UriEncode`), and bringing text that was sent
//! percent-encoded to that encoding without changing what it means.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Characters RFC 3986 leaves unreserved: SigV4 never percent-encodes them.
pub fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
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

/// Copy `data` to `out`: each run of bytes `keep` accepts in one go (most paths and
/// values need no escape at all); at each other byte, `escape` appends what stands
/// for the rest's first bytes and says how many it took (at least one).
#[inline(always)]
fn encode_runs(
    data: &[u8],
    keep: impl Fn(u8) -> bool,
    out: &mut Vec<u8>,
    mut escape: impl FnMut(&[u8], &mut Vec<u8>) -> usize,
) {
    out.reserve(data.len());
    let mut i = 0;
    while i < data.len() {
        let run = data[i..].iter().position(|&b| !keep(b));
        let run = run.unwrap_or(data.len() - i);
        out.extend_from_slice(&data[i..i + run]);
        i += run;
        if i < data.len() {
            i += escape(&data[i..], out);
        }
    }
}

/// Percent-encode every byte of `data` but the unreserved ones (and `/` when
/// `keep_slash`): SigV4's `UriEncode`. A `%` is encoded too.
pub fn uri_encode(data: &[u8], keep_slash: bool, out: &mut Vec<u8>) {
    let keep = |b: u8| is_unreserved(b) || (keep_slash && b == b'/');
    encode_runs(data, keep, out, |rest, out| {
        push_escape(out, rest[0]);
        1
    });
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
    let keep = |b: u8| is_unreserved(b) || (b == b'/' && part == Part::Path);
    encode_runs(data, keep, out, |rest, out| {
        let byte = rest[0];
        if byte == b'%' {
            let high = rest.get(1).copied().and_then(hex_value);
            let low = rest.get(2).copied().and_then(hex_value);
            if let (Some(high), Some(low)) = (high, low) {
                let decoded = (high << 4) | low;
                if is_unreserved(decoded) {
                    out.push(decoded);
                } else {
                    push_escape(out, decoded);
                }
                return 3;
            }
        }
        if byte == b'+' && part == Part::Query {
            out.extend_from_slice(b"%20");
        } else {
            push_escape(out, byte);
        }
        1
    });
}

/// What `f` appends to an empty buffer, as text (for the tests of the `sigv4_canon*` modules).
#[cfg(test)]
pub(crate) fn encoded(mut f: impl FnMut(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    f(&mut out);
    String::from_utf8(out).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for (given, expected) in [
            (&b"/a%2Fb"[..], "/a%2Fb"),
            (b"/a%2fb", "/a%2Fb"),
            (b"/%7e%41", "/~A"),
            (b"/x+y=z$", "/x%2By%3Dz%24"),
            (b"/100%", "/100%25"),
            (b"/%zz%4", "/%25zz%254"),
            ("/café".as_bytes(), "/caf%C3%A9"),
        ] {
            assert_eq!(
                encoded(|o| normalize_encoding(given, Part::Path, o)),
                expected
            );
        }
    }

    #[test]
    fn a_plus_is_a_space_in_queries_only() {
        let q = |s: &[u8], part| encoded(|o| normalize_encoding(s, part, o));
        assert_eq!(q(b"a+b%2B", Part::Query), "a%20b%2B");
        assert_eq!(q(b"/a+b%2B", Part::Path), "/a%2Bb%2B");
    }
}
