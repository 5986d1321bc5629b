//! The compiled core of httpx_auth. Every concern lives in its own module as
//! plain Rust over `&str`/`&[u8]`; this file alone knows about Python.

pub mod hashing;
pub mod jwt;
pub mod pkce;

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

    #[pymodule]
    fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add_function(wrap_pyfunction!(sha256_hex, m)?)?;
        m.add_function(wrap_pyfunction!(pkce_s256_challenge, m)?)?;
        m.add_function(wrap_pyfunction!(jwt_exp, m)?)?;
        Ok(())
    }
}
