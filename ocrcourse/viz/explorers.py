"""Interactive explorers for the lessons, with a static figure when no widget front-end is there.

An explorer is a few ipywidgets sliders wired to a figure. In JupyterLab the learner drags them;
in a headless run (the lesson runner, CI, a terminal) the same function returns a static grid of
the most instructive settings instead, so stored notebooks show a picture, not a dead widget.

    from ocrcourse.viz.explorers import lr_explorer
    lr_explorer()                         # widget in JupyterLab, static grid elsewhere
    lr_explorer(interactive=False)        # always the static grid

`widgets_enabled()` decides: ipywidgets must import, the code must run inside a Jupyter kernel,
and `OCRCOURSE_HEADLESS` must be unset (the lesson runner sets it).
Lessons: lessons/05_lr_and_regularization.ipynb (`lr_explorer`), lessons/04_db_head_and_labels.ipynb
(`db_postprocess_explorer`).
"""
from __future__ import annotations

import os

from matplotlib.figure import Figure

__all__ = ["widgets_enabled", "plot_lr_schedules", "lr_explorer", "db_boxes", "plot_db_boxes",
           "db_postprocess_explorer"]

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


def _label(name: str) -> dict:
    """Widget keywords that show the whole parameter name (ipywidgets cuts labels at ~80 px);
    one width for all, so the sliders line up."""
    return {"description": name, "style": {"description_width": "110px"}}


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
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)   # beside the curves, never on them
    ax.figure.tight_layout()
    return ax.figure


def _static_grid(learning_rate: float, epochs: int, step_each_epoch: int) -> Figure:
    from ocrcourse.optim import lr_curve

    fig = Figure(figsize=(3 * len(STATIC_SCHEDULES), 3.1))
    axes = fig.subplots(1, len(STATIC_SCHEDULES), sharey=True)
    for ax, name in zip(axes, STATIC_SCHEDULES):
        curves = {f"warmup {w}": lr_curve(_schedule_cfg(name, learning_rate, w, epochs), epochs,
                                          step_each_epoch) for w in STATIC_WARMUPS}
        plot_lr_schedules(curves, step_each_epoch, ax=ax, title=name)
    handles, labels = axes[0].get_legend_handles_labels()
    for i, ax in enumerate(axes):                 # one legend for the row, below it
        ax.get_legend().remove()
        if i:
            ax.set_ylabel("")
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
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
        schedule=widgets.Dropdown(options=list(STATIC_SCHEDULES), value="Cosine", **_label("schedule")),
        learning_rate=widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=0, step=0.25,
                                             **_label("learning_rate")),
        warmup_epoch=widgets.IntSlider(value=2, min=0, max=10, **_label("warmup_epoch")),
        epochs=widgets.IntSlider(value=epochs, min=5, max=60, step=5, **_label("epochs")))


# --- DB post-processing (lesson 04) ------------------------------------------------------------

# The static grid: one row per knob, moved from low to high while the other two keep PP-OCR's
# inference values (thresh 0.3, box_thresh 0.6, unclip_ratio 1.5).
DB_DEFAULTS = {"thresh": 0.3, "box_thresh": 0.6, "unclip_ratio": 1.5}
DB_STATIC_VALUES = {"thresh": (0.1, 0.3, 0.7), "box_thresh": (0.3, 0.6, 0.9), "unclip_ratio": (0.8, 1.5, 3.0)}


def db_boxes(prob_map, thresh: float = 0.3, box_thresh: float = 0.6, unclip_ratio: float = 1.5):
    """Boxes (K, 4, 2) int32 that `DBPostProcess` finds in one probability map (H, W), in map pixels."""
    import numpy as np

    from ocrcourse.postprocess import DBPostProcess

    prob = np.asarray(prob_map, dtype=np.float32).reshape(1, 1, *np.shape(prob_map)[-2:])
    h, w = prob.shape[-2:]
    post = DBPostProcess(thresh=thresh, box_thresh=box_thresh, unclip_ratio=unclip_ratio)
    return post({"maps": prob}, [[h, w, 1.0, 1.0]])[0]["points"]


