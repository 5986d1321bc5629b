//! The SigV4 signing key: HMAC-SHA256 chained over the date, region, service and
//! `aws4_request`, starting from `"AWS4" + secret`. It changes once a day, so
//! derived keys are kept in a small cache keyed by (secret, date, region, service),
//! together with the HMAC state keyed by them (which saves two SHA-256 blocks per
//! signature).

use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 instance keyed with `key`.
pub fn keyed(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Derive the signing key (no cache).
pub fn derive(secret_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut first = Vec::with_capacity(4 + secret_key.len());
    first.extend_from_slice(b"AWS4");
    first.extend_from_slice(secret_key.as_bytes());
    let k_date = hmac(&first, date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// How many (secret, date, region, service) keys are remembered.
const CAPACITY: usize = 16;

struct Entry {
    secret_key: String,
    date: String,
    region: String,
    service: String,
    key: [u8; 32],
    mac: HmacSha256,
}

impl Entry {
    fn is_for(&self, secret_key: &str, date: &str, region: &str, service: &str) -> bool {
        self.date == date
            && self.region == region
            && self.service == service
            && self.secret_key == secret_key
    }
}

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The signing key and an HMAC instance keyed with it, from the cache when possible.
pub fn cached(secret_key: &str, date: &str, region: &str, service: &str) -> ([u8; 32], HmacSha256) {
    // A poisoned lock only means another thread panicked while holding it; the
    // entries are still whole (each is pushed complete), so keep using them.
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(entry) = cache
        .iter()
        .find(|e| e.is_for(secret_key, date, region, service))
    {
        return (entry.key, entry.mac.clone());
    }
    let key = derive(secret_key, date, region, service);
    let mac = keyed(&key);
    if cache.len() >= CAPACITY {
        cache.remove(0);
    }
    cache.push(Entry {
        secret_key: secret_key.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        key,
        mac: mac.clone(),
    });
    (key, mac)
}

/// The signing key, from the cache when possible.
pub fn signing_key(secret_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    cached(secret_key, date, region, service).0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn derives_the_documented_key() {
        // AWS General Reference, "Examples of how to derive a signing key".
        assert_eq!(
            hex::encode(derive(SECRET, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn cache_returns_the_derived_key_and_a_matching_mac() {
        for _ in 0..2 {
            let (key, mut mac) = cached(SECRET, "20150830", "us-east-1", "iam");
            assert_eq!(key, derive(SECRET, "20150830", "us-east-1", "iam"));
            mac.update(b"data");
            assert_eq!(
                <[u8; 32]>::from(mac.finalize().into_bytes()),
                hmac(&key, b"data")
            );
        }
    }

    #[test]
    fn cache_distinguishes_every_part_of_the_key() {
        let base = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_ne!(base, signing_key("other", "20150830", "us-east-1", "iam"));
        assert_ne!(base, signing_key(SECRET, "20150831", "us-east-1", "iam"));
        assert_ne!(base, signing_key(SECRET, "20150830", "eu-west-1", "iam"));
        assert_ne!(base, signing_key(SECRET, "20150830", "us-east-1", "s3"));
    }

    #[test]
    fn cache_stays_bounded() {
        for day in 0..(CAPACITY * 2) {
            signing_key(SECRET, &format!("2015{day:04}"), "us-east-1", "bounded");
        }
        assert!(CACHE.lock().unwrap().len() <= CAPACITY);
    }
}
