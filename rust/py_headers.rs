//! Request headers as httpx stores them, (name, lowercase name, value) byte
//! triples, read for signing and written back with the signature's headers.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::sigv4_headers::AddedHeaders;

pub(crate) type Triple<'py> = (
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
pub(crate) fn triples<'py>(headers: &Bound<'py, PyAny>) -> PyResult<Vec<Triple<'py>>> {
    if let Ok(list) = headers.cast::<PyList>() {
        return list.iter().map(triple).collect();
    }
    let items: Vec<Bound<'py, PyAny>> = headers.extract()?;
    items.into_iter().map(triple).collect()
}

pub(crate) fn pairs<'a>(headers: &'a [Triple<'_>]) -> Vec<(&'a [u8], &'a [u8])> {
    headers
        .iter()
        .map(|(_, n, v)| (n.as_bytes(), v.as_bytes()))
        .collect()
}

/// The names of the headers a signature adds, made into Python bytes once.
static HEADER_NAMES: PyOnceLock<Vec<Py<PyBytes>>> = PyOnceLock::new();

/// The name to send an added header under: the request's own spelling when it
/// had one (its value is replaced), else the signer's.
pub(crate) fn added_name<'py>(
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
