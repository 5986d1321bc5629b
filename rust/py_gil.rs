//! When a binding releases the GIL: only for work long enough that other
//! Python threads gain more than the release and reacquire cost.

use pyo3::marker::Ungil;
use pyo3::Python;

/// Payloads at least this large are hashed with the GIL released, so
/// other threads keep running (and can hash in parallel).
pub(crate) const RELEASE_GIL_FROM: usize = 64 * 1024;

/// Batches at least this large are presigned with the GIL released.
pub(crate) const RELEASE_GIL_FROM_KEYS: usize = 64;

/// `run()`, with the GIL released when the work is `large`.
pub(crate) fn detach_if<T: Ungil>(
    py: Python<'_>,
    large: bool,
    run: impl Ungil + FnOnce() -> T,
) -> T {
    if large {
        py.detach(run)
    } else {
        run()
    }
}
