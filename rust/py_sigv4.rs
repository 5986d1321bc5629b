//! Python bindings of the SigV4 steps called one at a time: dates, signing keys,
//! signatures, aws-chunked signatures (`rust/sigv4*.rs`, `rust/signing_key.rs`),
//! and plain URL splitting (`rust/url.rs`). The signer is in `py_signer.rs`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::py_gil::{detach_if, RELEASE_GIL_FROM};

pub(crate) fn sigv4_error(error: crate::sigv4::Error) -> PyErr {
    PyValueError::new_err(error.to_string())
}

/// `(scheme, netloc, path?query)` of a URL httpx would send unchanged, else None.
#[pyfunction]
pub(crate) fn split_plain_url<'py>(
    py: Python<'py>,
    url: &str,
) -> Option<(String, String, Bound<'py, PyBytes>)> {
    crate::url::split_plain(url).map(|(scheme, netloc, target)| {
        (
            scheme.to_owned(),
            netloc.to_owned(),
            PyBytes::new(py, target.as_bytes()),
        )
    })
}

/// `YYYYMMDDTHHMMSSZ` of `timestamp` (S3 POST policies, aws-chunked uploads).
#[pyfunction]
pub(crate) fn sigv4_amz_date(timestamp: i64) -> PyResult<String> {
    crate::sigv4_stamp::amz_date(timestamp).map_err(sigv4_error)
}

/// The signing key of `date` (`YYYYMMDD`), region and service (cached).
#[pyfunction]
pub(crate) fn sigv4_signing_key<'py>(
    py: Python<'py>,
    secret_key: &str,
    date: &str,
    region: &str,
    service: &str,
) -> Bound<'py, PyBytes> {
    let key = crate::signing_key::signing_key(secret_key, date, region, service);
    PyBytes::new(py, &key)
}

/// Hex HMAC-SHA256 of `string_to_sign` under `signing_key`.
#[pyfunction]
pub(crate) fn sigv4_signature(signing_key: &[u8], string_to_sign: &str) -> String {
    crate::sigv4::signature(signing_key, string_to_sign)
}

/// The signature of one chunk of an aws-chunked upload.
#[pyfunction]
pub(crate) fn sigv4_chunk_signature(
    py: Python<'_>,
    signing_key: &[u8],
    amz_date: &str,
    scope: &str,
    previous: &str,
    data: &[u8],
) -> String {
    let signer = crate::sigv4_chunked::ChunkSigner {
        signing_key,
        amz_date,
        scope,
    };
    detach_if(py, data.len() >= RELEASE_GIL_FROM, || {
        signer.chunk(previous, data)
    })
}

/// The signature of the trailing headers of an aws-chunked upload.
#[pyfunction]
pub(crate) fn sigv4_trailer_signature(
    signing_key: &[u8],
    amz_date: &str,
    scope: &str,
    previous: &str,
    canonical_trailer: &[u8],
) -> String {
    let signer = crate::sigv4_chunked::ChunkSigner {
        signing_key,
        amz_date,
        scope,
    };
    signer.trailer(previous, canonical_trailer)
}
