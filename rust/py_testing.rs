//! The steps of a signature one by one, for the conformance tests only
//! (`httpx_auth._native.testing`): never used by the library itself.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyBytes;

use crate::py_headers::{pairs, triples};
use crate::sigv4_canon::{PathRules, Selection};

#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sigv4_canonical_request<'py>(
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
    let creq = crate::sigv4::canonical_request(
        method,
        target,
        pairs(&headers),
        |name| selection.selects(name),
        payload_hash,
        rules,
        &[],
    );
    Ok((
        PyBytes::new(py, &creq.bytes),
        String::from_utf8_lossy(creq.signed_headers()).into_owned(),
    ))
}

#[pyfunction]
pub(crate) fn sigv4_string_to_sign(
    amz_date: &str,
    scope: &str,
    canonical_request: &[u8],
) -> String {
    crate::sigv4::string_to_sign(amz_date, scope, canonical_request)
}
