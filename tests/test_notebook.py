"""docs/example.ipynb runs cleanly, from the repository root and from docs/, in a kernel on the
interpreter running the tests (so CI tests the notebook against the code it checked out)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from tests.helpers.lines import ROOT

NOTEBOOK = ROOT / "docs" / "example.ipynb"
KERNEL = "python3"


@pytest.fixture
def kernel_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec named python3 that runs this interpreter, found before any other.

    A machine may have another python3 kernel registered (a system Jupyter, another venv);
    JUPYTER_PATH is searched first, so the notebook runs on the code under test.
    """
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "ome-events tests", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    # jupyter_core warns (a DeprecationWarning, an error here) unless told to use platformdirs.
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return KERNEL


@pytest.mark.slow
@pytest.mark.parametrize("cwd", [ROOT, ROOT / "docs"], ids=["repo-root", "docs"])
def test_example_notebook_runs(kernel_here: str, cwd: Path) -> None:
    """Every cell runs without error and the tables and plots are in the outputs."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel_here,
        timeout=120,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()  # raises CellExecutionError when a cell fails
    outputs = [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]
    assert not [output for output in outputs if output.output_type == "error"]
    kinds = [set(output.get("data", {})) for output in outputs]
    assert sum("image/png" in kind for kind in kinds) >= 4
    html = "".join(output["data"].get("text/html", "") for output in outputs if "data" in output)
    assert 'class="ome-events"' in html  # the event table and the report
    assert "reconnect_loop" in html


def test_notebook_is_stored_without_outputs() -> None:
    """The committed notebook has no outputs: diffs stay readable and no log data leaks."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert notebook.metadata["kernelspec"]["name"] == KERNEL


@pytest.mark.slow
def test_progress_is_a_widget_in_a_notebook(kernel_here: str) -> None:
    """``to_dataframe(..., progress=True)`` in a kernel draws Rich's bar as a widget (not text
    on standard error), and the frame is complete."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from ome_events.jupyter import to_dataframe\n"
            "frame = to_dataframe('sample_logs/server-utc', progress=True)\n"
            "len(frame)"
        )
    ]
    client = NotebookClient(
        notebook, kernel_name=kernel_here, timeout=120, resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()
    outputs = notebook.cells[0].outputs
    assert not [o for o in outputs if o.output_type in ("error", "stream")], outputs
    kinds = {kind for o in outputs for kind in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" in kinds
    import ome_events

    count = sum(1 for _ in ome_events.read_events(ROOT / "sample_logs" / "server-utc"))
    assert [o["data"]["text/plain"] for o in outputs if o.output_type == "execute_result"] == [
        str(count)
    ]
