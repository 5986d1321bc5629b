//! The compiled core of httpx_auth. Every concern lives in its own module as
//! plain Rust over `&str`/`&[u8]`; this file alone knows about Python.

pub mod checksum;
pub mod dpop;
pub mod hashing;
pub mod jwt;
pub mod pkce;
pub mod signer;
pub mod signing_key;
pub mod sigv4;
pub mod sigv4_canon;
pub mod sigv4_chunked;
pub mod sigv4_presign;
pub mod url;

#[cfg(feature = "python")]
mod bindings {
    use pyo3::exceptions::PyValueError;
    use pyo3::prelude::*;

    /// Payloads at least this large are hashed with the GIL released, so
    /// other threads keep running (and can hash in parallel).
    const RELEASE_GIL_FROM: usize = 64 * 1024;

    #[pyfunction]
    fn sha256_hex(py: Python<'_>, data: &[u8]) -> String {
        if data.len() >= RELEASE_GIL_FROM {
            py.detach(|| crate::hashing::sha256_hex(data))
        } else {
            crate::hashing::sha256_hex(data)
        }
    }

    #[pyfunction]
    fn pkce_s256_challenge(verifier: &str) -> String {
        crate::pkce::s256_challenge(verifier)
    }

    #[pyfunction]
    fn jwt_exp(token: &str) -> PyResult<Option<f64>> {
        crate::jwt::exp(token).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    // --- AWS Signature Version 4 (rust/signer.rs, rust/sigv4*.rs, rust/signing_key.rs) ---
    // Headers travel as httpx stores them: (name, lowercase name, value) byte triples.

    use pyo3::exceptions::PyTypeError;
    use pyo3::pybacked::PyBackedStr;
    use pyo3::sync::PyOnceLock;
    use pyo3::types::{PyBytes, PyList, PyTuple};

    use crate::signer::{Credentials, OwnedSigner, Scope};
    use crate::sigv4::{AddedHeaders, Request};
    use crate::sigv4_canon::{PathRules, Selection};

    type Triple<'py> = (
        Bound<'py, PyTuple>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
    );

