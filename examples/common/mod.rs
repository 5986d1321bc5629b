//! What the SigV4 loops share: one signer, built as `AWS4Auth` builds it for S3.

use std::time::Instant;

use _native::signer::{Credentials, OwnedSigner, Scope};
use _native::sigv4_canon::{PathRules, Selection};

/// A signer of AWS's documented example keys for S3 in `eu-west-1`, signing the headers
/// `selection` picks.
pub fn s3_signer(selection: &[&str]) -> OwnedSigner {
    OwnedSigner::new(
        Credentials {
            access_id: "AKIAIOSFODNN7EXAMPLE".to_owned(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
            security_token: None,
        },
        Scope {
            region: "eu-west-1".to_owned(),
            service: "s3".to_owned(),
            path: PathRules::S3,
            selection: Selection::parse(selection),
            content_sha256: true,
        },
    )
}

/// Run `sign(timestamp)` `iterations` times, a new second every 1000 calls as a busy
/// client would see; the nanoseconds per call, and the sum of what the calls returned
/// (so that none is optimised away).
pub fn ns_per_call(iterations: u32, mut sign: impl FnMut(i64) -> usize) -> (f64, usize) {
    let start = Instant::now();
    let mut total = 0usize;
    for i in 0..iterations {
        total += sign(1_717_243_200 + i64::from(i / 1000));
    }
    let per_call = start.elapsed().as_secs_f64() / f64::from(iterations);
    (per_call * 1e9, total)
}
