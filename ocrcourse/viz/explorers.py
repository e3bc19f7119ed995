"""Interactive explorers for the lessons, with a static figure when no widget front-end is there.

An explorer is a few ipywidgets sliders wired to a figure. In JupyterLab the learner drags them;
in a headless run (the lesson runner, CI, a terminal) the same function returns a static grid of
the most instructive settings instead, so stored notebooks show a picture, not a dead widget.

    from ocrcourse.viz.explorers import lr_explorer
    lr_explorer()                         # widget in JupyterLab, static grid elsewhere
    lr_explorer(interactive=False)        # always the static grid

`widgets_enabled()` decides: ipywidgets must import, the code must run inside a Jupyter kernel,
and `OCRCOURSE_HEADLESS` must be unset (the lesson runner sets it).
Lesson: lessons/05_lr_and_regularization.ipynb.
"""
from __future__ import annotations

import os

from matplotlib.figure import Figure

__all__ = ["widgets_enabled", "plot_lr_schedules", "lr_explorer"]

# The static grid: one panel per schedule, one curve per warmup length.
STATIC_SCHEDULES = ("Cosine", "Piecewise", "Linear")
STATIC_WARMUPS = (0, 2, 5)


def widgets_enabled() -> bool:
    """True when sliders can be shown: ipywidgets imports, we are in a Jupyter kernel, and
    `OCRCOURSE_HEADLESS` is unset (or "0")."""
    if os.environ.get("OCRCOURSE_HEADLESS", "0") not in ("", "0"):
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _schedule_cfg(name: str, learning_rate: float, warmup_epoch: float, epochs: int) -> dict:
    """An `Optimizer.lr` section for the named schedule; Piecewise boundaries at 60% / 80%
    of the run with values lr, lr/10, lr/100."""
    cfg = {"name": name, "warmup_epoch": warmup_epoch}
    if name == "Piecewise":
        cfg.update(decay_epochs=[round(0.6 * epochs), round(0.8 * epochs)],
                   values=[learning_rate, learning_rate / 10, learning_rate / 100])
    else:
        cfg["learning_rate"] = learning_rate
    return cfg


def plot_lr_schedules(curves: dict, step_each_epoch: int, ax=None, title: str = ""):
    """Draw {label: per-iteration lr list} against epochs on `ax` (a new small Figure if None).

    Returns the Figure.
    """
    if ax is None:
        fig = Figure(figsize=(6, 3))
        ax = fig.subplots()
    for label, values in curves.items():
        ax.plot([i / step_each_epoch for i in range(len(values))], values, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("learning rate")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.figure.tight_layout()
    return ax.figure


def _static_grid(learning_rate: float, epochs: int, step_each_epoch: int) -> Figure:
    from ocrcourse.optim import lr_curve

    fig = Figure(figsize=(3 * len(STATIC_SCHEDULES), 2.8))
    axes = fig.subplots(1, len(STATIC_SCHEDULES), sharey=True)
    for ax, name in zip(axes, STATIC_SCHEDULES):
        curves = {f"warmup {w}": lr_curve(_schedule_cfg(name, learning_rate, w, epochs), epochs,
                                          step_each_epoch) for w in STATIC_WARMUPS}
        plot_lr_schedules(curves, step_each_epoch, ax=ax, title=name)
    return fig


def lr_explorer(learning_rate: float = 0.1, epochs: int = 20, step_each_epoch: int = 100,
                interactive: bool | None = None):
    """Explore PaddleOCR's learning-rate schedules: schedule, base lr, warmup epochs, epochs.

    Every curve comes from `ocrcourse.optim.lr_curve`, i.e. from the very Paddle schedulers
    `build_optimizer` gives the trainer, stepped once per iteration.

    Args:
        learning_rate, epochs, step_each_epoch: starting values (the PP-OCR course's example:
            lr 0.1, 20 epochs of 100 iterations).
        interactive: True for sliders, False for the static grid, None to decide with
            `widgets_enabled()`.

    Returns:
        An ipywidgets widget (display it, e.g. as a cell's last expression) or a Figure with one
        panel per schedule (Cosine, Piecewise, Linear) and curves for warmup 0, 2 and 5 epochs.
    """
    if interactive is None:
        interactive = widgets_enabled()
    if not interactive:
        return _static_grid(learning_rate, epochs, step_each_epoch)

    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from ocrcourse.optim import lr_curve

    def draw(schedule, learning_rate, warmup_epoch, epochs):
        cfg = _schedule_cfg(schedule, learning_rate, warmup_epoch, epochs)
        values = lr_curve(cfg, epochs, step_each_epoch)
        fig, ax = plt.subplots(figsize=(6, 3))
        plot_lr_schedules({f"{schedule}, warmup {warmup_epoch}": values}, step_each_epoch, ax=ax,
                          title=f"last lr = {values[-1]:.3g}")
        plt.show()

    return widgets.interactive(
        draw,
        schedule=widgets.Dropdown(options=list(STATIC_SCHEDULES), value="Cosine"),
        learning_rate=widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=0, step=0.25),
        warmup_epoch=widgets.IntSlider(value=2, min=0, max=10),
        epochs=widgets.IntSlider(value=epochs, min=5, max=60, step=5))
