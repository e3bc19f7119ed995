"""Score a whole exercise notebook: run its code cells, find the learner's functions, check them.

Cells run in one namespace, each under a time limit; a cell that raises is reported and the
grading goes on (a learner's broken cell never hides the rest of their work). Exercise cells are
marked as nbgrader / otter-grader mark them: `# BEGIN SOLUTION` / `# END SOLUTION` inside the
cell, and a first line `# EXERCISE: <item id>`.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import re
from pathlib import Path

from .runner import CheckTimeout, time_limit

__all__ = ["grade", "load_heldout", "exercise_ids", "EXERCISE_MARK"]

EXERCISE_MARK = re.compile(r"^#\s*EXERCISE:\s*([\w.]+)\s*$", re.M)


def exercise_ids(nb) -> list[str]:
    """Item ids named by `# EXERCISE: <id>` markers, in notebook order."""
    ids = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            ids += EXERCISE_MARK.findall(cell.source)
    return ids


def load_heldout(path: str | Path) -> dict:
    """Import the instructors' held-out checks: a file defining `HELDOUT = {item id: [Case, ...]}`."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location("ocrcourse_heldout_checks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HELDOUT


def _run_cells(nb, seconds: float) -> tuple[dict, list[str]]:
    namespace: dict = {"__name__": "__graded__"}
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or re.search(r"grading\.check\(", cell.source):
            continue   # the public check cells are re-run below, by `grade` itself
        source = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
        try:
            with time_limit(seconds), contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"<cell {i}>", "exec"), namespace)  # noqa: S102 - grading runs learner code
        except CheckTimeout:
            problems.append(f"cell {i} did not finish within {seconds:g} s")
        except Exception as e:  # noqa: BLE001 - a broken learner cell is a finding, not a crash
            problems.append(f"cell {i} raised {type(e).__name__}: {e}")
    return namespace, problems


def grade(notebook: str | Path, heldout: dict | None = None, seconds: float = 30.0, verbose: bool = True) -> dict:
    """Score every exercise of a notebook.

    Returns {"score": passed items / items, "items": {id: ItemReport}, "problems": [...]}.
    """
    import nbformat

    from . import ITEMS, function_name
    from .runner import run_item

    nb = nbformat.read(str(notebook), as_version=4)
    ids = exercise_ids(nb)
    namespace, problems = _run_cells(nb, seconds)
    reports = {}
    for item_id in ids:
        item = ITEMS[item_id]
        cases = list(item.cases) + list((heldout or {}).get(item_id, []))
        fn = namespace.get(function_name(item_id))
        if fn is None:
            def fn(*args, _name=function_name(item_id)):
                raise NameError(f"define `{_name}` in the exercise cell")
        reports[item_id] = run_item(item_id, item.title, cases, fn, item.seconds)
    score = sum(r.passed for r in reports.values()) / max(1, len(reports))
    if verbose:
        for r in reports.values():
            print(r.text())
        for p in problems:
            print("note:", p)
        print(f"score: {sum(r.passed for r in reports.values())}/{len(reports)} exercises")
    return {"score": score, "items": reports, "problems": problems}
