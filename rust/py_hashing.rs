//! Python bindings of payload digests (`rust/hashing.rs`, `rust/checksum.rs`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::py_gil::{detach_if, RELEASE_GIL_FROM};

#[pyfunction]
pub(crate) fn sha256_hex(py: Python<'_>, data: &[u8]) -> String {
    detach_if(py, data.len() >= RELEASE_GIL_FROM, || {
        crate::hashing::sha256_hex(data)
    })
}

fn algorithm(name: &str) -> PyResult<crate::checksum::Algorithm> {
    crate::checksum::Algorithm::parse(name)
        .ok_or_else(|| PyValueError::new_err(format!("unknown checksum algorithm {name:?}")))
}

/// The digest (big-endian bytes) of `data` under the checksum `algorithm`.
#[pyfunction]
pub(crate) fn checksum_digest<'py>(
    py: Python<'py>,
    algorithm: &str,
    data: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let algorithm = self::algorithm(algorithm)?;
    let digest = detach_if(py, data.len() >= RELEASE_GIL_FROM, || {
        crate::checksum::digest(algorithm, data)
    });
    Ok(PyBytes::new(py, &digest))
}

/// A checksum computed a piece at a time (`update`, then `digest`).
#[pyclass(module = "httpx_auth._native", name = "Checksum")]
pub(crate) struct Checksum {
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
        detach_if(py, data.len() >= RELEASE_GIL_FROM, || inner.update(data));
    }

    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.digest())
    }
}
