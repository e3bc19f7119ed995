"""viz.show_stage_features: a row per backbone stage, shapes in the titles, the real maps drawn."""
import numpy as np
import paddle
import pytest
from matplotlib import rcParams

from ocrcourse.models import build_model
from ocrcourse.pipeline import det_input
from ocrcourse.viz.features import show_stage_features, stage_features, top_channels
from ocrcourse.viz.style import MIN_TEXT_PX, apply_style, figure_px, smallest_text_px

ARCH = {"model_type": "det", "algorithm": "DB",
        "Backbone": {"name": "MobileNetV3", "model_name": "large", "scale": 0.5, "disable_se": True},
        "Neck": {"name": "DBFPN", "out_channels": 96}, "Head": {"name": "DBHead", "k": 50}}
IMAGE = (np.random.RandomState(0).rand(70, 150, 3) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def model():
    paddle.seed(0)
    net = build_model(ARCH)
    net.train()                                   # the helper must restore this
    return net


@pytest.fixture(autouse=True)
def course_style():
    saved = apply_style()
    yield
    rcParams.update(saved)


def test_stage_features_are_the_backbone_outputs_on_the_detector_input(model):
    maps, in_hw = stage_features(model, IMAGE)
    x, _ = det_input(IMAGE)
    assert in_hw == tuple(x.shape[2:]) == (64, 160)            # sides rounded to multiples of 32
    assert model.training                                      # mode restored
    model.eval()
    with paddle.no_grad():
        expected = model.backbone(x)
    model.train()
    assert list(maps) == ["c2", "c3", "c4", "c5"]
    for got, want in zip(maps.values(), expected):
        np.testing.assert_allclose(got, want[0].numpy(), rtol=1e-5, atol=1e-6)
    assert [m.shape for m in maps.values()] == [(16, 16, 40), (24, 8, 20), (56, 4, 10), (480, 2, 5)]


def test_neck_output_is_added_on_request(model):
    maps, _ = stage_features(model, IMAGE, neck=True)
    assert maps["neck"].shape == (96, 16, 40)
    with pytest.raises(ValueError):
        stage_features(model.backbone, IMAGE, neck=True)


def test_top_channels_ranks_by_spatial_spread():
    fmap = np.zeros((4, 5, 5), np.float32)
    fmap[2] = np.arange(25).reshape(5, 5)          # most spread
    fmap[0, 0, 0] = 3.0                            # a little
    fmap[3] = 7.0                                  # constant: no spread
    assert top_channels(fmap, 2) == [2, 0]
    assert top_channels(fmap, 10) == [2, 0, 1, 3]   # ties (1 and 3, both flat) keep the lower index first


def test_figure_rows_show_each_stage_with_its_shape_and_its_channels(model):
    fig = show_stage_features(model, IMAGE, channels=3)
    maps, _ = stage_features(model, IMAGE)
    axes = np.array(fig.axes).reshape(4, 4)
    for row, (name, fmap) in zip(axes, maps.items()):
        stride = 160 // fmap.shape[2]
        assert row[0].get_title(loc="left") == f"{name} {list(fmap.shape)} stride {stride}"
        np.testing.assert_allclose(row[0].images[0].get_array(), np.abs(fmap).mean(axis=0), rtol=1e-5)
        for ax, c in zip(row[1:], top_channels(fmap, 3)):
            assert ax.get_title() == f"channel {c}"
            np.testing.assert_array_equal(ax.images[0].get_array(), fmap[c])
    width, _ = figure_px(fig)
    assert width <= 1000 and fig.dpi >= 100
    assert smallest_text_px(fig) >= MIN_TEXT_PX
