"""Reading PP-OCR's comparisons measured over seeds: every seed's result, the mean, the spread, a verdict.

PP-OCR's reports (PP-OCRv2, arXiv:2109.03144) compare recipes — CML for the detector, U-DML and
Enhanced CTC for the recogniser — by one number each. On a small budget, a second seed can move a
number by more than a recipe does, so the course measures every arm of a comparison with several
seeds (`data_scripts/reference_runs.py`, COMPARISONS) and reads them here:

- `load_comparison(name)`: one row per run (arm, seed, metric value, wall time) from the committed
  `reference_runs/<run>/meta.json` files whose `comparison` is `name` (and, for an arm the protocol
  lists as "borrowed", the runs of another comparison with the very same config and seeds);
- `summarize(runs)`: per arm, the values in seed order, mean, sample standard deviation and range;
- `verdict(runs, arm, baseline)`: the rule the protocol fixed before the runs — a difference exceeds
  the seed spread only if the two arms' ranges do not overlap; otherwise it is within noise;
- `plot_comparison(runs)`: every seed as a dot, the mean as a bar, per arm;
- `show_comparison(name)`: what a lesson prints of a comparison (protocol, runs, summary, verdicts);
- `report(names)`: the Markdown the README links (`lessons/reference_runs/REPORT.md`): per comparison
  its question, every arm's values, mean and range, and a verdict for every pair of arms, with the
  commits and machines the runs record.

Lessons: 05_lr_and_regularization, 06_data_augmentation, 12_cml_detection, 13_udml_recognition,
14_enhanced_ctc.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

__all__ = ["load_comparison", "protocol_of", "summarize", "verdict", "plot_comparison", "report", "show_comparison"]


def _own_metas(root: str | Path, name: str) -> list[dict]:
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(root).glob("*/meta.json"))]
    return [m for m in metas if m.get("comparison") == name]


def _metas(root: str | Path, name: str) -> list[dict]:
    """The runs of comparison `name`: its own, plus the runs a "borrowed" arm reads from another
    comparison (protocol["borrowed"] = {arm: "run_s{seed}"}: the same config, overrides and seeds,
    so they are not run twice), relabelled with this comparison, the arm and its protocol."""
    own = _own_metas(root, name)
    if not own:
        return own
    proto = own[0].get("protocol") or {}
    lent = []
    for arm, pattern in (proto.get("borrowed") or {}).items():
        for seed in proto.get("seeds", []):
            run = pattern.replace("{seed}", str(seed))
            path = Path(root) / run / "meta.json"
            if not path.exists():
                raise FileNotFoundError(f"{name}: arm {arm!r} reads run {run!r}, which has no {path}")
            meta = json.loads(path.read_text(encoding="utf-8"))
            lent.append({**meta, "comparison": name, "arm": arm, "protocol": proto, "borrowed_from": run})
    return own + lent


def protocol_of(name: str, root: str | Path = "reference_runs") -> dict:
    """The protocol the runs of comparison `name` recorded (the same in every run's meta)."""
    metas = _metas(root, name)
    if not metas:
        raise FileNotFoundError(f"no reference run of comparison {name!r} under {root}")
    protocols = {json.dumps(m.get("protocol"), sort_keys=True) for m in metas}
    if len(protocols) != 1:
        raise ValueError(f"the runs of {name!r} recorded {len(protocols)} different protocols")
    return metas[0]["protocol"]


def _value(meta: dict, metric: str) -> float:
    final = meta.get("final_metrics", {})
    if metric not in final:
        raise KeyError(f"{meta.get('name')}: no final {metric!r} in its meta (final_metrics: {sorted(final)})")
    return float(final[metric])


def load_comparison(name: str, root: str | Path = "reference_runs", extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per run of comparison `name`: run, arm, seed, value (the protocol's metric at the last
    eval), step, wall_time_s, and one column per metric named in `extra` (descriptive, at the same
    eval). Sorted by arm (the protocol's order) and seed."""
    proto = protocol_of(name, root)
    metric, arms = proto["metric"], list(proto["arms"])
    rows = [{"run": m["name"], "arm": m["arm"], "seed": int(m["seed"]), "value": _value(m, metric),
             "step": m["final_metrics"].get("step"), "wall_time_s": m.get("wall_time_s"),
             **{key: _value(m, key) for key in extra}}
            for m in _metas(root, name)]
    df = pd.DataFrame(rows)
    df["arm"] = pd.Categorical(df["arm"], categories=arms, ordered=True)
    df = df.sort_values(["arm", "seed"]).reset_index(drop=True)
    df.attrs.update(metric=metric, baseline=proto["baseline"], comparison=name)
    return df


def summarize(runs: pd.DataFrame) -> pd.DataFrame:
    """Per arm: n, the values in seed order, mean, std (sample, ddof=1), min, max."""
    out = runs.groupby("arm", observed=True)["value"].agg(
        n="count", values=lambda v: [round(x, 3) for x in v], mean="mean", std="std", min="min", max="max")
    out.attrs.update(runs.attrs)
    return out


def verdict(runs: pd.DataFrame, arm: str, baseline: str | None = None) -> str:
    """Whether `arm` differs from `baseline` by more than the seed spread (ranges that do not overlap).

    Returns a sentence: "<arm> above <baseline> on every seed: exceeds the seed spread", the same with
    "below", or "within noise: the ranges overlap".
    """
    baseline = baseline or runs.attrs.get("baseline")
    a = runs.loc[runs["arm"] == arm, "value"]
    b = runs.loc[runs["arm"] == baseline, "value"]
    if a.empty or b.empty:
        raise ValueError(f"no runs of arm {arm!r} or baseline {baseline!r}")
    diff = a.mean() - b.mean()
    head = f"{arm} − {baseline}: {diff:+.3f} (means over {len(a)} and {len(b)} seeds); "
    if a.min() > b.max():
        return head + f"every {arm} seed above every {baseline} seed: exceeds the seed spread"
    if a.max() < b.min():
        return head + f"every {arm} seed below every {baseline} seed: exceeds the seed spread"
    return head + "the ranges overlap: within noise"


def plot_comparison(runs: pd.DataFrame, ax=None, title: str | None = None):
    """Every seed as a dot and the mean as a bar, one column per arm. Returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 2.8))
    arms = [a for a in runs["arm"].cat.categories if (runs["arm"] == a).any()]
    for i, arm in enumerate(arms):
        values = runs.loc[runs["arm"] == arm, "value"].to_numpy()
        ax.bar(i, values.mean(), width=0.6, color="tab:blue", alpha=0.25)
        ax.plot([i - 0.3, i + 0.3], [values.mean()] * 2, color="tab:blue", lw=2)
        ax.scatter([i] * len(values), values, color="k", s=18, zorder=3)
        ax.text(i + 0.32, values.mean(), f"{values.mean():.3f}", va="center", fontsize=9)
    ax.set_xticks(range(len(arms)), arms)
    ax.set_xlim(-0.6, len(arms) - 0.2)
    ax.set_ylabel(runs.attrs.get("metric", "value"))
    ax.set_title(title or f"{runs.attrs.get('comparison', '')}: every seed (dots) and the mean (bar)", fontsize=10)
    ax.figure.tight_layout()
    return ax.figure


def show_comparison(name: str, root: str | Path = "reference_runs", extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Print what a lesson shows of comparison `name` — its protocol, every run, the per-arm summary and
    each arm's verdict against the baseline — and return `load_comparison(name, root, extra)`."""
    proto = protocol_of(name, root)
    for key in ("question", "task", "eval_set", "metric_meaning", "budget", "reading"):
        print(f"{key}: {proto[key]}")
    print("arms:", proto["arms"])
    if proto.get("borrowed"):
        print("runs shared with another comparison (same config, overrides and seeds):", proto["borrowed"])
    runs = load_comparison(name, root, extra)
    print()
    print(runs[["run", "arm", "seed", "value", *extra, "wall_time_s"]].round(3).to_string(index=False))
    print()
    print(summarize(runs).round(3).to_string())
    for arm in proto["arms"]:
        if arm != proto["baseline"]:
            print(verdict(runs, arm))
    return runs


def _machine(meta: dict) -> str:
    m = meta.get("machine", {})
    return (f"{m.get('cpu_count', '?')} CPUs, {m.get('platform', '?')}, Python {m.get('python', '?')}, "
            f"Paddle {m.get('paddle', '?')}")


def report(names: list[str], root: str | Path = "reference_runs", command: str = "") -> str:
    """Markdown: for each comparison its question, metric, a table of arms (every seed, mean, range)
    and one verdict per pair of arms (later arm against earlier); then the commits and machines."""
    lines = ["# Comparisons measured over seeds", ""]
    if command:
        lines += [f"Written by `{command}` from the committed `meta.json` files; do not edit by hand.", ""]
    commits, machines = set(), set()
    for name in names:
        if not _own_metas(root, name):
            lines += [f"## {name}", "", "No runs committed yet.", ""]
            continue
        proto, runs = protocol_of(name, root), load_comparison(name, root)
        for m in _metas(root, name):
            commits.add(m.get("commit", "?")[:7])
            machines.add(_machine(m))
        lines += [f"## {name} (lesson {proto.get('lesson', '?')})", "", proto["question"], "",
                  f"Metric: {proto['metric']} — {proto['metric_meaning']}. Eval set: {proto['eval_set']}.", "",
                  "| arm | seeds | values (seed order) | mean | range |", "|---|---|---|---|---|"]
        for arm, row in summarize(runs).iterrows():
            lines.append(f"| {arm} | {row['n']} | {', '.join(f'{v:.3f}' for v in row['values'])} | "
                         f"{row['mean']:.3f} | {row['min']:.3f}–{row['max']:.3f} |")
        arms = [a for a in runs["arm"].cat.categories if (runs["arm"] == a).any()]
        lines.append("")
        lines += [f"- {verdict(runs, arm, base)}" for j, arm in enumerate(arms) for base in arms[:j]]
        lines.append("")
    lines += [f"Runs' commits: {', '.join(sorted(commits))}. Machines: {'; '.join(sorted(machines))}.", ""]
    return "\n".join(lines)
