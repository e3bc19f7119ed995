"""Library figures are legible on a laptop: text >= 9 px at 100 % zoom, within a 1000 px output area."""
import numpy as np
import pandas as pd
import pytest
from matplotlib import rcParams

from ocrcourse.data.transforms import MakeBorderMap, MakeShrinkMap
from ocrcourse.viz import augment, curves, explorers, maps, ocr
from ocrcourse.viz.style import MIN_TEXT_PX, STYLE, apply_style, figure_px, smallest_text_px

IMG = (np.random.RandomState(0).rand(64, 96, 3) * 255).astype(np.uint8)
PROB = np.zeros((64, 96), np.float32)
PROB[20:40, 10:80] = 0.9
POLYS = np.array([[[10, 20], [80, 20], [80, 40], [10, 40]]], np.float32)
HISTORY = pd.DataFrame({"step": range(20), "loss": np.linspace(2, 1, 20), "loss_shrink": np.linspace(1, .5, 20),
                        "eval_hmean": [np.nan] * 19 + [0.5]})


def _sample():
    return {"image": IMG, "polys": POLYS, "ignore_tags": np.array([False])}


FIGURES = {
    "plot_history": lambda: curves.plot_history(HISTORY),
    "plot_loss_parts": lambda: curves.plot_loss_parts({"a run": HISTORY, "another": HISTORY}),
    "lr_explorer static grid": lambda: explorers.lr_explorer(interactive=False),
    "plot_lr_schedules": lambda: explorers.plot_lr_schedules({"cosine": [0.1] * 100}, 10),
    "plot_db_boxes": lambda: explorers.plot_db_boxes(IMG, PROB, gt_polys=POLYS),
    "db explorer static grid": lambda: explorers.db_postprocess_explorer(IMG, PROB, POLYS, interactive=False),
    "image_grid": lambda: augment.image_grid([IMG] * 6, titles=[f"op {i}" for i in range(6)]),
    "show_op with two maps": lambda: augment.show_op(_sample(), MakeShrinkMap()),
    "show_draws": lambda: augment.show_draws(_sample(), {"shrink": MakeShrinkMap(), "again": MakeShrinkMap()}, n=3),
    "show_db_labels": lambda: maps.show_db_labels(MakeShrinkMap()(MakeBorderMap()(_sample()))),
    "show_ocr": lambda: ocr.show_ocr(IMG, [{"points": POLYS[0].tolist(), "text": "光学 OCR"}], title="a title"),
}


@pytest.fixture(autouse=True)
def course_style():
    saved = apply_style()
    yield
    rcParams.update(saved)


@pytest.mark.parametrize("name", list(FIGURES))
def test_library_figure_is_legible(name):
    fig = FIGURES[name]()
    width, _ = figure_px(fig)
    assert fig.dpi >= 100
    assert width <= 1000, f"{name}: {width:.0f} px wide, JupyterLab scales it down"
    assert smallest_text_px(fig) >= MIN_TEXT_PX


def test_the_check_catches_small_text():
    """72 dpi and 7 pt -- the old lessons' figures -- are below 9 px."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 2), dpi=72)
    fig.subplots().set_title("small", fontsize=7)
    assert smallest_text_px(fig) < MIN_TEXT_PX
    wide = Figure(figsize=(16, 2), dpi=100)
    wide.subplots().set_title("scaled down", fontsize=10)
    assert smallest_text_px(wide) < MIN_TEXT_PX          # 13.9 px drawn, x 1000/1600 on screen


def test_style_is_what_setup_applies():
    assert rcParams["figure.dpi"] == STYLE["figure.dpi"] >= 100


def test_an_all_ones_mask_is_not_drawn_white_on_white():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    maps.draw_map(ax, np.ones((8, 8)), "shrink_mask", colorbar=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    h, w = rgba.shape[:2]
    centre = rgba[h // 2, w // 2, :3]
    assert not (centre > 240).all(), "an all-1 mask looks like an empty white panel"
    assert all(spine.get_visible() for spine in ax.spines.values())


def test_as_jpeg_is_the_figure_as_a_jpeg_of_its_size():
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from ocrcourse.viz.style import as_jpeg

    fig = Figure(figsize=(3, 1.5), dpi=100)
    fig.subplots().imshow(IMG)
    picture = as_jpeg(fig)
    assert picture.format == "jpeg" and picture.data[:2] == b"\xff\xd8"
    assert Image.open(io.BytesIO(picture.data)).size == (300, 150)
