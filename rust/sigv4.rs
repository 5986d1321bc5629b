//! AWS Signature Version 4: the date, the canonical request, the string to sign, the
//! signature, and signing a request in its headers (`sigv4_presign.rs` signs URLs).
//!
//! Pure: the signing time is an argument (seconds since the epoch).

use std::fmt;

use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::signing_key;
use crate::sigv4_canon::{
    canonical_headers, canonical_query, canonical_uri, query_pairs, split_target, Pair, PathRules,
    Selection,
};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Presigned URLs live at least a second and at most seven days.
pub const MAX_EXPIRES_IN: i64 = 7 * 24 * 3600;
/// 9999-12-31T23:59:59Z: the last time an `x-amz-date` can express.
const MAX_TIMESTAMP: i64 = 253_402_300_799;

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

/// Who signs, and for which region and service.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    pub access_id: &'a str,
    pub secret_key: &'a str,
    pub security_token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    /// How the path is canonicalised (S3's rules or every other service's).
    pub path: PathRules,
}

/// A request as sent: method, target (`path?query`) and headers (name, value).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub target: &'a [u8],
    pub headers: &'a [(&'a [u8], &'a [u8])],
}

/// Lowercase hex of a SHA-256 or HMAC-SHA256 output.
pub fn hex32(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    out
}

/// `YYYYMMDDTHHMMSSZ` for `timestamp` seconds since the epoch (UTC).
pub fn amz_date(timestamp: i64) -> Result<String, Error> {
    if !(0..=MAX_TIMESTAMP).contains(&timestamp) {
        return Err(Error::TimestampOutOfRange(timestamp));
    }
    let (days, seconds) = (timestamp / 86_400, timestamp % 86_400);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(16);
    for (value, width) in [(year, 4), (month, 2), (day, 2)] {
        push_digits(&mut out, value, width);
    }
    out.push('T');
    for value in [seconds / 3600, seconds / 60 % 60, seconds % 60] {
        push_digits(&mut out, value, 2);
    }
    out.push('Z');
    Ok(out)
}

/// Append the `width` last decimal digits of `value` (non-negative), zero-padded.
fn push_digits(out: &mut String, value: i64, width: u32) {
    for position in (0..width).rev() {
        let digit = value / 10_i64.pow(position) % 10;
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
    }
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `date/region/service/aws4_request`.
pub fn scope(date: &str, region: &str, service: &str) -> String {
    let mut out = String::with_capacity(date.len() + region.len() + service.len() + 15);
    for part in [date, "/", region, "/", service, "/aws4_request"] {
        out.push_str(part);
    }
    out
}

/// The canonical request of `request`, signing the headers `selects` accepts, and
/// its signed headers list.
pub fn canonical_request<'a>(
    method: &str,
    target: &[u8],
    headers: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    selects: impl Fn(&[u8]) -> bool,
    payload_hash: &str,
    path_rules: PathRules,
    extra_query: &[Pair],
) -> (Vec<u8>, Vec<u8>) {
    let (path, query) = split_target(target);
    let mut out = Vec::with_capacity(256 + target.len());
    out.extend_from_slice(method.as_bytes());
    out.push(b'\n');
    canonical_uri(path, path_rules, &mut out);
    out.push(b'\n');
    let mut pairs = query_pairs(query);
    pairs.extend_from_slice(extra_query);
    canonical_query(&mut pairs, &mut out);
    out.push(b'\n');
    let signed = canonical_headers(headers, selects, &mut out);
    out.push(b'\n');
    out.extend_from_slice(&signed);
    out.push(b'\n');
    out.extend_from_slice(payload_hash.as_bytes());
    (out, signed)
}

/// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &[u8]) -> String {
    let hash = hex32(&Sha256::digest(canonical_request));
    let mut out = String::with_capacity(ALGORITHM.len() + amz_date.len() + scope.len() + 67);
    for part in [ALGORITHM, "\n", amz_date, "\n", scope, "\n", &hash] {
        out.push_str(part);
    }
    out
}

/// Hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(signing_key: &[u8], string_to_sign: &str) -> String {
    hex32(&signing_key::hmac(signing_key, string_to_sign.as_bytes()))
}

/// The signature of `canonical_request` made at `amz_date` within `scope`, under the
/// signer's (cached) signing key.
pub(crate) fn sign(
    signer: &Signer<'_>,
    amz_date: &str,
    scope: &str,
    canonical_request: &[u8],
) -> String {
    let date = &amz_date[..8];
    let (_, mut mac) = signing_key::cached(signer.secret_key, date, signer.region, signer.service);
    mac.update(string_to_sign(amz_date, scope, canonical_request).as_bytes());
    hex32(&mac.finalize().into_bytes())
}