    fn triple<'py>(item: Bound<'py, PyAny>) -> PyResult<Triple<'py>> {
        let item = item.cast_into::<PyTuple>()?;
        if item.len() != 3 {
            return Err(PyTypeError::new_err(
                "headers must be (name, lowercase name, value) triples of bytes",
            ));
        }
        let name = item.get_item(1)?.cast_into::<PyBytes>()?;
        let value = item.get_item(2)?.cast_into::<PyBytes>()?;
        Ok((item, name, value))
    }

    /// The header triples of a list (as httpx keeps them) or any other sequence.
    fn triples<'py>(headers: &Bound<'py, PyAny>) -> PyResult<Vec<Triple<'py>>> {
        if let Ok(list) = headers.cast::<PyList>() {
            return list.iter().map(triple).collect();
        }
        let items: Vec<Bound<'py, PyAny>> = headers.extract()?;
        items.into_iter().map(triple).collect()
    }

    fn pairs<'a>(headers: &'a [Triple<'_>]) -> Vec<(&'a [u8], &'a [u8])> {
        headers
            .iter()
            .map(|(_, n, v)| (n.as_bytes(), v.as_bytes()))
            .collect()
    }

    fn sigv4_error(error: crate::sigv4::Error) -> PyErr {
        PyValueError::new_err(error.to_string())
    }

    /// The names of the headers a signature adds, made into Python bytes once.
    static HEADER_NAMES: PyOnceLock<Vec<Py<PyBytes>>> = PyOnceLock::new();

    /// The name to send an added header under: the request's own spelling when it
    /// had one (its value is replaced), else the signer's.
    fn added_name<'py>(
        py: Python<'py>,
        headers: &[Triple<'py>],
        added: &'static str,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        for (item, lower, _) in headers {
            if lower.as_bytes().eq_ignore_ascii_case(added.as_bytes()) {
                return Ok((item.get_item(0)?, lower.clone().into_any()));
            }
        }
        let names = HEADER_NAMES.get_or_init(py, || {
            AddedHeaders::NAMES
                .iter()
                .flat_map(|n| [n.to_string(), n.to_ascii_lowercase()])
                .map(|n| PyBytes::new(py, n.as_bytes()).unbind())
                .collect()
        });
        let at = AddedHeaders::NAMES
            .iter()
            .position(|n| *n == added)
            .unwrap_or(0);
        Ok((
            names[2 * at].bind(py).clone().into_any(),
            names[2 * at + 1].bind(py).clone().into_any(),
        ))
    }

    /// A SigV4 signer built once (credentials, scope, path rules, header selection)
    /// and called for every request with what changes: method, target, headers, time.
    #[pyclass(frozen, module = "httpx_auth._native")]
    struct SigV4Signer {
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
        #[pyo3(signature = (method, target, headers, payload_hash, timestamp))]
        fn sign_headers<'py>(
            &self,
            py: Python<'py>,
            method: &str,
            target: &[u8],
            headers: &Bound<'py, PyAny>,
            payload_hash: &str,
            timestamp: i64,
        ) -> PyResult<Bound<'py, PyList>> {
            let headers = triples(headers)?;
            let header_pairs = pairs(&headers);
            let request = Request {
                method,
                target,
                headers: &header_pairs,
            };
            let added = self
                .inner
                .sign_headers(&request, payload_hash, timestamp)
                .map_err(sigv4_error)?;
            let list = PyList::empty(py);
            for (item, name, _) in &headers {
                if !AddedHeaders::replaces(name.as_bytes()) {
                    list.append(item)?;
                }
            }
            for (added_header, value) in &added.headers {
                let (name, lower) = added_name(py, &headers, added_header)?;
                let value = PyBytes::new(py, value.as_bytes()).into_any();
                list.append(PyTuple::new(py, [name, lower, value])?)?;
            }
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
            let urls = if keys.len() >= RELEASE_GIL_FROM_KEYS {
                py.detach(run)
            } else {
                run()
            };
            urls.map_err(sigv4_error)
        }
    }

    /// `(scheme, netloc, path?query)` of a URL httpx would send unchanged, else None.
    #[pyfunction]
    fn split_plain_url<'py>(
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

    /// Batches at least this large are presigned with the GIL released.
    const RELEASE_GIL_FROM_KEYS: usize = 64;

    /// `YYYYMMDDTHHMMSSZ` of `timestamp` (S3 POST policies, aws-chunked uploads).
    #[pyfunction]
    fn sigv4_amz_date(timestamp: i64) -> PyResult<String> {
        crate::sigv4::amz_date(timestamp).map_err(sigv4_error)
    }

    /// The signing key of `date` (`YYYYMMDD`), region and service (cached).
    #[pyfunction]
    fn sigv4_signing_key<'py>(
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
    fn sigv4_signature(signing_key: &[u8], string_to_sign: &str) -> String {
        crate::sigv4::signature(signing_key, string_to_sign)
    }

    /// The steps of a signature one by one, for the conformance tests only
    /// (`httpx_auth._native.testing`): never used by the library itself.
    mod testing {
        use super::*;

        #[pyfunction]
        #[allow(clippy::too_many_arguments)]
        pub fn sigv4_canonical_request<'py>(
            py: Python<'py>,
            method: &str,
            target: &[u8],
            headers: &Bound<'py, PyAny>,
            include: Vec<PyBackedStr>,
            payload_hash: &str,
            normalize_path: bool,
            double_encode: bool,
        ) -> PyResult<(Bound<'py, PyBytes>, String)> {
            let headers = triples(headers)?;
            let selection = Selection::parse(&include);
            let rules = PathRules {
                normalize: normalize_path,
                double_encode,
            };
            let (creq, signed) = crate::sigv4::canonical_request(
                method,
                target,
                pairs(&headers),
                |name| selection.selects(name),
                payload_hash,
                rules,
                &[],
            );
            Ok((
                PyBytes::new(py, &creq),
                String::from_utf8_lossy(&signed).into_owned(),
            ))
        }

        #[pyfunction]
        pub fn sigv4_string_to_sign(
            amz_date: &str,
            scope: &str,
            canonical_request: &[u8],
        ) -> String {
            crate::sigv4::string_to_sign(amz_date, scope, canonical_request)
        }
    }

    // --- DPoP proofs (rust/dpop.rs) ---

    /// Signs DPoP proofs with one P-256 key (built once from its 32-byte private scalar).
    #[pyclass(frozen, name = "DpopSigner", module = "httpx_auth._native")]
    struct DpopSigner(crate::dpop::DpopSigner);

    #[pymethods]
    impl DpopSigner {
        #[new]
        fn new(private_scalar: &[u8]) -> PyResult<Self> {
            crate::dpop::DpopSigner::new(private_scalar)
                .map(DpopSigner)
                .map_err(|e| PyValueError::new_err(e.to_string()))
        }

        #[pyo3(signature = (htm, htu, iat, *, nonce=None, access_token=None, jti=None))]
        fn proof(
            &self,
            htm: &str,
            htu: &str,
            iat: i64,
            nonce: Option<&str>,
            access_token: Option<&str>,
            jti: Option<&str>,
        ) -> PyResult<String> {
            let claims = crate::dpop::Claims {
                htm,
                htu,
                iat,
                jti,
                nonce,
                access_token,
            };
            self.0
                .proof(&claims)
                .map_err(|e| PyValueError::new_err(e.to_string()))
        }

        #[getter]
        fn public_jwk(&self) -> &str {
            self.0.public_jwk()
        }

        #[getter]
        fn thumbprint(&self) -> String {
            self.0.thumbprint()
        }

        fn __repr__(&self) -> String {
            format!("DpopSigner(thumbprint={:?})", self.0.thumbprint())
        }
    }

    // --- S3 checksums and aws-chunked signatures (rust/checksum.rs, rust/sigv4_chunked.rs) ---

    fn algorithm(name: &str) -> PyResult<crate::checksum::Algorithm> {
        crate::checksum::Algorithm::parse(name)
            .ok_or_else(|| PyValueError::new_err(format!("unknown checksum algorithm {name:?}")))
    }

    /// The digest (big-endian bytes) of `data` under the checksum `algorithm`.
    #[pyfunction]
    fn checksum_digest<'py>(
        py: Python<'py>,
        algorithm: &str,
        data: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        let algorithm = self::algorithm(algorithm)?;
        let run = || crate::checksum::digest(algorithm, data);
        let digest = if data.len() >= RELEASE_GIL_FROM {
            py.detach(run)
        } else {
            run()
        };
        Ok(PyBytes::new(py, &digest))
    }

    /// A checksum computed a piece at a time (`update`, then `digest`).
    #[pyclass(module = "httpx_auth._native", name = "Checksum")]
    struct Checksum {
        inner: crate::checksum::Checksum,
    }

    #[pymethods]
    impl Checksum {
        #[new]
        fn new(algorithm: &str) -> PyResult<Self> {
            Ok(Checksum {
                inner: crate::checksum::Checksum::new(self::algorithm(algorithm)?),
            })
        }

        fn update(&mut self, py: Python<'_>, data: &[u8]) {
            let inner = &mut self.inner;
            if data.len() >= RELEASE_GIL_FROM {
                py.detach(|| inner.update(data));
            } else {
                inner.update(data);
            }
        }

        fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
            PyBytes::new(py, &self.inner.digest())
        }
    }

    /// The signature of one chunk of an aws-chunked upload.
    #[pyfunction]
    fn sigv4_chunk_signature(
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
        if data.len() >= RELEASE_GIL_FROM {
            py.detach(|| signer.chunk(previous, data))
        } else {
            signer.chunk(previous, data)
        }
    }

    /// The signature of the trailing headers of an aws-chunked upload.
    #[pyfunction]
    fn sigv4_trailer_signature(
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

    #[pymodule]
    fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
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
        test_only.add_function(wrap_pyfunction!(
            testing::sigv4_canonical_request,
            &test_only
        )?)?;
        test_only.add_function(wrap_pyfunction!(testing::sigv4_string_to_sign, &test_only)?)?;
        m.add_submodule(&test_only)?;
        Ok(())
    }
}
