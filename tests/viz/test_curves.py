import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd

from ocrcourse.viz.curves import eval_columns, loss_columns, plot_history


def _history():
    return pd.DataFrame({"step": [1, 2, 3, 4], "epoch": 1, "lr": 0.001,
                         "loss_shrink_maps": [3.0, 2.0, 1.5, 1.0], "loss": [5.0, 4.0, 3.0, 2.0],
                         "eval_hmean": [np.nan, 0.1, np.nan, 0.3], "eval_fps": np.nan})


def test_columns():
    h = _history()
    assert loss_columns(h) == ["loss", "loss_shrink_maps"]
    assert eval_columns(h) == ["eval_hmean"]


def test_plot_history_draws_losses_and_eval_points():
    fig = plot_history(_history(), metrics=["hmean"], title="t", smooth=2)
    ax_l, ax_m = fig.axes
    assert [l.get_label() for l in ax_l.get_lines()] == ["loss", "loss_shrink_maps"]
    (line,) = ax_m.get_lines()
    assert line.get_xdata().tolist() == [2, 4] and line.get_label() == "hmean"


def test_plot_loss_parts_one_panel_per_run_with_the_last_values():
    from ocrcourse.viz.curves import plot_loss_parts

    other = pd.DataFrame({"step": [1, 2], "loss": [9.0, 7.0], "dml_thrink_maps_0": [0.5, 0.25],
                          "DBLoss_Student_loss_shrink_maps": [4.0, 3.0]})
    fig = plot_loss_parts({"run a": _history(), "run b": other})
    ax_a, ax_b = fig.axes
    assert [t.get_text() for t in ax_b.get_yticklabels()] == ["loss", "DBLoss_Student_loss_shrink_maps",
                                                              "dml_thrink_maps_0"]
    assert [p.get_width() for p in ax_b.patches] == [7.0, 3.0, 0.25]
    assert [p.get_width() for p in ax_a.patches] == [2.0, 1.0]
    assert ax_a.get_title(loc="left") == "run a (step 4)"
    assert [t.get_text() for t in ax_a.texts] == [" 2", " 1"]


def test_plot_history_without_metrics_has_one_panel():
    fig = plot_history(_history(), losses=["loss"], metrics=[])
    (ax,) = fig.axes
    assert [l.get_label() for l in ax.get_lines()] == ["loss"] and ax.get_title() == "training loss"


def test_many_loss_parts_get_a_legend_below_the_panels_not_over_the_curves():
    h = _history().assign(loss_threshold_maps=[2.0, 1.5, 1.2, 1.1], loss_binary_maps=[1.0, 0.9, 0.8, 0.7])
    fig = plot_history(h, metrics=["hmean"])
    assert fig.axes[0].get_legend() is None and len(fig.legends) == 1
    assert len(fig.legends[0].get_texts()) == 4
    few = plot_history(_history(), metrics=["hmean"])
    assert few.axes[0].get_legend() is not None and not few.legends


# --- plot_runs: reference runs read from folders a test writes -------------------------------------------

import json

import pytest


def _write_run(root, name, arm, seed, final, loss0=5.0, extra=None):
    steps = np.arange(1, 41)
    h = pd.DataFrame({"step": steps, "epoch": 1, "lr": 0.001, "loss": loss0 / steps,
                      "loss_a": 1.0 / steps, "eval_acc": np.nan})
    h.loc[h["step"] == 20, "eval_acc"] = final / 2
    h.loc[h["step"] == 40, "eval_acc"] = final
    if extra is not None:
        h = h.drop(columns=[extra])
    (root / name).mkdir()
    h.to_csv(root / name / "history.csv", index=False)
    meta = {"name": name, "comparison": "cmp", "arm": arm, "seed": seed, "config": f"configs/{arm}.yml",
            "command": f"python -m ocrcourse.cli train -c configs/{arm}.yml -o Global.seed={seed}",
            "commit": f"{seed}{arm}abcdef0123", "final_metrics": {"acc": final, "step": 40},
            "protocol": {"metric": "acc", "arms": {"base": "", "new": ""}, "baseline": "base"}}
    (root / name / "meta.json").write_text(json.dumps(meta))


