"""Training curves from a history DataFrame (what `fit` returns and `history.csv` holds).

Lessons: 07_train_db, 08_direction_classifier, 09_crnn_recognition (and every lesson that
trains). One row per optimiser step; `eval_*` columns are filled on the steps that evaluated.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["loss_columns", "eval_columns", "plot_history", "plot_loss_parts"]


def loss_columns(history) -> list[str]:
    """The loss columns of a history: `loss` first, then its parts (`loss_*`, `dml_*`, ...)."""
    skip = {"step", "epoch", "lr"}
    cols = [c for c in history.columns if c not in skip and not c.startswith("eval_")
            and ("loss" in c or c.startswith(("dml", "db_", "dila")))]
    return sorted(cols, key=lambda c: (c != "loss", c))


def eval_columns(history) -> list[str]:
    """The `eval_*` columns that hold at least one value."""
    return [c for c in history.columns if c.startswith("eval_") and history[c].notna().any()]


def plot_history(history, losses: list[str] | None = None, metrics: list[str] | None = None,
                 title: str = "", smooth: int = 1, figsize=(8, 3), dpi: int | None = None) -> Figure:
    """Loss curves (left, log scale) and evaluation metrics (right) of one run.

    Args:
        history: DataFrame with a `step` column (the trainer's history, or `pd.read_csv` of it).
        losses: loss columns to draw (default: all, see `loss_columns`).
        metrics: eval columns to draw, with or without the `eval_` prefix (default: all).
        title: figure title.
        smooth: rolling-mean window over steps for the loss curves (1: raw values).
        figsize, dpi: figure size in inches and resolution (default: the course style, `viz.style`).
    """
    losses = losses if losses is not None else loss_columns(history)
    metrics = [m if m.startswith("eval_") else f"eval_{m}" for m in metrics] if metrics is not None \
        else eval_columns(history)
    if metrics:
        fig, (ax_l, ax_m) = plt.subplots(1, 2, figsize=figsize, dpi=dpi)
    else:                                       # losses only: one panel, no empty "evaluation" box
        fig, ax_l = plt.subplots(figsize=figsize, dpi=dpi)
        ax_m = None
    for c in losses:
        ax_l.plot(history["step"], history[c].rolling(smooth, min_periods=1).mean(), label=c,
                  lw=2 if c == "loss" else 1)
    ax_l.set_yscale("log")
    ax_l.set_xlabel("step")
    ax_l.set_title("training loss")
    below = len(losses) > 2                     # several parts: a legend inside would cover curves
    if below:
        fig.set_figheight(fig.get_figheight() + 0.4)
        fig.legend(*ax_l.get_legend_handles_labels(), loc="lower center", ncol=min(len(losses), 4), frameon=False)
    else:
        ax_l.legend(loc="best")                 # where it covers the fewest points of the curves
    for c in metrics:
        rows = history.dropna(subset=[c])
        ax_m.plot(rows["step"], rows[c], "o-", label=c[5:])
    if ax_m is not None:
        ax_m.set_xlabel("step")
        ax_m.set_xlim(ax_l.get_xlim())          # same step axis as the losses, even for one eval
        ax_m.set_title("evaluation")
        ax_m.set_ylim(-0.02, 1.02)
        ax_m.legend(loc="best")
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.4 / fig.get_figheight() if below else 0, 1, 1))
    return fig


def plot_loss_parts(histories: dict, step: int = -1, width: float = 8.0) -> Figure:
    """The loss and its parts at one step of each run, as labelled horizontal bars.

    One panel per run, stacked (long part names such as `DBLoss_Student2_loss_threshold_maps` stay
    readable on their own line), panel heights proportional to the number of parts, the value
    written at the end of each bar.

    Args:
        histories: {run title: history DataFrame}.
        step: row of each history to show (default: the last step).
        width: figure width in inches.
    Returns:
        A matplotlib Figure.
    """
    parts = {title: loss_columns(h) for title, h in histories.items()}
    heights = [len(cols) for cols in parts.values()]
    fig = Figure(figsize=(width, 0.24 * sum(heights) + 0.55 * len(heights) + 0.2))
    axes = fig.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, (title, h) in zip(axes, histories.items()):
        cols = parts[title]
        values = h[cols].iloc[step].astype(float).values
        row = h["step"].iloc[step] if "step" in h else step
        ax.barh(range(len(cols)), values, color=["tab:blue" if c == "loss" else "tab:gray" for c in cols])
        ax.set_yticks(range(len(cols)), cols, fontsize=9)
        ax.invert_yaxis()                                  # `loss` on top, parts below
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:.3g}", va="center", fontsize=9)
        ax.set_xlim(0, max(values.max(), 1e-12) * 1.18)    # room for the values
        ax.set_title(f"{title} (step {row})", fontsize=10, loc="left")
    fig.tight_layout()
    return fig
