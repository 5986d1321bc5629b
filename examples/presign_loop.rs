//! A micro loop over `presign_url`, the core's whole work for one `presign()` of a plain
//! URL: `cargo run --release --example presign_loop [iterations]`.

mod common;

const UNSIGNED: &str = "UNSIGNED-PAYLOAD";

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let signer = common::s3_signer(&["host"]);
    let url = "https://examplebucket.s3.eu-west-1.amazonaws.com/photos/2024/06/cat-0042.jpg";
    let (ns, bytes) = common::ns_per_call(iterations, |timestamp| {
        let presigned = signer
            .presign_url(url, "GET", UNSIGNED, timestamp, 900)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("not a plain URL"));
        presigned.len()
    });
    println!("{ns:.0} ns per presigned URL ({bytes} bytes)");
}