def plot_db_boxes(image, prob_map, thresh: float = 0.3, box_thresh: float = 0.6, unclip_ratio: float = 1.5,
                  gt_polys=None, ignore_tags=None, ax=None, title: str | None = None):
    """Draw the boxes DB post-processing finds (red) over a grey copy of `image`, and the ground truth
    (green dashed, don't-care in grey) if given; the title says how many boxes and, with ground
    truth, their hmean (`metrics.DetMetric`'s IoU > 0.5 matching).

    Args:
        image: (H, W, 3) BGR uint8, the same size as `prob_map` (H, W).
        thresh, box_thresh, unclip_ratio: `DBPostProcess` arguments.
        gt_polys, ignore_tags: ground-truth polygons (N, P, 2) and their don't-care flags.
        ax: where to draw (a new small Figure if None); title: overrides the default title.

    Returns the Figure.
    """
    import numpy as np
    from matplotlib.patches import Polygon as Patch

    from ocrcourse.metrics.det_metric import combine_results, evaluate_image

    if ax is None:
        fig = Figure(figsize=(4, 3))
        ax = fig.subplots()
    boxes = db_boxes(prob_map, thresh, box_thresh, unclip_ratio)
    ax.imshow(np.asarray(image).mean(axis=2), cmap="gray", vmin=0, vmax=255)
    text = f"{len(boxes)} boxes"
    if gt_polys is not None:
        ignore_tags = [False] * len(gt_polys) if ignore_tags is None else ignore_tags
        for poly, ignore in zip(gt_polys, ignore_tags):
            ax.add_patch(Patch(np.asarray(poly), fill=False, ls="--", lw=1,
                               ec="0.6" if ignore else "lime"))
        gt = [{"points": p, "ignore": bool(t)} for p, t in zip(gt_polys, ignore_tags)]
        counts = evaluate_image(gt, [{"points": b} for b in boxes])
        text += f", hmean {combine_results([counts])['hmean']:.2f}"
    for box in boxes:
        ax.add_patch(Patch(box, fill=False, lw=1.2, ec="red"))
    ax.set_title(title if title is not None else text, fontsize=9)
    ax.axis("off")
    return ax.figure


def _db_static_grid(image, prob_map, gt_polys, ignore_tags) -> Figure:
    h, w = prob_map.shape
    fig = Figure(figsize=(8, 8 * h / w + 0.6))
    axes = fig.subplots(len(DB_STATIC_VALUES), 3)
    for row, (knob, values) in zip(axes, DB_STATIC_VALUES.items()):
        for ax, value in zip(row, values):
            setting = {**DB_DEFAULTS, knob: value}
            plot_db_boxes(image, prob_map, **setting, gt_polys=gt_polys, ignore_tags=ignore_tags, ax=ax)
            ax.set_title(f"{knob} = {value}: " + ax.get_title(), fontsize=8.5)
    fig.tight_layout(pad=0.3)
    return fig


def db_postprocess_explorer(image, prob_map, gt_polys=None, ignore_tags=None, interactive: bool | None = None):
    """Explore DB post-processing: sliders for `thresh`, `box_thresh` and `unclip_ratio`.

    Args:
        image: (H, W, 3) BGR uint8; prob_map: the detector's probability map (H, W) for it.
        gt_polys, ignore_tags: optional ground truth, to show the hmean of every setting.
        interactive: True for sliders, False for the static grid, None to decide with
            `widgets_enabled()`.

    Returns:
        An ipywidgets widget, or a Figure with a 3 x 3 grid: one row per knob (low, PP-OCR's
        inference value, high) while the other two keep PP-OCR's values.
    """
    import numpy as np

    prob_map = np.asarray(prob_map, dtype=np.float32).reshape(np.shape(prob_map)[-2:])
    if interactive is None:
        interactive = widgets_enabled()
    if not interactive:
        return _db_static_grid(image, prob_map, gt_polys, ignore_tags)

    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def draw(thresh, box_thresh, unclip_ratio):
        fig, ax = plt.subplots(figsize=(7, 7 * prob_map.shape[0] / prob_map.shape[1]))
        plot_db_boxes(image, prob_map, thresh, box_thresh, unclip_ratio, gt_polys, ignore_tags, ax=ax)
        plt.show()

    def slider(name, low, high):
        return widgets.FloatSlider(value=DB_DEFAULTS[name], min=low, max=high, step=0.05,
                                   continuous_update=False, **_label(name))

    return widgets.interactive(draw, thresh=slider("thresh", 0.05, 0.95),
                               box_thresh=slider("box_thresh", 0.05, 0.95),
                               unclip_ratio=slider("unclip_ratio", 0.5, 3.5))
