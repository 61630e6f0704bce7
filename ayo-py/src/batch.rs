//! `with t.batch():` — the core's begin_batch/end_batch as a context manager.

use pyo3::prelude::*;
use pyo3::types::PyAny;

use crate::call::{call, write};
use crate::tickets::PyTickets;

/// Groups the writes of this thread into one transaction: committed on a clean exit,
/// dropped when the block raises. Batches nest.
#[pyclass(frozen, module = "ayo_tickets", name = "Batch")]
pub struct PyBatch {
    /// The handle the batch belongs to.
    pub tickets: Py<PyTickets>,
}

#[pymethods]
impl PyBatch {
    /// Opens the batch and gives the handle back.
    fn __enter__(&self, py: Python<'_>) -> PyResult<Py<PyTickets>> {
        let t = self.tickets.get();
        call(py, || t.core.begin_batch())?;
        Ok(self.tickets.clone_ref(py))
    }

    /// Commits when the block ended cleanly, drops the writes when it raised; never swallows
    /// the exception.
    #[pyo3(signature = (exc_type, exc_value, traceback))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyAny>>,
        exc_value: Option<&Bound<'_, PyAny>>,
        traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let _ = (exc_value, traceback);
        let commit = exc_type.is_none();
        let t = self.tickets.get();
        write(py, || t.core.end_batch(commit))
    }
}
