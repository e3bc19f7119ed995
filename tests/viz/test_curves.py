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
