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

/// `00`, `01`, ... `99`: two decimal digits per entry.
const TWO_DIGITS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

fn two_digits(out: &mut [u8], value: i64) {
    let at = usize::try_from(value % 100).unwrap_or(0) * 2;
    out[..2].copy_from_slice(&TWO_DIGITS[at..at + 2]);
}

/// `YYYYMMDDTHHMMSSZ` for `timestamp` seconds since the epoch (UTC), on the stack.
pub fn amz_date_bytes(timestamp: i64) -> Result<[u8; 16], Error> {
    if !(0..=MAX_TIMESTAMP).contains(&timestamp) {
        return Err(Error::TimestampOutOfRange(timestamp));
    }
    let (days, seconds) = (timestamp / 86_400, timestamp % 86_400);
    let (year, month, day) = civil_from_days(days);
    let mut out = *b"00000000T000000Z";
    two_digits(&mut out[0..2], year / 100);
    two_digits(&mut out[2..4], year);
    two_digits(&mut out[4..6], month);
    two_digits(&mut out[6..8], day);
    two_digits(&mut out[9..11], seconds / 3600);
    two_digits(&mut out[11..13], seconds / 60 % 60);
    two_digits(&mut out[13..15], seconds % 60);
    Ok(out)
}

/// `YYYYMMDDTHHMMSSZ` for `timestamp` seconds since the epoch (UTC).
pub fn amz_date(timestamp: i64) -> Result<String, Error> {
    let bytes = amz_date_bytes(timestamp)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
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

/// What a signature made within one second shares: the `x-amz-date`, the
/// credential scope and an HMAC keyed with that day's signing key.
#[derive(Clone)]
pub struct Stamp {
    pub timestamp: i64,
    pub amz_date: String,
    pub scope: String,
    pub mac: signing_key::HmacSha256,
}

impl Stamp {
    /// The stamp of `timestamp` for `signer`'s key, region and service.
    pub fn new(signer: &Signer<'_>, timestamp: i64) -> Result<Stamp, Error> {
        let amz_date = amz_date(timestamp)?;
        let date = &amz_date[..8];
        let scope = scope(date, signer.region, signer.service);
        let (_, mac) = signing_key::cached(signer.secret_key, date, signer.region, signer.service);
        Ok(Stamp {
            timestamp,
            amz_date,
            scope,
            mac,
        })
    }

    /// The stamp of a later `timestamp`: the key and scope are kept when the day is the same.
    pub fn at(&self, signer: &Signer<'_>, timestamp: i64) -> Result<Stamp, Error> {
        let amz_date = amz_date(timestamp)?;
        if amz_date[..8] != self.amz_date[..8] {
            return Stamp::new(signer, timestamp);
        }
        Ok(Stamp {
            timestamp,
            amz_date,
            scope: self.scope.clone(),
            mac: self.mac.clone(),
        })
    }

    /// The signature of `canonical_request` at this stamp.
    pub fn sign(&self, canonical_request: &[u8]) -> Hex64 {
        let mut mac = self.mac.clone();
        for part in [ALGORITHM, "\n", &self.amz_date, "\n", &self.scope, "\n"] {
            mac.update(part.as_bytes());
        }
        mac.update(hex32(&Sha256::digest(canonical_request).into()).as_bytes());
        hex32(&mac.finalize().into_bytes().into())
    }
}

/// The headers `sign_headers` sets (lowercase name, value), in the order it adds them.
pub struct AddedHeaders {
    pub headers: Vec<(&'static str, String)>,
}

impl AddedHeaders {
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
}

/// Sign `request` in headers: returns the headers to set (replacing any of the same
/// name): `x-amz-date`, `x-amz-content-sha256` when `content_sha256`,
/// `x-amz-security-token` when there is a token, then `Authorization`. The headers the
/// signer sets are always signed; the request's own ones when `selection` picks them.
pub fn sign_headers(
    request: &Request<'_>,
    selection: &Selection,
    payload_hash: &str,
    content_sha256: bool,
    signer: &Signer<'_>,
    stamp: &Stamp,
) -> AddedHeaders {
    let [date_header, content_header, token_header, authorization_header] = AddedHeaders::NAMES;
    let mut added: Vec<(&'static str, String)> = Vec::with_capacity(4);
    added.push((date_header, stamp.amz_date.clone()));
    if content_sha256 {
        added.push((content_header, payload_hash.to_owned()));
    }
    if let Some(token) = signer.security_token {
        added.push((token_header, token.to_owned()));
    }
    let kept = request
        .headers
        .iter()
        .copied()
        .filter(|(name, _)| !AddedHeaders::replaces(name));
    let ours = added.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes()));
    let (creq, signed) = canonical_request(
        request.method,
        request.target,
        kept.chain(ours),
        |name| selection.selects(name) || AddedHeaders::replaces(name),
        payload_hash,
        signer.path,
        &[],
    );
    let signature = stamp.sign(&creq);
    let signed = String::from_utf8_lossy(&signed);
    let mut authorization = String::with_capacity(160 + stamp.scope.len() + signed.len());
    for part in [
        ALGORITHM,
        " Credential=",
        signer.access_id,
        "/",
        &stamp.scope,
        ", SignedHeaders=",
        &signed,
        ", Signature=",
        signature.as_str(),
    ] {
        authorization.push_str(part);
    }
    added.push((authorization_header, authorization));
    AddedHeaders { headers: added }
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
        let stamp = Stamp::new(&signer(false), SUITE_TIME).unwrap();
        let added = sign_headers(
            &request,
            &Selection::parse(&["*"]),
            EMPTY_SHA256,
            false,
            &signer(false),
            &stamp,
        );
        let authorization = &added.headers.last().unwrap().1;
        assert!(authorization.ends_with(
            "SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ));
        assert_eq!(
            added.headers[0],
            ("x-amz-date", "20150830T123600Z".to_owned())
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
