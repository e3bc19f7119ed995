"""Make learner notebooks from instructor sources (`*.src.ipynb` -> `*.ipynb`).

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


def template_path(src: Path) -> Path:
    return src.with_name(src.name.replace(".src.ipynb", ".ipynb"))
