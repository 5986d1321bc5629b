//! AWS Signature Version 4: who signs, what a request is, the canonical request, the
//! string to sign and the signature. The date and what a second of signatures shares
//! are in `sigv4_stamp.rs`; signing in headers in `sigv4_headers.rs`, in URLs in
//! `sigv4_presign.rs`.

use std::fmt;

use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::signing_key;
use crate::sigv4_canon::{
    canonical_query, canonical_uri, query_pairs, split_target, Pair, PathRules, SignedHeaders,
};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Presigned URLs live at least a second and at most seven days.
pub const MAX_EXPIRES_IN: i64 = 7 * 24 * 3600;

/// What can be wrong with a signing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    TimestampOutOfRange(i64),
    ExpiresOutOfRange(i64),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TimestampOutOfRange(t) => {
                write!(f, "timestamp {t} is outside 1970-01-01..9999-12-31")
            }
            Error::ExpiresOutOfRange(e) => {
                write!(
                    f,
                    "expires_in {e} must be between 1 and {MAX_EXPIRES_IN} seconds"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

/// Who signs, and for which region and service (its `Debug` shows no secret).
#[derive(Clone, Copy)]
pub struct Signer<'a> {
    pub access_id: &'a str,
    pub secret_key: &'a str,
    pub security_token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    /// How the path is canonicalised (S3's rules or every other service's).
    pub path: PathRules,
}

impl fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("access_id", &self.access_id)
            .field("secret_key", &"<hidden>")
            .field("security_token", &self.security_token.map(|_| "<hidden>"))
            .field("region", &self.region)
            .field("service", &self.service)
            .field("path", &self.path)
            .finish()
    }
}

/// A request as sent: method, target (`path?query`) and headers (name, value).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub target: &'a [u8],
    pub headers: &'a [(&'a [u8], &'a [u8])],
}

/// Lowercase hex of a 32-byte SHA-256 or HMAC-SHA256 output, on the stack.
#[derive(Clone, Copy)]
pub struct Hex64([u8; 64]);

impl Hex64 {
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Lowercase hex of a 32-byte digest.
pub fn hex32(bytes: &[u8; 32]) -> Hex64 {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (index, &byte) in bytes.iter().enumerate() {
        out[2 * index] = DIGITS[usize::from(byte >> 4)];
        out[2 * index + 1] = DIGITS[usize::from(byte & 15)];
    }
    Hex64(out)
}

/// A canonical request, and where in it the signed headers list is.
pub struct CanonicalRequest {
    pub bytes: Vec<u8>,
    signed: Range<usize>,
}

impl CanonicalRequest {
    /// The signed headers list (`a;b;c`).
    pub fn signed_headers(&self) -> &[u8] {
        &self.bytes[self.signed.clone()]
    }
}

/// The canonical request of a request, signing the headers `selects` accepts.
pub fn canonical_request<'a>(
    method: &str,
    target: &[u8],
    headers: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    selects: impl Fn(&[u8]) -> bool,
    payload_hash: &str,
    path_rules: PathRules,
    extra_query: &[Pair],
) -> CanonicalRequest {
    let headers = SignedHeaders::select(headers, selects);
    let (path, query) = split_target(target);
    // Room for a path encoded once more and the headers twice (block and list):
    // one allocation for most requests.
    let room = method.len() + 2 * target.len() + headers.room() + payload_hash.len() + 16;
    let mut out = Vec::with_capacity(room);
    out.extend_from_slice(method.as_bytes());
    out.push(b'\n');
    canonical_uri(path, path_rules, &mut out);
    out.push(b'\n');
    let mut pairs = query_pairs(query);
    pairs.extend_from_slice(extra_query);
    canonical_query(&mut pairs, &mut out);
    out.push(b'\n');
    headers.push_block(&mut out);
    out.push(b'\n');
    let start = out.len();
    headers.push_names(&mut out);
    let signed = start..out.len();
    out.push(b'\n');
    out.extend_from_slice(payload_hash.as_bytes());
    CanonicalRequest { bytes: out, signed }
}

/// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &[u8]) -> String {
    let hash = hex32(&Sha256::digest(canonical_request).into());
    let mut out = String::with_capacity(ALGORITHM.len() + amz_date.len() + scope.len() + 67);
    for part in [ALGORITHM, "\n", amz_date, "\n", scope, "\n", hash.as_str()] {
        out.push_str(part);
    }
    out
}

/// Hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(signing_key: &[u8], string_to_sign: &str) -> String {
    hex32(&signing_key::hmac(signing_key, string_to_sign.as_bytes()))
        .as_str()
        .to_owned()
}

/// What the unit tests of the signer and of presigning share: the official test
/// suite's credentials, time and scope.
#[cfg(test)]
pub(crate) mod test_fixtures {
    use super::*;

    pub const ACCESS_ID: &str = "AKIDEXAMPLE";
    pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    pub const EMPTY_SHA256: &str =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    pub const SUITE_TIME: i64 = 1_440_938_160; // 2015-08-30T12:36:00Z

    /// A request for the tests: `method` on `target`, with `headers`.
    pub fn request<'a>(
        method: &'a str,
        target: &'a [u8],
        headers: &'a [(&'a [u8], &'a [u8])],
    ) -> Request<'a> {
        Request {
            method,
            target,
            headers,
        }
    }

    pub fn signer(s3: bool) -> Signer<'static> {
        Signer {
            access_id: ACCESS_ID,
            secret_key: SECRET,
            security_token: None,
            region: "us-east-1",
            service: "service",
            path: if s3 {
                PathRules::S3
            } else {
                PathRules::SERVICE
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_fixtures::*;
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        let signer = Signer {
            security_token: Some("session-token"),
            ..signer(true)
        };
        let shown = format!("{signer:?}");
        assert!(
            shown.contains(ACCESS_ID) && shown.contains("us-east-1"),
            "{shown}"
        );
        assert!(
            !shown.contains(SECRET) && !shown.contains("session-token"),
            "{shown}"
        );
    }

    #[test]
    fn string_to_sign_and_signature_of_the_iam_example() {
        // AWS General Reference: the ListUsers example.
        let creq = "GET\n/\nAction=ListUsers&Version=2010-05-08\n\
                    content-type:application/x-www-form-urlencoded; charset=utf-8\n\
                    host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
                    content-type;host;x-amz-date\n"
            .to_owned()
            + EMPTY_SHA256;
        let sts = string_to_sign(
            "20150830T123600Z",
            "20150830/us-east-1/iam/aws4_request",
            creq.as_bytes(),
        );
        assert!(sts.ends_with("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"));
        let key = signing_key::derive(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            signature(&key, &sts),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }
}
