"""Run the course's notebooks headlessly (what `make course` does) and report per lesson.

Each notebook in `lessons/` is executed in order, in quick mode, from its own folder, with
the course kernel; the executed copy and an HTML rendering go to `build/lessons/`. A failing
lesson is reported with the number and first line of the failing cell, and the run carries on
so the summary shows every lesson.

A lesson that runs but draws fewer pictures than its committed copy also fails: figures that
vanish (a non-interactive matplotlib backend in the kernel, a widget with no static fallback)
raise no error, so only counting them notices. Cells that wrote to stderr (warnings, INFO logs:
red boxes a learner reads as errors) are listed in the summary.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LessonResult", "count_images", "stderr_cells", "run_notebook", "run_lessons", "format_summary"]

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


@dataclass
class LessonResult:
    lesson: str
    status: str          # "ok" | "failed"
    seconds: float
    failed_cell: int | None = None
    error: str = ""
    images: int = 0                  # pictures in the executed copy
    expected_images: int = 0         # pictures in the committed copy
    stderr: list[int] | None = None  # indices of cells that wrote to stderr


def count_images(nb) -> int:
    """Number of pictures (PNG, JPEG, SVG outputs) in a notebook's code cells."""
    return sum(1 for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
               if any(kind in out.get("data", {}) for kind in IMAGE_TYPES))


def stderr_cells(nb) -> list[int]:
    """Indices of the cells with output on stderr."""
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and any(
        out.get("output_type") == "stream" and out.get("name") == "stderr" for out in cell.get("outputs", []))]


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def run_notebook(path: Path, out_dir: Path, kernel_name: str = "ocrcourse", timeout: int = 900,
                 store: bool = False) -> LessonResult:
    """Execute one notebook; write `<out_dir>/<name>.ipynb` and `.html` whatever the outcome.

    With `store=True` a notebook that ran cleanly is also written back to `path`, which is how
    the committed outputs (checked by nbval) are regenerated: `make outputs`.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    expected_images = count_images(nb)     # the committed copy's pictures, before they are replaced
    kernel_dir = tempfile.mkdtemp(prefix="ocrcourse-kernel-")
    running: dict[str, int | None] = {"cell": None}     # set when a cell starts, cleared when it completes
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, config=_kernel_config(kernel_dir),
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_start=lambda cell, cell_index: running.update(cell=cell_index),
                            on_cell_executed=lambda cell, cell_index, execute_reply: running.update(cell=None))
    start = time.perf_counter()
    result = LessonResult(path.stem, "ok", 0.0)
    try:
        client.execute()
    except CellExecutionError as e:
        idx = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        src = _first_line(nb.cells[idx].source) if idx is not None else ""
        result = LessonResult(path.stem, "failed", 0.0, idx,
                              f"cell {idx} ({src!r}): {str(e).strip().splitlines()[-1][:200]}")
    except Exception as e:  # kernel died, timeout, ...
        idx = running["cell"]                      # the cell the kernel died in (out of memory, a crash) or timed out
        where = f"cell {idx} ({_first_line(nb.cells[idx].source)!r}): " if idx is not None else ""
        result = LessonResult(path.stem, "failed", 0.0, idx, where + f"{type(e).__name__}: {e}"[:300])
    result.seconds = time.perf_counter() - start
    shutil.rmtree(kernel_dir, ignore_errors=True)
    result.images, result.expected_images, result.stderr = count_images(nb), expected_images, stderr_cells(nb)
    if result.status == "ok" and result.images < expected_images:
        result.status = "failed"
        result.error = (f"{result.images} pictures, the committed lesson holds {expected_images}: figures did "
                        "not render (is the first cell's ocrcourse.setup_lesson() there?)")
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    _write_html(nb, out_dir / (path.stem + ".html"))
    if store and result.status == "ok":
        _strip_run_metadata(nb)
        nbformat.write(nb, path)
    return result


def _kernel_config(folder: str):
    """Kernels talk over local IPC sockets (in a fresh temporary folder) on POSIX, TCP elsewhere: a kernel
    on TCP without encryption logs a warning into `make course`'s output for every lesson."""
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})


def _strip_run_metadata(nb) -> None:
    """Drop per-run noise (execution timestamps) so regenerated notebooks diff cleanly."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def _write_html(nb, target: Path) -> None:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")


def run_lessons(folder: str | os.PathLike, out_dir: str | os.PathLike, pattern: str = "[0-9][0-9]_*.ipynb",
                kernel_name: str = "ocrcourse", store: bool = False) -> list[LessonResult]:
    os.environ.setdefault("OCRCOURSE_MODE", "quick")
    os.environ.setdefault("OCRCOURSE_HEADLESS", "1")   # explorers draw static figures (viz/explorers.py)
    paths = sorted(Path(folder).glob(pattern))
    results = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        results.append(run_notebook(path, Path(out_dir), kernel_name, store=store))
    return results


def format_summary(results: list[LessonResult]) -> str:
    width = max([len(r.lesson) for r in results] + [6])
    lines = [f"{'lesson':<{width}}  {'status':<6}  {'seconds':>7}  pictures", "-" * (width + 27)]
    for r in results:
        lines.append(f"{r.lesson:<{width}}  {r.status:<6}  {r.seconds:7.1f}  {r.images:3d} / {r.expected_images}")
        if r.error:
            lines.append(f"{'':<{width}}  -> {r.error}")
        if r.stderr:
            lines.append(f"{'':<{width}}  -> stderr output in cells {r.stderr}")
    total = sum(r.seconds for r in results)
    failed = sum(r.status != "ok" for r in results)
    lines.append("-" * (width + 27))
    lines.append(f"{len(results)} lessons, {failed} failed, {total:.1f} s in all")
    return "\n".join(lines)
