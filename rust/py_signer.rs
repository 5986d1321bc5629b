//! The Python binding of the SigV4 signer (`rust/signer.rs`): built once, then
//! called for every request with header triples (`py_headers.rs`).

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::py_gil::{detach_if, RELEASE_GIL_FROM_KEYS};
use crate::py_headers::{added_name, pairs, triples};
use crate::py_sigv4::sigv4_error;
use crate::signer::{Credentials, OwnedSigner, Scope};
use crate::sigv4::Request;
use crate::sigv4_canon::{PathRules, Selection};
use crate::sigv4_headers::AddedHeaders;

/// A SigV4 signer built once (credentials, scope, path rules, header selection)
/// and called for every request with what changes: method, target, headers, time.
#[pyclass(frozen, module = "httpx_auth._native")]
pub(crate) struct SigV4Signer {
    inner: OwnedSigner,
}

fn credentials(
    access_id: String,
    secret_key: String,
    security_token: Option<String>,
) -> Credentials {
    Credentials {
        access_id,
        secret_key,
        security_token,
    }
}

#[pymethods]
impl SigV4Signer {
    #[new]
    #[pyo3(signature = (*, access_id, secret_key, security_token, region, service, include, normalize_path, double_encode, content_sha256))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        access_id: String,
        secret_key: String,
        security_token: Option<String>,
        region: String,
        service: String,
        include: Vec<PyBackedStr>,
        normalize_path: bool,
        double_encode: bool,
        content_sha256: bool,
    ) -> Self {
        let scope = Scope {
            region,
            service,
            path: PathRules {
                normalize: normalize_path,
                double_encode,
            },
            selection: Selection::parse(&include),
            content_sha256,
        };
        let credentials = credentials(access_id, secret_key, security_token);
        SigV4Signer {
            inner: OwnedSigner::new(credentials, scope),
        }
    }

    /// The same signer with other credentials.
    fn with_credentials(
        &self,
        access_id: String,
        secret_key: String,
        security_token: Option<String>,
    ) -> Self {
        let credentials = credentials(access_id, secret_key, security_token);
        SigV4Signer {
            inner: self.inner.with_credentials(credentials),
        }
    }

    fn __repr__(&self) -> String {
        let scope = self.inner.scope();
        format!(
            "SigV4Signer(access_id='{}', region='{}', service='{}')",
            self.inner.credentials().access_id,
            scope.region,
            scope.service
        )
    }

    /// The request's headers once signed: those it had (minus any the signature
    /// replaces), then the signature's own.
    // `PyBackedStr`, not `&str`: under the abi3-py39 limited API a `&str` argument is
    // copied into a Rust `String` (the UTF-8 `bytes` Python makes is kept instead).
    #[pyo3(signature = (method, target, headers, payload_hash, timestamp))]
    fn sign_headers<'py>(
        &self,
        py: Python<'py>,
        method: PyBackedStr,
        target: &[u8],
        headers: &Bound<'py, PyAny>,
        payload_hash: PyBackedStr,
        timestamp: i64,
    ) -> PyResult<Bound<'py, PyList>> {
        let headers = triples(headers)?;
        let header_pairs = pairs(&headers);
        let request = Request {
            method: &method,
            target,
            headers: &header_pairs,
        };
        let added = self
            .inner
            .sign_headers(&request, &payload_hash, timestamp)
            .map_err(sigv4_error)?;
        // The list is made at its final length: no append ever grows it.
        let kept = headers
            .iter()
            .filter(|(_, name, _)| !AddedHeaders::replaces(name.as_bytes()))
            .map(|(item, _, _)| Ok(item.clone().into_any()));
        let set = added.iter().map(|(added_header, value)| {
            let (name, lower) = added_name(py, &headers, added_header)?;
            let value = PyBytes::new(py, value).into_any();
            Ok(PyTuple::new(py, [name, lower, value])?.into_any())
        });
        let items: Vec<Bound<'py, PyAny>> = kept.chain(set).collect::<PyResult<_>>()?;
        let list = PyList::new(py, items)?;
        Ok(list)
    }

    /// The presigned URL: `origin` + `target` (`path?query`) with the presign
    /// parameters, signing `host` (unless None) and every header given.
    #[pyo3(signature = (*, method, origin, host, target, headers, payload_hash, timestamp, expires_in))]
    #[allow(clippy::too_many_arguments)]
    fn presign<'py>(
        &self,
        method: &str,
        origin: &str,
        host: Option<&str>,
        target: &[u8],
        headers: &Bound<'py, PyAny>,
        payload_hash: &str,
        timestamp: i64,
        expires_in: i64,
    ) -> PyResult<String> {
        if let (Some(host), true) = (host, headers.len()? == 0) {
            return self
                .inner
                .presign_on_host(
                    origin,
                    host,
                    method,
                    target,
                    payload_hash,
                    timestamp,
                    expires_in,
                )
                .map_err(sigv4_error);
        }
        let headers = triples(headers)?;
        let mut header_pairs = Vec::with_capacity(headers.len() + 1);
        if let Some(host) = host {
            header_pairs.push((&b"host"[..], host.as_bytes()));
        }
        header_pairs.extend(pairs(&headers));
        let request = Request {
            method,
            target,
            headers: &header_pairs,
        };
        let target = self
            .inner
            .presign(&request, payload_hash, timestamp, expires_in)
            .map_err(sigv4_error)?;
        let mut url = String::with_capacity(origin.len() + target.len());
        url.push_str(origin);
        url.push_str(&String::from_utf8_lossy(&target));
        Ok(url)
    }

    /// `url` presigned signing its host only, when it is plain (`rust/url.rs`);
    /// `None` when the caller must parse it and call `presign`.
    #[pyo3(signature = (url, method, payload_hash, timestamp, expires_in))]
    fn presign_url(
        &self,
        url: &str,
        method: &str,
        payload_hash: &str,
        timestamp: i64,
        expires_in: i64,
    ) -> PyResult<Option<String>> {
        self.inner
            .presign_url(url, method, payload_hash, timestamp, expires_in)
            .map_err(sigv4_error)
    }

    /// One presigned URL per object key, under `origin` + `base_path`.
    #[pyo3(signature = (*, method, origin, host, base_path, base_query, keys, payload_hash, timestamp, expires_in))]
    #[allow(clippy::too_many_arguments)]
    fn presign_keys(
        &self,
        py: Python<'_>,
        method: &str,
        origin: &str,
        host: &str,
        base_path: &[u8],
        base_query: &[u8],
        keys: Vec<PyBackedStr>,
        payload_hash: &str,
        timestamp: i64,
        expires_in: i64,
    ) -> PyResult<Vec<String>> {
        use crate::sigv4_presign::KeyBase;
        let base = KeyBase {
            method,
            origin,
            host,
            base_path,
            base_query,
        };
        let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        let run = || {
            self.inner
                .presign_keys(&base, &keys, payload_hash, timestamp, expires_in)
        };
        detach_if(py, keys.len() >= RELEASE_GIL_FROM_KEYS, run).map_err(sigv4_error)
    }
}
