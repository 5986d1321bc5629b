//! Python bindings of the OAuth2 helpers: PKCE (`rust/pkce.rs`), JWT expiry
//! (`rust/jwt.rs`) and DPoP proofs (`rust/dpop.rs`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

fn value_error(error: impl ToString) -> PyErr {
    PyValueError::new_err(error.to_string())
}

#[pyfunction]
pub(crate) fn pkce_s256_challenge(verifier: &str) -> String {
    crate::pkce::s256_challenge(verifier)
}

#[pyfunction]
pub(crate) fn jwt_exp(token: &str) -> PyResult<Option<f64>> {
    crate::jwt::exp(token).map_err(value_error)
}

/// Signs DPoP proofs with one P-256 key (built once from its 32-byte private scalar).
#[pyclass(frozen, name = "DpopSigner", module = "httpx_auth._native")]
pub(crate) struct DpopSigner(crate::dpop::DpopSigner);

#[pymethods]
impl DpopSigner {
    #[new]
    fn new(private_scalar: &[u8]) -> PyResult<Self> {
        crate::dpop::DpopSigner::new(private_scalar)
            .map(DpopSigner)
            .map_err(value_error)
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
        self.0.proof(&claims).map_err(value_error)
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
