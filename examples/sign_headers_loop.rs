//! A micro loop over the header signer's hot path, for profiling (`perf record`):
//! `cargo run --release --example sign_headers_loop [iterations]`.

mod common;

use _native::sigv4::Request;

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let signer = common::s3_signer(&["host", "content-type", "x-amz-*"]);
    let headers: [(&[u8], &[u8]); 1] = [(b"host", b"examplebucket.s3.eu-west-1.amazonaws.com")];
    let request = Request {
        method: "GET",
        target: b"/photos/2024/06/cat-0042.jpg",
        headers: &headers,
    };
    let (ns, headers) = common::ns_per_call(iterations, |timestamp| {
        let added = signer
            .sign_headers(&request, EMPTY_SHA256, timestamp)
            .unwrap_or_else(|e| panic!("{e}"));
        added.iter().count()
    });
    println!("{ns:.0} ns per signature ({headers} headers)");
}
