//! The compiled core of httpx_auth. Every concern lives in its own module as
//! plain Rust over `&str`/`&[u8]`; this file alone knows about Python.

pub mod checksum;
pub mod hashing;
pub mod jwt;
pub mod pkce;
pub mod signing_key;
pub mod sigv4;
pub mod sigv4_canon;
pub mod sigv4_chunked;
pub mod sigv4_presign;

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

    // --- AWS Signature Version 4 (rust/sigv4*.rs, rust/signing_key.rs) ---
    // Headers travel as httpx stores them: (name, lowercase name, value) byte triples.

    use pyo3::exceptions::PyTypeError;
    use pyo3::pybacked::PyBackedStr;
    use pyo3::sync::PyOnceLock;
    use pyo3::types::{PyBytes, PyList, PyTuple};

    type Triple<'py> = (
        Bound<'py, PyTuple>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
    );

    fn triples<'py>(headers: Vec<Bound<'py, PyTuple>>) -> PyResult<Vec<Triple<'py>>> {
        headers
            .into_iter()
            .map(|item| {
                if item.len() != 3 {
                    return Err(PyTypeError::new_err(
                        "headers must be (name, lowercase name, value) triples of bytes",
                    ));
                }
                let name = item.get_item(1)?.cast_into::<PyBytes>()?;
                let value = item.get_item(2)?.cast_into::<PyBytes>()?;
                Ok((item, name, value))
            })
            .collect()
    }

    fn pairs<'a>(headers: &'a [Triple<'_>]) -> Vec<(&'a [u8], &'a [u8])> {
        headers
            .iter()
            .map(|(_, n, v)| (n.as_bytes(), v.as_bytes()))
            .collect()
    }

    fn path_rules(normalize: bool, double_encode: bool) -> crate::sigv4_canon::PathRules {
        crate::sigv4_canon::PathRules {
            normalize,
            double_encode,
        }
    }

    fn sigv4_error(error: crate::sigv4::Error) -> PyErr {
        PyValueError::new_err(error.to_string())
    }

    /// The names of the headers a signature adds, made into Python bytes once.
    static HEADER_NAMES: PyOnceLock<Vec<(Py<PyBytes>, Py<PyBytes>)>> = PyOnceLock::new();

    fn header_names<'py>(
        py: Python<'py>,
        name: &str,
        lower: &str,
    ) -> (Bound<'py, PyAny>, Bound<'py, PyAny>) {
        let names = HEADER_NAMES.get_or_init(py, || {
            crate::sigv4::AddedHeaders::NAMES
                .iter()
                .map(|(n, l)| {
                    (
                        PyBytes::new(py, n.as_bytes()).unbind(),
                        PyBytes::new(py, l.as_bytes()).unbind(),
                    )
                })
                .collect()
        });
        match names
            .iter()
            .find(|(_, l)| l.as_bytes(py) == lower.as_bytes())
        {
            Some((n, l)) => (n.bind(py).clone().into_any(), l.bind(py).clone().into_any()),
            None => (
                PyBytes::new(py, name.as_bytes()).into_any(),
                PyBytes::new(py, lower.as_bytes()).into_any(),
            ),
        }
    }

    #[pyfunction]
    fn sigv4_amz_date(timestamp: i64) -> PyResult<String> {
        crate::sigv4::amz_date(timestamp).map_err(sigv4_error)
    }

    #[pyfunction]
    fn sigv4_signing_key<'py>(
        py: Python<'py>,
        secret_key: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> Bound<'py, PyBytes> {
        PyBytes::new(
            py,
            &crate::signing_key::signing_key(secret_key, date, region, service),
        )
    }

    #[pyfunction]
    #[allow(clippy::too_many_arguments)]
    fn sigv4_canonical_request<'py>(
        py: Python<'py>,
        method: &str,
        target: &[u8],
        headers: Vec<Bound<'py, PyTuple>>,
        include: Vec<PyBackedStr>,
        payload_hash: &str,
        normalize_path: bool,
        double_encode: bool,
    ) -> PyResult<(Bound<'py, PyBytes>, String)> {
        let headers = triples(headers)?;
        let selection = crate::sigv4_canon::Selection::parse(&include);
        let (creq, signed) = crate::sigv4::canonical_request(
            method,
            target,
            pairs(&headers),
            |name| selection.selects(name),
            payload_hash,
            path_rules(normalize_path, double_encode),
            &[],
        );
        Ok((
            PyBytes::new(py, &creq),
            String::from_utf8_lossy(&signed).into_owned(),
        ))
    }

    #[pyfunction]
    fn sigv4_string_to_sign(amz_date: &str, scope: &str, canonical_request: &[u8]) -> String {
        crate::sigv4::string_to_sign(amz_date, scope, canonical_request)
    }

    #[pyfunction]
    fn sigv4_signature(signing_key: &[u8], string_to_sign: &str) -> String {
        crate::sigv4::signature(signing_key, string_to_sign)
    }

    #[pyfunction]
    #[allow(clippy::too_many_arguments)]
    fn sigv4_sign_headers<'py>(
        py: Python<'py>,
        method: &str,
        target: &[u8],
        headers: Vec<Bound<'py, PyTuple>>,
        include: Vec<PyBackedStr>,
        payload_hash: &str,
        content_sha256: bool,
        access_id: &str,
        secret_key: &str,
        security_token: Option<&str>,
        region: &str,
        service: &str,
        timestamp: i64,
        normalize_path: bool,
        double_encode: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        use crate::sigv4::{sign_headers, AddedHeaders, Request, Signer};
        let headers = triples(headers)?;
        let header_pairs = pairs(&headers);
        let request = Request {
            method,
            target,
            headers: &header_pairs,
        };
        let signer = Signer {
            access_id,
            secret_key,
            security_token,
            region,
            service,
            path: path_rules(normalize_path, double_encode),
        };
        let selection = crate::sigv4_canon::Selection::parse(&include);
        let added = sign_headers(
            &request,
            &selection,
            payload_hash,
            content_sha256,
            &signer,
            timestamp,
        )
        .map_err(sigv4_error)?;
        let kept = headers
            .iter()
            .filter(|(_, name, _)| !AddedHeaders::replaces(name.as_bytes()))
            .map(|(item, _, _)| item.clone().into_any());
        let new = added.headers.iter().map(|(name, lower, value)| {
            let (name, lower) = header_names(py, name, lower);
            let value = PyBytes::new(py, value.as_bytes()).into_any();
            PyTuple::new(py, [name, lower, value]).map(Bound::into_any)
        });
        let mut items = kept.collect::<Vec<_>>();
        for triple in new {
            items.push(triple?);
        }
        PyList::new(py, items)
    }

    #[pyfunction]
    #[allow(clippy::too_many_arguments)]
    fn sigv4_presign<'py>(
        py: Python<'py>,
        method: &str,
        target: &[u8],
        headers: Vec<Bound<'py, PyTuple>>,
        include: Vec<PyBackedStr>,
        payload_hash: &str,
        access_id: &str,
        secret_key: &str,
        security_token: Option<&str>,
        region: &str,
        service: &str,
        timestamp: i64,
        expires_in: i64,
        normalize_path: bool,
        double_encode: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        use crate::sigv4::{Request, Signer};
        use crate::sigv4_presign::presign;
        let headers = triples(headers)?;
        let header_pairs = pairs(&headers);
        let request = Request {
            method,
            target,
            headers: &header_pairs,
        };
        let signer = Signer {
            access_id,
            secret_key,
            security_token,
            region,
            service,
            path: path_rules(normalize_path, double_encode),
        };
        let selection = crate::sigv4_canon::Selection::parse(&include);
        let target = presign(
            &request,
            &selection,
            payload_hash,
            &signer,
            timestamp,
            expires_in,
        )
        .map_err(sigv4_error)?;
        Ok(PyBytes::new(py, &target))
    }

    /// Batches at least this large are presigned with the GIL released.
    const RELEASE_GIL_FROM_KEYS: usize = 64;

    #[pyfunction]
    #[allow(clippy::too_many_arguments)]
    fn sigv4_presign_keys(
        py: Python<'_>,
        method: &str,
        origin: &str,
        host: &str,
        base_path: &[u8],
        base_query: &[u8],
        keys: Vec<PyBackedStr>,
        payload_hash: &str,
        access_id: &str,
        secret_key: &str,
        security_token: Option<&str>,
        region: &str,
        service: &str,
        timestamp: i64,
        expires_in: i64,
        normalize_path: bool,
        double_encode: bool,
    ) -> PyResult<Vec<String>> {
        use crate::sigv4::Signer;
        use crate::sigv4_presign::{presign_keys, KeyBase};
        let base = KeyBase {
            method,
            origin,
            host,
            base_path,
            base_query,
        };
        let signer = Signer {
            access_id,
            secret_key,
            security_token,
            region,
            service,
            path: path_rules(normalize_path, double_encode),
        };
        let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        let run = || presign_keys(&base, &keys, payload_hash, &signer, timestamp, expires_in);
        let urls = if keys.len() >= RELEASE_GIL_FROM_KEYS {
            py.detach(run)
        } else {
            run()
        };
        urls.map_err(sigv4_error)
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
        m.add_function(wrap_pyfunction!(sha256_hex, m)?)?;
        m.add_function(wrap_pyfunction!(pkce_s256_challenge, m)?)?;
        m.add_function(wrap_pyfunction!(jwt_exp, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_amz_date, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_signing_key, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_canonical_request, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_string_to_sign, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_signature, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_sign_headers, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_presign, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_presign_keys, m)?)?;
        m.add_function(wrap_pyfunction!(checksum_digest, m)?)?;
        m.add_class::<Checksum>()?;
        m.add_function(wrap_pyfunction!(sigv4_chunk_signature, m)?)?;
        m.add_function(wrap_pyfunction!(sigv4_trailer_signature, m)?)?;
        Ok(())
    }
}
