//! Signing a request in its headers: the headers a SigV4 signature sets
//! (`x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token`, `Authorization`)
//! and the one pass that computes them (`sigv4_presign.rs` signs URLs instead).

use std::borrow::Cow;

use crate::sigv4::{canonical_request, Request, Signer, ALGORITHM};
use crate::sigv4_canon::Selection;
use crate::sigv4_stamp::{AmzDate, Stamp};

/// The headers `sign_headers` sets, borrowing what it does not compute.
#[derive(Debug, Clone)]
pub struct AddedHeaders<'a> {
    pub amz_date: AmzDate,
    /// The payload hash, when it is sent as `x-amz-content-sha256`.
    pub content_sha256: Option<&'a str>,
    pub security_token: Option<&'a str>,
    pub authorization: String,
}

impl<'a> AddedHeaders<'a> {
    /// Every header a signature may add, named as they are sent.
    pub const NAMES: [&'static str; 4] = [
        "x-amz-date",
        "x-amz-content-sha256",
        "x-amz-security-token",
        "Authorization",
    ];

    /// Whether `name` (in any case) is one of the headers the signature replaces.
    pub fn replaces(name: &[u8]) -> bool {
        Self::NAMES
            .iter()
            .any(|added| added.as_bytes().eq_ignore_ascii_case(name))
    }

    /// The headers set before `Authorization` (lowercase name, value): the ones signed.
    fn signed(&self) -> impl Iterator<Item = (&'static str, &[u8])> {
        let [date, content, token, _] = Self::NAMES;
        [
            (date, Some(self.amz_date.as_bytes())),
            (content, self.content_sha256.map(str::as_bytes)),
            (token, self.security_token.map(str::as_bytes)),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
    }

    /// Every header set (name as sent, value), in the order they are added.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &[u8])> {
        let authorization = (Self::NAMES[3], self.authorization.as_bytes());
        self.signed().chain([authorization])
    }
}

/// `bytes` as text, U+FFFD for what is not UTF-8 (header names hardly ever are not).
fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Sign `request` in headers: returns the headers to set (replacing any of the same
/// name): `x-amz-date`, `x-amz-content-sha256` when `content_sha256`,
/// `x-amz-security-token` when there is a token, then `Authorization`. The headers the
/// signer sets are always signed; the request's own ones when `selection` picks them.
pub fn sign_headers<'a>(
    request: &Request<'_>,
    selection: &Selection,
    payload_hash: &'a str,
    content_sha256: bool,
    signer: &Signer<'a>,
    stamp: &Stamp,
) -> AddedHeaders<'a> {
    let mut added = AddedHeaders {
        amz_date: stamp.amz_date,
        content_sha256: content_sha256.then_some(payload_hash),
        security_token: signer.security_token,
        authorization: String::new(),
    };
    let kept = request
        .headers
        .iter()
        .copied()
        .filter(|(name, _)| !AddedHeaders::replaces(name));
    let ours = added.signed().map(|(name, value)| (name.as_bytes(), value));
    let creq = canonical_request(
        request.method,
        request.target,
        kept.chain(ours),
        |name| AddedHeaders::replaces(name) || selection.selects(name),
        payload_hash,
        signer.path,
        &[],
    );
    let signature = stamp.sign(&creq.bytes);
    let names = text(creq.signed_headers());
    let parts = [
        ALGORITHM,
        " Credential=",
        &stamp.credential,
        ", SignedHeaders=",
        &names,
        ", Signature=",
        signature.as_str(),
    ];
    let mut authorization = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        authorization.push_str(part);
    }
    added.authorization = authorization;
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::test_fixtures::*;

    #[test]
    fn get_vanilla_header_signature() {
        let headers: [(&[u8], &[u8]); 1] = [(b"Host", b"example.amazonaws.com")];
        let request = request("GET", b"/", &headers);
        let stamp = Stamp::new(&signer(false), SUITE_TIME).unwrap();
        let added = sign_headers(
            &request,
            &Selection::parse(&["*"]),
            EMPTY_SHA256,
            false,
            &signer(false),
            &stamp,
        );
        assert!(added.authorization.ends_with(
            "SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ));
        let set: Vec<_> = added.iter().collect();
        assert_eq!(set[0], ("x-amz-date", &b"20150830T123600Z"[..]));
        assert_eq!(set[1].0, "Authorization");
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn every_header_a_signature_adds_is_set_and_signed() {
        let headers: [(&[u8], &[u8]); 2] = [(b"Host", b"h"), (b"X-Amz-Date", b"old")];
        let request = request("PUT", b"/k", &headers);
        let signer = Signer {
            security_token: Some("tok"),
            ..signer(true)
        };
        let stamp = Stamp::new(&signer, SUITE_TIME).unwrap();
        let added = sign_headers(
            &request,
            &Selection::parse(&["host"]),
            EMPTY_SHA256,
            true,
            &signer,
            &stamp,
        );
        let names: Vec<_> = added.iter().map(|(name, _)| name).collect();
        assert_eq!(names, AddedHeaders::NAMES);
        assert!(added
            .authorization
            .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "));
        assert!(AddedHeaders::replaces(b"AUTHORIZATION") && !AddedHeaders::replaces(b"host"));
    }
}
