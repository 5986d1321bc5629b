//! The compiled core of httpx_auth. Every concern lives in its own module as
//! plain Rust over `&str`/`&[u8]`; only the `py_*` modules know about Python,
//! and this file registers what they bind as `httpx_auth._native`.

pub mod checksum;
pub mod dpop;
pub mod hashing;
pub mod jwt;
pub mod pkce;
pub mod signer;
pub mod signing_key;
pub mod sigv4;
pub mod sigv4_canon;
pub mod sigv4_canon_headers;
pub mod sigv4_chunked;
pub mod sigv4_encoding;
pub mod sigv4_headers;
pub mod sigv4_presign;
pub mod sigv4_stamp;
pub mod url;

#[cfg(feature = "python")]
mod py_gil;
#[cfg(feature = "python")]
mod py_hashing;
#[cfg(feature = "python")]
mod py_headers;
#[cfg(feature = "python")]
mod py_oauth2;
#[cfg(feature = "python")]
mod py_signer;
#[cfg(feature = "python")]
mod py_sigv4;
#[cfg(feature = "python")]
mod py_testing;

#[cfg(feature = "python")]
#[pyo3::pymodule]
fn _native(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
    use pyo3::prelude::*;
    use pyo3::wrap_pyfunction;

    use crate::py_hashing::{checksum_digest, sha256_hex, Checksum};
    use crate::py_oauth2::{jwt_exp, pkce_s256_challenge, DpopSigner};
    use crate::py_signer::SigV4Signer;
    use crate::py_sigv4::{
        sigv4_amz_date, sigv4_chunk_signature, sigv4_signature, sigv4_signing_key,
        sigv4_trailer_signature, split_plain_url,
    };
    use crate::py_testing::{sigv4_canonical_request, sigv4_string_to_sign};

    m.add_class::<DpopSigner>()?;
    m.add_function(wrap_pyfunction!(sha256_hex, m)?)?;
    m.add_function(wrap_pyfunction!(pkce_s256_challenge, m)?)?;
    m.add_function(wrap_pyfunction!(jwt_exp, m)?)?;
    m.add_function(wrap_pyfunction!(split_plain_url, m)?)?;
    m.add_class::<SigV4Signer>()?;
    m.add_function(wrap_pyfunction!(sigv4_amz_date, m)?)?;
    m.add_function(wrap_pyfunction!(sigv4_signing_key, m)?)?;
    m.add_function(wrap_pyfunction!(sigv4_signature, m)?)?;
    m.add_function(wrap_pyfunction!(checksum_digest, m)?)?;
    m.add_class::<Checksum>()?;
    m.add_function(wrap_pyfunction!(sigv4_chunk_signature, m)?)?;
    m.add_function(wrap_pyfunction!(sigv4_trailer_signature, m)?)?;
    let test_only = PyModule::new(m.py(), "testing")?;
    test_only.add_function(wrap_pyfunction!(sigv4_canonical_request, &test_only)?)?;
    test_only.add_function(wrap_pyfunction!(sigv4_string_to_sign, &test_only)?)?;
    m.add_submodule(&test_only)?;
    Ok(())
}
