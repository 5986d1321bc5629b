//! A micro loop over DPoP proof creation, and over `ring`'s ES256 signature alone, to see
//! how much of a proof is the signature: `cargo run --release --example dpop_loop [iterations]`.

use std::time::Instant;

use _native::dpop::{Claims, DpopSigner};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

fn per_call(iterations: u32, mut work: impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    let mut total = 0usize;
    for _ in 0..iterations {
        total += work();
    }
    assert!(total > 0);
    start.elapsed().as_secs_f64() / f64::from(iterations) * 1e6
}

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let signer = DpopSigner::new(&[7u8; 32]).unwrap_or_else(|e| panic!("{e}"));
    let claims = Claims {
        htm: "GET",
        htu: "https://api.example.com/v1/accounts/42/transactions",
        iat: 1_717_243_200,
        jti: None,
        nonce: None,
        access_token: Some("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzdmMifQ.c2lnbmF0dXJl"),
    };
    let proof = per_call(iterations, || {
        signer.proof(&claims).map(|p| p.len()).unwrap_or(0)
    });

    let random = SystemRandom::new();
    let document = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &random)
        .unwrap_or_else(|e| panic!("{e}"));
    let key =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, document.as_ref(), &random)
            .unwrap_or_else(|e| panic!("{e}"));
    let message = [b'x'; 300];
    let signature = per_call(iterations, || {
        key.sign(&random, &message)
            .map(|s| s.as_ref().len())
            .unwrap_or(0)
    });
    println!("proof {proof:.2} us, ring ES256 signature alone {signature:.2} us");
}
