"""Training curves from a history DataFrame (what `fit` returns and `history.csv` holds).

Lessons: 07_train_db, 08_direction_classifier, 09_crnn_recognition (and every lesson that
trains). One row per optimiser step; `eval_*` columns are filled on the steps that evaluated.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import offset_copy

__all__ = ["loss_columns", "eval_columns", "plot_history", "plot_loss_parts", "plot_runs"]


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


# --- reference runs: one run or a group of runs (arms x seeds) read from their folders -------------------

_ARM_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive"]


def _read_run(root, name: str):
    """(meta, history) of reference run `name` under `root`; a missing file names its path."""
    import json
    from pathlib import Path

    import pandas as pd

    folder = Path(root) / name
    for f in ("meta.json", "history.csv"):
        if not (folder / f).is_file():
            raise FileNotFoundError(f"reference run {name!r}: no {folder / f}")
    return json.loads((folder / "meta.json").read_text(encoding="utf-8")), pd.read_csv(folder / "history.csv")


def _need(history, columns, where) -> None:
    missing = [c for c in columns if c not in history.columns]
    if missing:
        raise KeyError(f"{where}: no column {', '.join(map(repr, missing))} (columns: {', '.join(history.columns)})")


def _loss_of(history, spec, where):
    """The loss series a spec names: a column, a list of columns (summed) or a function of the history."""
    if callable(spec):
        return spec(history)
    cols = [spec] if isinstance(spec, str) else list(spec)
    _need(history, cols, where)
    return history[cols].sum(axis=1)


def _group(runs, root) -> tuple[dict, str]:
    """{arm: [run names]} and a title stem from a name, a list of names, {arm: names} or load_comparison's frame."""
    if isinstance(runs, str):
        return {runs: [runs]}, runs
    if hasattr(runs, "columns"):                                  # comparisons.load_comparison(...)
        arms = {}
        for arm, run in zip(runs["arm"].astype(str), runs["run"]):
            arms.setdefault(arm, []).append(run)
        return arms, f"comparison {runs.attrs.get('comparison', '')!s}".strip()
    if isinstance(runs, dict):
        return {arm: [names] if isinstance(names, str) else list(names) for arm, names in runs.items()}, ""
    return {name: [name] for name in runs}, ""


def _caption(metas: dict) -> str:
    """One line per distinct command stem (config and the first overrides) and the commits the runs record."""
    import textwrap

    if len(metas) == 1:
        (meta,) = metas.values()
        text = f"{meta.get('command', '?')}  |  commit {str(meta.get('commit', '?'))[:8]}"
        return "\n".join(textwrap.wrap(text, 105))
    configs = sorted({str(m.get("config", "?")) for m in metas.values()})
    commits = sorted({str(m.get("commit", "?"))[:8] for m in metas.values()})
    lines = [f"ocrcourse train -c {c}" for c in configs] + [f"commits: {', '.join(commits)}"]
    return "\n".join(textwrap.fill(line, 105) for line in lines)