def _comparison(tmp_path):
    for arm, finals in (("base", (0.2, 0.4, 0.6)), ("new", (0.3, 0.5, 0.7))):
        for seed, final in enumerate(finals):
            _write_run(tmp_path, f"cmp_{arm}_s{seed}", arm, seed, final)
    from ocrcourse.comparisons import load_comparison
    return load_comparison("cmp", tmp_path)


def test_plot_runs_one_thin_line_per_seed_one_colour_per_arm(tmp_path):
    from ocrcourse.viz.curves import plot_runs
    from ocrcourse.viz.style import smallest_text_px

    fig = plot_runs(_comparison(tmp_path), root=tmp_path, smooth=5)
    ax_l, ax_m = fig.axes[:2]
    smoothed = [l for l in ax_l.get_lines() if l.get_alpha() is None]
    assert len(smoothed) == 6 and len([l for l in ax_l.get_lines() if l.get_alpha()]) == 6   # + raw, faint
    colours = {}
    for line in ax_m.get_lines():
        colours.setdefault(line.get_label(), set()).add(line.get_color())
    assert set(colours) == {"base", "new"} and all(len(c) == 1 for c in colours.values())
    assert colours["base"] != colours["new"]
    assert all(l.get_linewidth() < 2 for l in smoothed)                  # seeds are thin lines
    finals = sorted(line.get_ydata()[-1] for line in ax_m.get_lines())
    assert finals == pytest.approx([0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    seeds = sorted(t.get_text() for t in ax_m.texts)
    assert seeds == ["s0", "s0", "s1", "s1", "s2", "s2"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["base", "new"]
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "cmp_base_s0" in texts and "configs/new.yml" in texts and "0baseabc" in texts   # title + caption
    assert fig.get_size_inches()[0] <= 10 and fig.dpi >= 100
    assert smallest_text_px(fig) >= 9 * 100 / 72 - 1e-6                       # every text >= 9 pt


def test_plot_runs_seed_labels_do_not_overlap_and_smoothing_is_a_rolling_mean(tmp_path):
    from ocrcourse.viz.curves import plot_runs

    _write_run(tmp_path, "a", "a", 0, 0.5)
    _write_run(tmp_path, "b", "a", 1, 0.51)
    fig = plot_runs({"a": ["a", "b"]}, root=tmp_path, smooth=4)
    ax_l, ax_m = fig.axes[:2]
    ys = sorted(t.get_position()[1] for t in ax_m.texts)
    assert ys[1] - ys[0] >= 0.05
    line = next(l for l in ax_l.get_lines() if l.get_alpha() is None)
    expected = pd.Series(5.0 / np.arange(1, 41)).rolling(4, min_periods=1).mean()
    assert np.allclose(line.get_ydata(), expected)


def test_plot_runs_one_run_caption_is_its_command_and_loss_can_sum_columns(tmp_path):
    from ocrcourse.viz.curves import plot_runs

    _write_run(tmp_path, "solo", "x", 3, 0.9)
    fig = plot_runs("solo", root=tmp_path, loss=["loss", "loss_a"], smooth=1)
    ax_l = fig.axes[0]
    assert np.allclose(ax_l.get_lines()[-1].get_ydata(), 6.0 / np.arange(1, 41))
    assert not fig.legends                                                     # one run: no legend needed
    assert any("Global.seed=3" in t.get_text() for t in fig.texts)
    assert fig._suptitle.get_text() == "solo"


def test_plot_runs_missing_column_names_the_file(tmp_path):
    from ocrcourse.viz.curves import plot_runs

    _write_run(tmp_path, "broken", "x", 0, 0.5, extra="loss_a")
    with pytest.raises(KeyError, match=r"broken/history.csv.*'loss_a'"):
        plot_runs("broken", root=tmp_path, loss="loss_a")
    with pytest.raises(KeyError, match=r"broken/history.csv.*'eval_hmean'"):
        plot_runs("broken", root=tmp_path, metric="hmean")
    with pytest.raises(FileNotFoundError, match=r"nothere/meta.json"):
        plot_runs("nothere", root=tmp_path)
