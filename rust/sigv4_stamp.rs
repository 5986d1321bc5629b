//! What a SigV4 signature made within one second shares: the `x-amz-date`, the
//! credential scope and an HMAC keyed with that day's signing key, already fed the
//! head of the string to sign. Built once per second and per signer (`signer.rs`).
//!
//! Pure: the signing time is an argument (seconds since the epoch).

use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::signing_key::{self, HmacSha256};
use crate::sigv4::{hex32, Error, Hex64, Signer, ALGORITHM};

/// 9999-12-31T23:59:59Z: the last time an `x-amz-date` can express.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

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

/// An `x-amz-date`, `YYYYMMDDTHHMMSSZ`, on the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmzDate([u8; 16]);

impl AmzDate {
    /// The `x-amz-date` of `timestamp` seconds since the epoch (UTC).
    pub fn of(timestamp: i64) -> Result<AmzDate, Error> {
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
        Ok(AmzDate(out))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits, `T` and `Z` are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// `YYYYMMDD`, the date of the credential scope.
    pub fn day(&self) -> &str {
        &self.as_str()[..8]
    }
}

/// `YYYYMMDDTHHMMSSZ` for `timestamp` seconds since the epoch (UTC).
pub fn amz_date(timestamp: i64) -> Result<String, Error> {
    AmzDate::of(timestamp).map(|date| date.as_str().to_owned())
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

/// What a signature made within one second shares.
#[derive(Clone)]
pub struct Stamp {
    pub timestamp: i64,
    pub amz_date: AmzDate,
    pub scope: String,
    /// `<access id>/<scope>`, as `Authorization` and presigned URLs name the credential.
    pub credential: String,
    /// HMAC keyed with the day's signing key.
    keyed: HmacSha256,
    /// `keyed` already fed `AWS4-HMAC-SHA256\n<date>\n<scope>\n`.
    head: HmacSha256,
}

impl Stamp {
    /// The stamp of `timestamp` for `signer`'s key, region and service.
    pub fn new(signer: &Signer<'_>, timestamp: i64) -> Result<Stamp, Error> {
        let amz_date = AmzDate::of(timestamp)?;
        let date = amz_date.day();
        let scope = scope(date, signer.region, signer.service);
        let (_, keyed) =
            signing_key::cached(signer.secret_key, date, signer.region, signer.service);
        Ok(Stamp::of(signer, timestamp, amz_date, scope, keyed))
    }

    fn of(
        signer: &Signer<'_>,
        timestamp: i64,
        amz_date: AmzDate,
        scope: String,
        keyed: HmacSha256,
    ) -> Stamp {
        let mut head = keyed.clone();
        for part in [ALGORITHM, "\n", amz_date.as_str(), "\n", &scope, "\n"] {
            head.update(part.as_bytes());
        }
        let mut credential = String::with_capacity(signer.access_id.len() + 1 + scope.len());
        for part in [signer.access_id, "/", &scope] {
            credential.push_str(part);
        }
        Stamp {
            timestamp,
            amz_date,
            scope,
            credential,
            keyed,
            head,
        }
    }

    /// The stamp of a later `timestamp`: the key and scope are kept when the day is the same.
    pub fn at(&self, signer: &Signer<'_>, timestamp: i64) -> Result<Stamp, Error> {
        let amz_date = AmzDate::of(timestamp)?;
        if amz_date.day() != self.amz_date.day() {
            return Stamp::new(signer, timestamp);
        }
        let (scope, keyed) = (self.scope.clone(), self.keyed.clone());
        Ok(Stamp::of(signer, timestamp, amz_date, scope, keyed))
    }

    /// The signature of `canonical_request` at this stamp: the HMAC of the string to
    /// sign, whose head the stamp holds and whose tail is the request's hash.
    pub fn sign(&self, canonical_request: &[u8]) -> Hex64 {
        let mut mac = self.head.clone();
        mac.update(hex32(&Sha256::digest(canonical_request).into()).as_bytes());
        hex32(&mac.finalize().into_bytes().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::test_fixtures::*;
    use crate::sigv4::{signature, string_to_sign};

    #[test]
    fn amz_date_formats_utc() {
        assert_eq!(amz_date(0).unwrap(), "19700101T000000Z");
        assert_eq!(amz_date(SUITE_TIME).unwrap(), "20150830T123600Z");
        assert_eq!(amz_date(951_782_400).unwrap(), "20000229T000000Z");
        assert_eq!(amz_date(MAX_TIMESTAMP).unwrap(), "99991231T235959Z");
        assert_eq!(amz_date(-1), Err(Error::TimestampOutOfRange(-1)));
        assert!(amz_date(MAX_TIMESTAMP + 1).is_err());
        assert_eq!(AmzDate::of(SUITE_TIME).unwrap().day(), "20150830");
    }

    #[test]
    fn a_stamp_signs_as_the_string_to_sign_does() {
        let creq = b"GET\n/\n\nhost:example.amazonaws.com\n\nhost\n";
        let first = Stamp::new(&signer(false), SUITE_TIME).unwrap();
        for stamp in [
            first.clone(),
            first.at(&signer(false), SUITE_TIME + 1).unwrap(),
        ] {
            let sts = string_to_sign(stamp.amz_date.as_str(), &stamp.scope, creq);
            let key = signing_key::derive(SECRET, "20150830", "us-east-1", "service");
            assert_eq!(stamp.sign(creq).as_str(), signature(&key, &sts));
            assert_eq!(
                stamp.credential,
                "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
            );
        }
        let next_day = first.at(&signer(false), SUITE_TIME + 86_400).unwrap();
        assert_eq!(next_day.scope, "20150831/us-east-1/service/aws4_request");
    }
}
