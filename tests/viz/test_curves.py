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
