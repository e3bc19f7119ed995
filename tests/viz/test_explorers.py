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
