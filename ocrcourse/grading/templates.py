"""Make learner notebooks from instructor sources (`*.src.ipynb` -> `*.ipynb`).

The sources, with their solutions, live outside the learner's folder:
`instructor/exercises/NN_topic/NN_topic.src.ipynb` -> `exercises/NN_topic/NN_topic.ipynb`.

The region between `# BEGIN SOLUTION` and `# END SOLUTION` (the markers nbgrader and otter-grader
use) becomes `raise NotImplementedError(...)` at the same indentation; outputs are cleared and
`# NBVAL_CHECK_OUTPUT` markers dropped (a learner's ✗ lines are not a regression).
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

__all__ = ["strip_solutions", "make_template", "template_path", "TODO"]

TODO = 'raise NotImplementedError("write your solution here, then run the check below")'
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")


def strip_solutions(source: str) -> str:
    """Replace every solution region of a cell's source by a `raise NotImplementedError`."""
    out, inside = [], False
    for line in source.splitlines():
        begin = _BEGIN.match(line)
        if begin and not inside:
            inside = True
            out.append(begin.group(1) + TODO)
        elif _END.match(line) and inside:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("a '# BEGIN SOLUTION' has no matching '# END SOLUTION'")
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def make_template(nb):
    """A learner copy of an instructor notebook (a new notebook; the input is not changed)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("language_info", None)   # written by the kernel that ran the source; not part of a template
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = strip_solutions(cell.source)
        cell.source = "\n".join(l for l in cell.source.splitlines() if l.strip() != "# NBVAL_CHECK_OUTPUT")
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def template_path(src: Path, learner_root: Path | None = None) -> Path:
    """Where the learner copy of `src` goes: `<repo>/exercises/<its folder>/<name>.ipynb`.

    `learner_root` defaults to the `exercises/` folder next to the `instructor/` folder that holds `src`.
    """
    src = Path(src)
    if learner_root is None:
        learner_root = src.parents[2].parent / "exercises"   # instructor/exercises/NN_topic/x.src.ipynb
    return Path(learner_root) / src.parent.name / src.name.replace(".src.ipynb", ".ipynb")