/// The headers `sign_headers` sets (name, lowercase name, value), in the order it adds them.
pub struct AddedHeaders {
    pub headers: Vec<(&'static str, &'static str, String)>,
}

impl AddedHeaders {
    /// Every header a signature may add: (name, lowercase name).
    pub const NAMES: [(&'static str, &'static str); 4] = [
        ("X-Amz-Date", "x-amz-date"),
        ("X-Amz-Content-SHA256", "x-amz-content-sha256"),
        ("X-Amz-Security-Token", "x-amz-security-token"),
        ("Authorization", "authorization"),
    ];

    /// Whether `name` (in any case) is one of the headers the signature replaces.
    pub fn replaces(name: &[u8]) -> bool {
        Self::NAMES
            .iter()
            .any(|(_, lower)| lower.as_bytes().eq_ignore_ascii_case(name))
    }
}

/// Sign `request` in headers: returns the headers to set (replacing any of the same
/// name): `x-amz-date`, `x-amz-content-sha256` when `content_sha256`,
/// `x-amz-security-token` when there is a token, then `authorization`. The headers the
/// signer sets are always signed; the request's own ones when `selection` picks them.
pub fn sign_headers(
    request: &Request<'_>,
    selection: &Selection,
    payload_hash: &str,
    content_sha256: bool,
    signer: &Signer<'_>,
    timestamp: i64,
) -> Result<AddedHeaders, Error> {
    let amz_date = amz_date(timestamp)?;
    let date = &amz_date[..8];
    let [date_header, content_header, token_header, authorization_header] = AddedHeaders::NAMES;
    let mut added: Vec<(&'static str, &'static str, String)> = Vec::with_capacity(4);
    added.push((date_header.0, date_header.1, amz_date.clone()));
    if content_sha256 {
        added.push((content_header.0, content_header.1, payload_hash.to_owned()));
    }
    if let Some(token) = signer.security_token {
        added.push((token_header.0, token_header.1, token.to_owned()));
    }
    let kept = request
        .headers
        .iter()
        .copied()
        .filter(|(name, _)| !AddedHeaders::replaces(name));
    let ours = added.iter().map(|(_, n, v)| (n.as_bytes(), v.as_bytes()));
    let (creq, signed) = canonical_request(
        request.method,
        request.target,
        kept.chain(ours),
        |name| selection.selects(name) || AddedHeaders::replaces(name),
        payload_hash,
        signer.path,
        &[],
    );
    let scope = scope(date, signer.region, signer.service);
    let signature = sign(signer, &amz_date, &scope, &creq);
    let signed = String::from_utf8_lossy(&signed);
    let mut authorization = String::with_capacity(160 + scope.len() + signed.len());
    for part in [
        ALGORITHM,
        " Credential=",
        signer.access_id,
        "/",
        &scope,
        ", SignedHeaders=",
        &signed,
        ", Signature=",
        &signature,
    ] {
        authorization.push_str(part);
    }
    added.push((
        authorization_header.0,
        authorization_header.1,
        authorization,
    ));
    Ok(AddedHeaders { headers: added })
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
    fn amz_date_formats_utc() {
        assert_eq!(amz_date(0).unwrap(), "19700101T000000Z");
        assert_eq!(amz_date(SUITE_TIME).unwrap(), "20150830T123600Z");
        assert_eq!(amz_date(951_782_400).unwrap(), "20000229T000000Z");
        assert_eq!(amz_date(MAX_TIMESTAMP).unwrap(), "99991231T235959Z");
        assert_eq!(amz_date(-1), Err(Error::TimestampOutOfRange(-1)));
        assert!(amz_date(MAX_TIMESTAMP + 1).is_err());
    }

    #[test]
    fn get_vanilla_header_signature() {
        let headers: [(&[u8], &[u8]); 1] = [(b"Host", b"example.amazonaws.com")];
        let request = Request {
            method: "GET",
            target: b"/",
            headers: &headers,
        };
        let added = sign_headers(
            &request,
            &Selection::parse(&["*"]),
            EMPTY_SHA256,
            false,
            &signer(false),
            SUITE_TIME,
        )
        .unwrap();
        let authorization = &added.headers.last().unwrap().2;
        assert!(authorization.ends_with(
            "SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ));
        assert_eq!(added.headers[0].2, "20150830T123600Z");
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
