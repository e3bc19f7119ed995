"""viz.explorers: the static fallback a headless run shows, and the widget decision."""
from matplotlib.figure import Figure

from ocrcourse.viz import explorers


def test_headless_env_disables_widgets(monkeypatch):
    monkeypatch.setenv("OCRCOURSE_HEADLESS", "1")
    assert explorers.widgets_enabled() is False


def test_outside_a_kernel_widgets_are_disabled(monkeypatch):
    monkeypatch.delenv("OCRCOURSE_HEADLESS", raising=False)
    assert explorers.widgets_enabled() is False      # pytest is not a Jupyter kernel


def test_static_fallback_is_one_panel_per_schedule(monkeypatch):
    monkeypatch.setenv("OCRCOURSE_HEADLESS", "1")
    fig = explorers.lr_explorer(learning_rate=0.1, epochs=4, step_each_epoch=5)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == list(explorers.STATIC_SCHEDULES)
    for ax in fig.axes:
        lines = ax.get_lines()
        assert [ln.get_label() for ln in lines] == [f"warmup {w}" for w in explorers.STATIC_WARMUPS]
        assert all(len(ln.get_xdata()) == 20 for ln in lines)        # 4 epochs x 5 iterations
        assert max(max(ln.get_ydata()) for ln in lines) <= 0.1 + 1e-12
    cosine_no_warmup = fig.axes[0].get_lines()[0].get_ydata()
    assert cosine_no_warmup[0] == 0.1


def test_interactive_returns_a_widget():
    import ipywidgets

    widget = explorers.lr_explorer(epochs=4, step_each_epoch=5, interactive=True)
    assert isinstance(widget, ipywidgets.Widget)


def _two_lines_map():
    import numpy as np

    prob = np.zeros((64, 128), np.float32)
    prob[10:20, 10:60] = 0.9          # two confident text kernels
    prob[40:50, 30:110] = 0.8
    gt = np.array([[[5, 5], [65, 5], [65, 25], [5, 25]], [[25, 35], [115, 35], [115, 55], [25, 55]]], np.float32)
    return prob, gt


def test_db_boxes_finds_each_kernel_and_box_thresh_drops_weak_ones():
    prob, _ = _two_lines_map()
    assert explorers.db_boxes(prob).shape == (2, 4, 2)
    assert explorers.db_boxes(prob, box_thresh=0.85).shape == (1, 4, 2)   # only the 0.9 kernel
    small = explorers.db_boxes(prob, unclip_ratio=0.5)
    large = explorers.db_boxes(prob, unclip_ratio=3.0)
    width = lambda boxes: boxes[:, :, 0].max(axis=1) - boxes[:, :, 0].min(axis=1)
    assert (width(large) > width(small)).all()


def test_db_static_grid_one_row_per_knob_with_hmean(monkeypatch):
    import numpy as np

    monkeypatch.setenv("OCRCOURSE_HEADLESS", "1")
    prob, gt = _two_lines_map()
    image = np.full((64, 128, 3), 255, np.uint8)
    fig = explorers.db_postprocess_explorer(image, prob[None, None], gt, [False, False])
    assert isinstance(fig, Figure) and len(fig.axes) == 9
    titles = [ax.get_title() for ax in fig.axes]
    for row, (knob, values) in enumerate(explorers.DB_STATIC_VALUES.items()):
        for col, value in enumerate(values):
            assert titles[3 * row + col].startswith(f"{knob} = {value}: ")
    assert titles[4] == "box_thresh = 0.6: 2 boxes, hmean 1.00"            # PP-OCR's values
    assert titles[5] == "box_thresh = 0.9: 0 boxes, hmean 0.00"


def test_db_explorer_interactive_returns_a_widget():
    import ipywidgets
    import numpy as np

    prob, _ = _two_lines_map()
    widget = explorers.db_postprocess_explorer(np.zeros((64, 128, 3), np.uint8), prob, interactive=True)
    assert isinstance(widget, ipywidgets.Widget)
