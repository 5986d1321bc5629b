//! The checksums S3 checks in `x-amz-checksum-*`: CRC32, CRC32C, CRC64NVME (SIMD,
//! from `crc-fast`), SHA-1 and SHA-256 (RustCrypto). A digest is the big-endian
//! bytes of the value, which S3 sends base64-encoded.

use crc_fast::{CrcAlgorithm, Digest as CrcDigest};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// One of the checksum algorithms S3 accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
}

impl Algorithm {
    /// Every algorithm, by its S3 name (lowercase, as in `x-amz-checksum-<name>`).
    pub const NAMES: [(&'static str, Algorithm); 5] = [
        ("crc32", Algorithm::Crc32),
        ("crc32c", Algorithm::Crc32c),
        ("crc64nvme", Algorithm::Crc64Nvme),
        ("sha1", Algorithm::Sha1),
        ("sha256", Algorithm::Sha256),
    ];

    /// The algorithm named `name` (case-insensitive), if S3 knows it.
    pub fn parse(name: &str) -> Option<Algorithm> {
        Self::NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, algorithm)| *algorithm)
    }
}

/// A checksum computed a piece at a time.
#[derive(Clone)]
pub enum Checksum {
    Crc(CrcDigest, usize),
    Sha1(Sha1),
    Sha256(Sha256),
}

impl Checksum {
    pub fn new(algorithm: Algorithm) -> Checksum {
        match algorithm {
            Algorithm::Crc32 => Checksum::Crc(CrcDigest::new(CrcAlgorithm::Crc32IsoHdlc), 4),
            Algorithm::Crc32c => Checksum::Crc(CrcDigest::new(CrcAlgorithm::Crc32Iscsi), 4),
            Algorithm::Crc64Nvme => Checksum::Crc(CrcDigest::new(CrcAlgorithm::Crc64Nvme), 8),
            Algorithm::Sha1 => Checksum::Sha1(Sha1::new()),
            Algorithm::Sha256 => Checksum::Sha256(Sha256::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Checksum::Crc(digest, _) => digest.update(data),
            Checksum::Sha1(hash) => hash.update(data),
            Checksum::Sha256(hash) => hash.update(data),
        }
    }

    /// The digest of everything given so far (the state is kept: more may follow).
    pub fn digest(&self) -> Vec<u8> {
        match self {
            Checksum::Crc(digest, width) => digest.finalize().to_be_bytes()[8 - width..].to_vec(),
            Checksum::Sha1(hash) => hash.clone().finalize().to_vec(),
            Checksum::Sha256(hash) => hash.clone().finalize().to_vec(),
        }
    }
}

/// The digest of `data` under `algorithm`.
pub fn digest(algorithm: Algorithm, data: &[u8]) -> Vec<u8> {
    let mut checksum = Checksum::new(algorithm);
    checksum.update(data);
    checksum.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex_of(algorithm: Algorithm, data: &[u8]) -> String {
        hex::encode(digest(algorithm, data))
    }

    #[test]
    fn check_values_of_the_crc_catalogue() {
        // The "check" value of each CRC: its result over the ASCII string "123456789".
        assert_eq!(hex_of(Algorithm::Crc32, b"123456789"), "cbf43926");
        assert_eq!(hex_of(Algorithm::Crc32c, b"123456789"), "e3069283");
        assert_eq!(
            hex_of(Algorithm::Crc64Nvme, b"123456789"),
            "ae8b14860a799888"
        );
    }

    #[test]
    fn hashes_match_fips_180() {
        assert_eq!(
            hex_of(Algorithm::Sha1, b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex_of(Algorithm::Sha256, b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn pieces_give_the_digest_of_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for (_, algorithm) in Algorithm::NAMES {
            let mut checksum = Checksum::new(algorithm);
            for piece in data.chunks(9_973) {
                checksum.update(piece);
            }
            assert_eq!(checksum.digest(), digest(algorithm, &data), "{algorithm:?}");
        }
    }

    #[test]
    fn empty_input_digests() {
        assert_eq!(hex_of(Algorithm::Crc32, b""), "00000000");
        assert_eq!(hex_of(Algorithm::Crc64Nvme, b""), "0000000000000000");
    }

    #[test]
    fn names_parse_case_insensitively() {
        assert_eq!(Algorithm::parse("CRC64NVME"), Some(Algorithm::Crc64Nvme));
        assert_eq!(Algorithm::parse("md5"), None);
    }
}
