"""Checked notebook cells (`# NBVAL_CHECK_OUTPUT`) must not pin a library's last digit.

nbval compares a checked cell's output character for character. A float printed with many
significant digits makes that comparison depend on how a library rounds (OpenCV's HSV round trip,
oneDNN's summation order...), which is not what the lesson claims. So a checked cell prints at most
4 significant digits per number (claims and rounded values; `ocrcourse.claims.claim`), unless
its source says why the number is exact arithmetic with a comment `# exact: <reason>`.
"""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("lessons/*.ipynb"), *ROOT.glob("exercises/**/*.ipynb"), *ROOT.glob("instructor/**/*.ipynb")])
FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?(?![\w.])")
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    """nbval's own replacements (timings, paths, versions, timestamps): what nbval does not compare."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SANITIZE, encoding="utf-8")
    return [(re.compile(parser[section]["regex"]), parser[section]["replace"]) for section in parser.sections()]


SANITIZERS = _sanitizers()
MAX_SIGNIFICANT = 4


def significant_digits(token: str) -> int:
    mantissa = token.lstrip("-").split("e")[0].replace(".", "").lstrip("0").rstrip("0")
    return len(mantissa)


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(str(out["data"].get("text/plain", "")))
    text = "".join(parts)
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def test_significant_digits():
    assert [significant_digits(t) for t in ("0.43", "10.69", "4568.0", "1.322409", "5.007e-06", "0.0")] == [2, 4, 4, 7, 4, 0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checked_cells_print_no_library_rounding(path):
    nb = nbformat.read(path, as_version=4)
    offenders = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT"):
            continue
        if "# exact:" in cell.source:
            continue
        long = [t for t in FLOAT.findall(_text(cell)) if significant_digits(t) > MAX_SIGNIFICANT]
        if long:
            offenders.append(f"cell {index}: {long[:5]}")
    assert not offenders, (f"{path.name}: checked cells print floats with more than {MAX_SIGNIFICANT} significant "
                           f"digits (round them to what the claim needs, or add '# exact: <reason>'): {offenders}")
