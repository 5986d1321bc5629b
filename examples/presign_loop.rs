//! A micro loop over `presign_url`, the core's whole work for one `presign()` of a plain
//! URL: `cargo run --release --example presign_loop [iterations]`.

use std::time::Instant;

use _native::signer::{Credentials, OwnedSigner, Scope};
use _native::sigv4_canon::{PathRules, Selection};

const UNSIGNED: &str = "UNSIGNED-PAYLOAD";

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
            selection: Selection::parse(&["host"]),
            content_sha256: true,
        },
    );
    let url = "https://examplebucket.s3.eu-west-1.amazonaws.com/photos/2024/06/cat-0042.jpg";
    let start = Instant::now();
    let mut total = 0usize;
    for i in 0..iterations {
        // A new second every 1000 URLs, as a busy client would see.
        let timestamp = 1_717_243_200 + i64::from(i / 1000);
        let presigned = signer
            .presign_url(url, "GET", UNSIGNED, timestamp, 900)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("not a plain URL"));
        total += presigned.len();
    }
    let per_call = start.elapsed().as_secs_f64() / f64::from(iterations);
    println!("{:.0} ns per presigned URL ({total} bytes)", per_call * 1e9);
}
