"""One figure style for every lesson: sized and drawn for a laptop screen.

A figure is legible when its smallest text is at least 9 px on screen at 100 % zoom. On screen a
text of `s` points is `s * dpi / 72` pixels, and JupyterLab scales a picture wider than its output
area (about 1000 px on a laptop) down to fit, shrinking the text with it. So the style draws at
100 dpi with fonts of 8.5 pt and more, and library figures stay at most 10 inches wide.

    from ocrcourse.viz.style import apply_style, smallest_text_px
    apply_style()                      # what ocrcourse.setup_lesson() does for every lesson
    smallest_text_px(fig)              # the check tests/viz/test_style.py runs on library figures

Lesson: every lesson (the first cell calls `ocrcourse.setup_lesson()`).
"""
from __future__ import annotations

import numpy as np

__all__ = ["STYLE", "MIN_TEXT_PX", "SCREEN_WIDTH_PX", "apply_style", "smallest_text_px", "figure_px", "as_jpeg"]

MIN_TEXT_PX = 9.0          # smallest readable text at 100 % zoom
SCREEN_WIDTH_PX = 1000     # a JupyterLab output area on a laptop; wider pictures are scaled down

STYLE = {
    "figure.dpi": 100,             # matplotlib's inline default (72) draws 6-7 px text
    "savefig.dpi": "figure",
    "figure.figsize": (6.4, 3.6),
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 9.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "legend.framealpha": 0.85,     # a legend over a curve lets the curve show through
    "figure.titlesize": 11,
}


def apply_style() -> dict:
    """Set the course's rcParams (see `STYLE`); returns the previous values of the keys changed."""
    from matplotlib import rcParams

    previous = {key: rcParams[key] for key in STYLE}
    rcParams.update(STYLE)
    return previous


def figure_px(fig) -> tuple[float, float]:
    """(width, height) of the figure in pixels as drawn (inches x dpi)."""
    w, h = fig.get_size_inches()
    return w * fig.dpi, h * fig.dpi


def smallest_text_px(fig, screen_width_px: float = SCREEN_WIDTH_PX) -> float:
    """Height in screen pixels of the smallest visible text in `fig` (inf if it has none).

    Counts titles, labels, tick labels, legends and annotations, and the scaling JupyterLab applies
    when the figure is wider than `screen_width_px`.
    """
    from matplotlib.text import Text

    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None     # tick labels exist after a draw
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    if not sizes:
        return float("inf")
    width, _ = figure_px(fig)
    scale = min(1.0, screen_width_px / width)
    return min(sizes) * fig.dpi / 72 * scale


def as_jpeg(fig, quality: int = 88):
    """A photo-like figure as a JPEG picture for the notebook (`IPython.display.Image`), at the
    figure's own size and dpi: a notebook that otherwise stores PNG plots keeps its photos small
    (the per-picture budget in tests/test_lessons_runner.py)."""
    import io

    from IPython.display import Image
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image as PILImage

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    buffer = io.BytesIO()
    PILImage.fromarray(np.asarray(canvas.buffer_rgba())[:, :, :3]).save(buffer, "JPEG", quality=quality)
    return Image(data=buffer.getvalue(), format="jpeg")
