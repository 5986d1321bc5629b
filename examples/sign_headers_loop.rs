//! A micro loop over the header signer's hot path, for profiling (`perf record`):
//! `cargo run --release --example sign_headers_loop [iterations]`.

use std::time::Instant;

use _native::signer::{Credentials, OwnedSigner, Scope};
use _native::sigv4::Request;
use _native::sigv4_canon::{PathRules, Selection};

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let signer = OwnedSigner::new(
        Credentials {
            access_id: "AKIAIOSFODNN7EXAMPLE".to_owned(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
            security_token: None,
        },
        Scope {
            region: "eu-west-1".to_owned(),
            service: "s3".to_owned(),
            path: PathRules::S3,
            selection: Selection::parse(&["host", "content-type", "x-amz-*"]),
            content_sha256: true,
        },
    );
    let headers: [(&[u8], &[u8]); 1] = [(b"host", b"examplebucket.s3.eu-west-1.amazonaws.com")];
    let request = Request {
        method: "GET",
        target: b"/photos/2024/06/cat-0042.jpg",
        headers: &headers,
    };
    let start = Instant::now();
    let mut total = 0usize;
    for i in 0..iterations {
        // A new second every 1000 signatures, as a busy client would see.
        let timestamp = 1_717_243_200 + i64::from(i / 1000);
        let added = signer
            .sign_headers(&request, EMPTY_SHA256, timestamp)
            .unwrap_or_else(|e| panic!("{e}"));
        total += added.iter().count();
    }
    let per_call = start.elapsed().as_secs_f64() / f64::from(iterations);
    println!("{:.0} ns per signature ({total} headers)", per_call * 1e9);
}