def plot_runs(runs, root="reference_runs", metric: str | None = None, loss="loss", smooth: int = 20,
              title: str | None = None, loss_label: str = "training loss", width: float = 9.0) -> Figure:
    """Training loss and eval metric against step of one reference run or a group of them.

    Left panel: the training loss (log scale), its `smooth`-step rolling mean as a line and the raw
    per-step values faint behind it. Right panel: the eval metric at every evaluation (and at step 0
    when the meta records `initial_metrics`). One colour per arm; with several seeds per arm every
    seed is a thin line of its arm's colour, labelled `s<seed>` at its last evaluation. The legend
    (one entry per arm) sits below the panels, the title names the runs and a caption line gives
    the command (one run) or the configs and commits (a group) from the metas.

    Args:
        runs: a run name; a list of names (one arm each); {arm: [names]}; or the frame
            `comparisons.load_comparison(name, root)` returns (arms, seeds, metric from it).
        root: folder holding `<name>/history.csv` and `<name>/meta.json`.
        metric: eval metric without `eval_` (default: the comparison's metric, else hmean or acc).
        loss: the loss to draw: a column, a list of columns (summed), a function of the history, or
            {arm: one of those} (distillation arms log their student's parts under other names).
        smooth: rolling-mean window in steps for the loss line.
        title: figure title (default: the run names, seeds folded as s0/s1/...).
        loss_label: title of the loss panel.
        width: figure width in inches (at most 10).
    Raises:
        FileNotFoundError / KeyError naming the run's file when a file or a column is missing.
    """
    groups, stem = _group(runs, root)
    if metric is None and hasattr(runs, "attrs"):
        metric = runs.attrs.get("metric")
    data = {arm: [(name, *_read_run(root, name)) for name in names] for arm, names in groups.items()}
    if metric is None:
        first = data[next(iter(data))][0][2]
        metric = next((m for m in ("hmean", "acc") if f"eval_{m}" in first.columns), None)
        if metric is None:
            raise KeyError(f"{root}/{data[next(iter(data))][0][0]}/history.csv: no eval_hmean or eval_acc; pass metric=")
    col = f"eval_{metric}"
    fig = Figure(figsize=(min(width, 10.0), 3.9), dpi=100)
    ax_l, ax_m = fig.subplots(1, 2)
    metas, handles, ends = {}, [], []
    for i, (arm, items) in enumerate(data.items()):
        colour = _ARM_COLOURS[i % len(_ARM_COLOURS)]
        several = len(items) > 1
        spec = loss.get(arm, "loss") if isinstance(loss, dict) else loss
        for name, meta, h in items:
            where = f"{root}/{name}/history.csv"
            _need(h, ["step", col], where)
            metas[name] = meta
            y = _loss_of(h, spec, where)
            ax_l.plot(h["step"], y, color=colour, lw=0.5, alpha=0.18)
            line, = ax_l.plot(h["step"], y.rolling(smooth, min_periods=1).mean(), color=colour,
                              lw=1.2 if several else 2.0, label=arm)
            rows = h.dropna(subset=[col])
            xs, ys = rows["step"].tolist(), rows[col].tolist()
            if metric in meta.get("initial_metrics", {}):
                xs, ys = [0] + xs, [float(meta["initial_metrics"][metric])] + ys
            ax_m.plot(xs, ys, "o-", color=colour, lw=1.2 if several else 2.0, ms=4 if several else 5, label=arm)
            if several and xs:
                ends.append([xs[-1], ys[-1], ys[-1], f"s{meta.get('seed', '?')}", colour])
        handles.append(line)
    for x in {e[0] for e in ends}:                 # seed labels at one step: pushed apart, never on each other
        at = sorted((e for e in ends if e[0] == x), key=lambda e: e[1])
        for below, above in zip(at, at[1:]):
            above[2] = max(above[2], below[2] + 0.05)
        for e in at:
            ax_m.text(e[0], e[2], e[3], va="center", fontsize=9, color=e[4],
                      transform=offset_copy(ax_m.transData, fig=fig, x=5, units="points"))
    ax_l.set_yscale("log")
    ax_l.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    lo, hi = ax_l.get_ylim()
    digits = "2345678" if hi / lo < 5 else "235" if hi / lo < 30 else "25"   # fewer labels over more decades
    ax_l.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if f"{v:.0e}"[0] in digits else ""))
    ax_l.set_xlabel("step", fontsize=9.5)
    ax_l.set_title(f"{loss_label} ({smooth}-step mean; raw faint)", fontsize=10)
    ax_m.set_xlabel("step", fontsize=9.5)
    ax_m.set_title(f"eval {metric}", fontsize=10)
    ax_m.set_xlim(min(ax_l.get_xlim()[0], -0.02 * ax_l.get_xlim()[1]), ax_l.get_xlim()[1] * 1.08)  # room for s0/s1
    ax_m.set_ylim(-0.02, 1.02)
    for ax in (ax_l, ax_m):
        ax.tick_params(which="both", labelsize=9)
        ax.grid(alpha=0.3)
    if title is None:
        parts = []
        for arm, items in data.items():
            names = [n for n, _, _ in items]
            parts.append(names[0] if len(names) == 1 else
                         f"{arm}: {', '.join(names[:1])} + s{'/s'.join(str(m.get('seed')) for _, m, _ in items[1:])}")
        title = "; ".join(parts) if stem in ("", *parts) else f"{stem}: {'; '.join(parts)}"
    fig.suptitle(title, fontsize=10.5, wrap=True)
    caption = _caption(metas)
    n_cap = caption.count("\n") + 1
    fig.text(0.01, 0.01, caption, fontsize=9, family="monospace", va="bottom", color="0.3")
    legend_h = 0.25 if len(handles) > 1 else 0.0
    fig.set_figheight(3.9 + 0.16 * n_cap + legend_h)
    bottom = (0.16 * n_cap + 0.12 + legend_h) / fig.get_figheight()
    if len(handles) > 1:
        fig.legend(handles, [h.get_label() for h in handles], loc="lower center", ncol=len(handles),
                   frameon=False, fontsize=9.5, bbox_to_anchor=(0.5, bottom - legend_h / fig.get_figheight()))
    fig.tight_layout(rect=(0, bottom + 0.02, 1, 1))
    return fig
