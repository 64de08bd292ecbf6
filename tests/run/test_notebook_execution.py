"""pipeline.execute_notebook: the executed notebook is written once, when it has run, and a failed one is still kept."""
from __future__ import annotations

from pathlib import Path

import nbformat
import papermill.iorw
import pytest

from helpers.errors import InputError
from helpers.run import pipeline, warm_kernel


def write_notebook(path: Path, *sources: str) -> Path:
    cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"}}
    nbformat.write(nbformat.v4.new_notebook(cells=cells + [nbformat.v4.new_code_cell(s) for s in sources],
                                            metadata=metadata), path)
    return path


@pytest.fixture
def writes(monkeypatch):
    """The paths Papermill writes notebooks to, one entry per write."""
    written: list[str] = []
    write = papermill.iorw.papermill_io.write

    def spy(buf, path, *args, **kwargs):
        written.append(str(path))
        return write(buf, path, *args, **kwargs)

    monkeypatch.setattr(papermill.iorw.papermill_io, "write", spy)
    yield written
    warm_kernel.discard()


def test_the_executed_notebook_is_written_once_with_every_output(tmp_path, writes):
    notebook = write_notebook(tmp_path / "in.ipynb", "print(x + 1)", "print('two')", "print('three')")
    output = tmp_path / "out.ipynb"
    pipeline.execute_notebook(output, {"x": 41}, notebook=notebook)
    assert writes == [str(output)]  # not once per cell start and end as well
    ran = nbformat.read(output, as_version=4)
    assert [c.outputs[0]["text"] for c in ran.cells[2:]] == ["42\n", "two\n", "three\n"]
    assert ran.metadata.papermill["duration"] is not None
    assert all(c.metadata.papermill["status"] == "completed" for c in ran.cells)


def test_a_failed_notebook_is_written_with_its_error_and_kept(tmp_path, writes):
    notebook = write_notebook(tmp_path / "in.ipynb", "print('before')", "raise ValueError('bad cell')", "print('after')")
    output, kept = tmp_path / "out.ipynb", tmp_path / "failed" / "kept.ipynb"
    with pytest.raises(InputError, match=r"ValueError: bad cell \(see .*kept.ipynb\)"):
        pipeline.execute_notebook(output, {}, keep_failed=kept, notebook=notebook)
    cells = {c.source: c for c in nbformat.read(kept, as_version=4).cells if c.cell_type == "code"}
    assert cells["print('before')"].outputs[0]["text"] == "before\n"
    assert any(o.get("ename") == "ValueError" for o in cells["raise ValueError('bad cell')"].outputs)
    assert cells["print('after')"].outputs == []  # never ran
