//! Signatures of an `aws-chunked` upload (S3 "Transferring Payload in Multiple
//! Chunks"): each chunk's signature covers its data and the previous signature, the
//! first one chaining from the request's (seed) signature; a signed trailer
//! (`x-amz-trailer-signature`) chains from the final, empty chunk's.

use sha2::{Digest, Sha256};

use crate::signing_key;
use crate::sigv4::hex32;

/// The first line of a chunk's string to sign.
pub const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
/// The first line of a trailer's string to sign.
pub const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";
/// Hex SHA-256 of nothing: the chunk "headers" S3 signs are always empty.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// What every signature of one upload shares.
pub struct ChunkSigner<'a> {
    pub signing_key: &'a [u8],
    pub amz_date: &'a str,
    pub scope: &'a str,
}

impl ChunkSigner<'_> {
    fn sign(&self, lines: &[&str]) -> String {
        let mut mac = signing_key::keyed(self.signing_key);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                hmac::Mac::update(&mut mac, b"\n");
            }
            hmac::Mac::update(&mut mac, line.as_bytes());
        }
        hex32(&hmac::Mac::finalize(mac).into_bytes().into())
            .as_str()
            .to_owned()
    }

    /// The signature of a chunk holding `data` (empty for the final chunk), following
    /// the signature `previous`.
    pub fn chunk(&self, previous: &str, data: &[u8]) -> String {
        let hash = hex32(&Sha256::digest(data).into());
        self.sign(&[
            CHUNK_ALGORITHM,
            self.amz_date,
            self.scope,
            previous,
            EMPTY_SHA256,
            hash.as_str(),
        ])
    }

    /// The signature of trailing headers, given as their canonical form
    /// (`name:value\n` per header), following the final chunk's signature `previous`.
    pub fn trailer(&self, previous: &str, canonical_trailer: &[u8]) -> String {
        let hash = hex32(&Sha256::digest(canonical_trailer).into());
        self.sign(&[
            TRAILER_ALGORITHM,
            self.amz_date,
            self.scope,
            previous,
            hash.as_str(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // S3 API reference, "Signature Calculations for the Authorization Header:
    // Transferring Payload in Multiple Chunks", Example: PUT Object.
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    fn example_signer(key: &[u8]) -> ChunkSigner<'_> {
        ChunkSigner {
            signing_key: key,
            amz_date: "20130524T000000Z",
            scope: "20130524/us-east-1/s3/aws4_request",
        }
    }

    #[test]
    fn reproduces_the_published_chunk_signatures() {
        let key = signing_key::derive(SECRET, "20130524", "us-east-1", "s3");
        let signer = example_signer(&key);
        let data = vec![b'a'; 66_560];
        let first = signer.chunk(SEED, &data[..65_536]);
        assert_eq!(
            first,
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
        );
        let second = signer.chunk(&first, &data[65_536..]);
        assert_eq!(
            second,
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
        );
        assert_eq!(
            signer.chunk(&second, b""),
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
        );
    }

    #[test]
    fn reproduces_the_published_trailer_signature() {
        // "... Including Trailing Headers", Example: PUT Object (seed 106e2a8a...).
        let key = signing_key::derive(SECRET, "20130524", "us-east-1", "s3");
        let final_chunk = "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992";
        let base = example_signer(&key).trailer(final_chunk, b"x-amz-checksum-crc32c:sOO8/Q==\n");
        assert_eq!(
            base,
            "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
        );
        let signer = example_signer(&key);
        assert_ne!(
            base,
            signer.trailer(SEED, b"x-amz-checksum-crc32c:sOO8/Q=\n")
        );
        assert_ne!(
            base,
            signer.trailer(&"0".repeat(64), b"x-amz-checksum-crc32c:sOO8/Q==\n")
        );
    }
}
