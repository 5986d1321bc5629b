//! URLs given as text, split without a URL library when they are already in the form
//! httpx sends them in: `(scheme, netloc, target)` or `None` (then the caller lets
//! httpx parse and normalise the URL).
//!
//! "Plain" means: `http` or `https`; a lowercase ASCII host of letters, digits, `.`
//! and `-`, not IDNA (`xn--`), and a valid address where it has an IPv4 address's form
//! (httpx refuses `127.0.0.1000` and `127.0.0.01`); a port of 1 to 65535 without a leading zero that is not
//! the scheme's default; a path and query of RFC 3986 characters that httpx leaves
//! alone, `%` only in valid escapes; no dot segments in the path.

use std::borrow::Cow;

/// Characters httpx sends unchanged in a path, query or fragment.
fn is_plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?#%".contains(&byte)
}

fn valid_escapes(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'%' {
            let ok = text.len() > i + 2
                && text[i + 1].is_ascii_hexdigit()
                && text[i + 2].is_ascii_hexdigit();
            if !ok {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Whether `host`, if it has an IPv4 address's form (four groups of digits), is one:
/// each group 0 to 255 without a leading zero, as Python's `ipaddress` checks for httpx.
fn valid_if_ipv4(host: &str) -> bool {
    if !host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return true; // a name (the common case): no address form to check
    }
    let groups: Vec<&str> = host.split('.').collect();
    let digits = |g: &&str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if groups.len() != 4 || !groups.iter().all(digits) {
        return true;
    }
    groups.iter().all(|g| {
        g.len() <= 3
            && (g.len() == 1 || !g.starts_with('0'))
            && g.parse::<u16>().is_ok_and(|n| n <= 255)
    })
}

fn plain_port(port: &str, scheme: &str) -> bool {
    let default = if scheme == "https" { "443" } else { "80" };
    !port.is_empty()
        && port.len() <= 5
        && !port.starts_with('0')
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65_535)
        && port != default
}

/// Whether `needle` occurs in `haystack` (short needles, short haystacks: no searcher
/// to set up).
fn has(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A URL split as `(scheme, netloc, path?query)`, when it is plain; the target gets
/// a leading `/` when the path is empty (borrowed otherwise), the fragment is dropped.
pub fn split_plain(url: &str) -> Option<(&str, &str, Cow<'_, str>)> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
        ("https", rest)
    } else {
        ("http", url.strip_prefix("http://")?)
    };
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let (netloc, after) = rest.split_at(end);
    let (host, port) = match netloc.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (netloc, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !has(host.as_bytes(), b"xn--")
        && valid_if_ipv4(host);
    if !host_ok || port.is_some_and(|p| !plain_port(p, scheme)) {
        return None;
    }
    if !after.bytes().all(is_plain) || !valid_escapes(after.as_bytes()) {
        return None;
    }
    let target = after.split('#').next().unwrap_or("");
    let path = target.split('?').next().unwrap_or("");
    if has(path.as_bytes(), b"/.") {
        return None;
    }
    if target.starts_with('/') {
        return Some((scheme, netloc, Cow::Borrowed(target)));
    }
    Some((scheme, netloc, Cow::Owned(format!("/{target}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_urls_are_split() {
        let split =
            |u| split_plain(u).map(|(s, n, t)| (s.to_owned(), n.to_owned(), t.into_owned()));
        let owned = |s: &str, n: &str, t: &str| Some((s.to_owned(), n.to_owned(), t.to_owned()));
        assert_eq!(
            split("https://h.com/a/b?x=1#f"),
            owned("https", "h.com", "/a/b?x=1")
        );
        assert_eq!(split("http://h:9000"), owned("http", "h:9000", "/"));
        assert_eq!(split("https://h?q"), owned("https", "h", "/?q"));
        assert_eq!(split("https://h/a?"), owned("https", "h", "/a?"));
        assert_eq!(split("https://h/k%2Fx"), owned("https", "h", "/k%2Fx"));
        assert_eq!(
            split("http://127.0.0.1:9000/b"),
            owned("http", "127.0.0.1:9000", "/b")
        );
        assert_eq!(split("http://1.2.3/"), owned("http", "1.2.3", "/"));
    }

    #[test]
    fn anything_httpx_would_change_is_not_plain() {
        for url in [
            "https://H.com/",
            "https://h:443/",
            "http://h:80/",
            "https://h:/",
            "https://h:00/",
            "https://h:70000/",
            "https://u@h/",
            "https://[::1]/",
            "https://xn--caf-dma.com/",
            "https://h/a b",
            "https://h/é",
            "https://h/%zz",
            "https://h/%4",
            "https://h/a/../b",
            "https://h/./b",
            "ftp://h/",
            "https:/h",
            "https://h/a|b",
            "https:///a",
            "http://127.0.0.1000",
            "http://127.0.0.01/",
            "http://256.1.1.1:9000/",
        ] {
            assert_eq!(split_plain(url), None, "{url}");
        }
    }
}
