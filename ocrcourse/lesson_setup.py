"""`setup_lesson()`: the first call of every lesson, so it looks the same wherever it runs.

A lesson runs in JupyterLab (`make lab`, or `jupyter lab` started by hand), in `make course`'s
headless runner and on AI Studio; each of them may come with its own environment. This function
makes what the learner sees independent of it:

- Figures: inside a Jupyter kernel, a non-interactive matplotlib backend (`MPLBACKEND=Agg` from a
  shell profile, a Makefile or a container) is replaced by the inline one. ipykernel chooses inline
  only when `MPLBACKEND` is empty, and with Agg `plt.show()` draws nothing.
- Legible figures: `viz.style.apply_style()` (100 dpi, fonts >= 8.5 pt) and the CJK font.
- Quiet outputs: Paddle's import-time notices (the "No ccache found" UserWarning and the
  "OMP_NUM_THREADS set to N, not 1" note, which is about data-parallel training with OpenBLAS, not
  about a lesson on one machine), its C++ (glog) warnings such as "PIR not support input out tensor",
  Paddle's INFO lines and the library's own INFO lines. A lesson that teaches from a log line turns
  it back on beside it, e.g. `logging.getLogger("ocrcourse").setLevel(logging.INFO)`.

Call it before importing paddle (it imports paddle itself, quietly):

    import ocrcourse
    ocrcourse.setup_lesson()

It is a function, not an import side effect, so importing `ocrcourse` from a script changes nothing.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import warnings

__all__ = ["setup_lesson", "use_inline_backend", "quiet_paddle_import", "QUIET_WARNINGS"]

# Warnings a learner would read as errors and that no lesson is about (message regexes).
QUIET_WARNINGS = (
    "No ccache found",                               # paddle/utils/cpp_extension, at import
    "Found 'dict' in given outputs",                 # paddle.jit.save of the DB head's dict output
    "When training, we now always track global mean and variance",   # paddle BatchNorm in train mode
)
NON_INTERACTIVE_BACKENDS = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def use_inline_backend() -> bool:
    """In a Jupyter kernel, switch a non-interactive matplotlib backend to inline figures.

    Returns True when figures will show inline. An interactive backend the learner chose
    (`%matplotlib widget`) is kept.
    """
    if not _in_kernel():
        return False
    import matplotlib
    from IPython import get_ipython

    backend = matplotlib.get_backend().lower()
    # Also when ipykernel already named inline (its MPLBACKEND): the magic registers the display of
    # Figure objects (`viz.*` returns them), which otherwise waits for pyplot's first figure.
    if backend in NON_INTERACTIVE_BACKENDS or backend.endswith("backend_inline"):
        get_ipython().run_line_magic("matplotlib", "inline")
    return True


def quiet_paddle_import():
    """Import paddle without its import-time notices; returns the module.

    Paddle prints the OMP_NUM_THREADS note with `print(..., file=sys.stderr)` while it imports, so
    stderr is captured for that moment and any other line is passed on unchanged.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")     # C++ glog: errors only (read when paddle loads)
    if "paddle" in sys.modules:
        return sys.modules["paddle"]
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        import paddle
    notice = ("OMP_NUM_THREADS set to", "PLEASE USE OMP_NUM_THREADS WISELY")
    rest = [line for line in captured.getvalue().splitlines() if line and not any(n in line for n in notice)]
    if rest:
        print("\n".join(rest), file=sys.stderr)
    return paddle


def _quiet_logs() -> None:
    """Paddle's loggers (each with its own handler) and the library's: warnings and errors only."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] == "paddle":
            logger.setLevel(logging.WARNING)
    logging.getLogger("paddle").setLevel(logging.WARNING)
    logging.getLogger("ocrcourse").setLevel(logging.WARNING)


def setup_lesson(cjk_font: bool = True) -> dict:
    """Inline figures, the course's figure style, the CJK font, and quiet Paddle. Returns a summary.

    Args:
        cjk_font: also make the CJK font matplotlib's default (Chinese titles and texts).
    """
    for message in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=message)
    paddle = quiet_paddle_import()
    _quiet_logs()
    inline = use_inline_backend()
    from ocrcourse.viz.fonts import use_cjk_font
    from ocrcourse.viz.style import apply_style

    apply_style()
    font = use_cjk_font() if cjk_font else None
    import matplotlib

    return {"backend": matplotlib.get_backend(), "inline": inline, "font": font,
            "paddle": paddle.__version__}
