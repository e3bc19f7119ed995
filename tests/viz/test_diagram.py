"""Architecture diagrams: every drawn name and shape must be the real module's and forward pass's."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import paddle
import pytest

from ocrcourse.config import load_config
from ocrcourse.data.transforms import rec_aug
from ocrcourse.data.transforms.warp_mls import warp_mls
from ocrcourse.losses import build_loss
from ocrcourse.models import build_from_config, build_model
from ocrcourse.models.pruning import fpgm_ranking
from ocrcourse.viz import diagram
from ocrcourse.viz.style import MIN_TEXT_PX, SCREEN_WIDTH_PX, figure_px, smallest_text_px

matplotlib.use("Agg")
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
DET = CONFIGS / "det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml"
REC = CONFIGS / "rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0_quick.yml"
CML = CONFIGS / "det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml_quick.yml"
UDML = CONFIGS / "rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_distillation_quick.yml"


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def legible(fig) -> bool:
    return smallest_text_px(fig) >= MIN_TEXT_PX and figure_px(fig)[0] <= SCREEN_WIDTH_PX and fig.dpi >= 100


def direct_shapes(model, x):
    """What backbone, neck and head return when called one after the other, without hooks."""
    model.eval()
    with paddle.no_grad():
        feats = model.backbone(x)
        neck = model.neck(feats)
        head = model.head(neck)
    return feats, neck, head


def test_boxes_are_the_hooked_modules_class_names_and_forward_shapes():
    model = build_model(load_config(DET)["Architecture"])
    stages = diagram.trace_stages(model, image_size=(64, 96))[""]
    assert [s.kind for s in stages] == [type(model.backbone).__name__, type(model.neck).__name__,
                                        type(model.head).__name__]
    feats, neck, head = direct_shapes(model, paddle.zeros([1, 3, 64, 96]))
    assert [shape for _, shape in stages[0].outputs] == [list(f.shape) for f in feats]
    assert stages[1].outputs == [("", list(neck.shape))]
    assert stages[2].outputs == [("maps", list(head["maps"].shape))]      # eval: P alone
    fig = diagram.draw_architecture(model, image_size=(64, 96))
    drawn = texts(fig)
    for stage in stages:
        assert stage.kind in drawn
    assert f"[3] {diagram.format_shape(feats[3].shape)}" in drawn
    assert diagram.format_shape(neck.shape) in drawn
    assert legible(fig)


def test_changing_the_neck_width_changes_the_drawn_shape():
    def neck_line(width):
        cfg = load_config(DET, [f"Architecture.Neck.out_channels={width}"])
        return [t for t in texts(diagram.draw_architecture(build_model(cfg["Architecture"]), (64, 64)))
                if t.startswith("C=") and "H=16 W=16" in t]
    assert neck_line(96) == ["C=96 H=16 W=16"]
    assert neck_line(64) == ["C=64 H=16 W=16"]


def test_train_mode_shows_the_three_db_maps_and_leaves_the_model_alone():
    model = build_model(load_config(DET)["Architecture"])
    model.eval()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    head = diagram.trace_stages(model, image_size=(64, 64), train=True)[""][-1]
    assert head.outputs == [("maps", [1, 3, 64, 64])]                     # P, T and B-hat
    assert head.details == [("binarize", [1, 1, 64, 64]), ("thresh", [1, 1, 64, 64])]
    assert not model.training
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k].numpy()) for k in before)  # BN statistics too


def test_crnn_collapses_the_height_into_time_steps():
    arch = load_config(REC, ["Architecture.Head.out_channels=37"])["Architecture"]
    stages = diagram.trace_stages(build_model(arch), image_size=(32, 160))[""]
    (_, feature), = stages[0].outputs
    (_, sequence), = stages[1].outputs
    assert feature[2] == 1 and sequence[1] == feature[3]                  # H = 1, T = W
    assert diagram.format_shape(sequence) == f"T={feature[3]} C={sequence[2]}"
    assert stages[2].outputs[0][1] == [1, feature[3], 37]
    assert [name for name, _ in stages[1].details] == ["encoder_reshape", "encoder"]


@pytest.mark.parametrize("config, image_size", [(CML, (64, 64)), (UDML, (32, 96))])
def test_distillation_rows_and_loss_links_come_from_the_built_objects(config, image_size):
    cfg = load_config(config)
    model, loss = build_from_config(cfg), build_loss(cfg["Loss"])
    links = diagram.loss_links(loss)
    entries = [next(iter(e.items())) for e in cfg["Loss"]["loss_config_list"]]
    assert [link.kind for link in links] == [name for name, _ in entries]
    assert [link.weight for link in links] == [params["weight"] for _, params in entries]
    for link, (_, params) in zip(links, entries):
        assert link.pairs == [tuple(p) for p in params.get("model_name_pairs", [])]
        assert link.models == list(params.get("model_name_list", []))
    fig = diagram.draw_architecture(model, image_size, loss=loss, train=True)
    drawn = texts(fig)
    for name in model.model_names:
        frozen = cfg["Architecture"]["Models"][name].get("freeze_params", False)
        assert (f"{name} (frozen)" if frozen else name) in drawn
    assert all(link.kind in drawn for link in links)
    assert legible(fig)


def test_tia_figure_draws_the_library_points_and_keeps_the_global_generator():
    image = np.random.default_rng(0).integers(0, 255, (32, 120, 3), dtype=np.uint8)
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    fig = diagram.draw_tia(image, seed=5)
    assert np.array_equal(np.random.get_state()[1], state)
    np.random.seed(5)
    src, dst = rec_aug.distort_points(120, 32)
    drawn = fig.axes[1].lines[0].get_xydata()                              # crosses on the warped line
    assert np.allclose(drawn, np.asarray(dst, dtype=float))
    assert np.array_equal(fig.axes[1].images[0].get_array()[:, :, ::-1], warp_mls(image, src, dst, 120, 32))
    assert legible(fig)


def test_tia_warps_are_their_points_through_warp_mls():
    image = np.random.default_rng(1).integers(0, 255, (32, 100, 3), dtype=np.uint8)
    perspective = (lambda img, segment: rec_aug.tia_perspective(img),
                   lambda w, h, segment: rec_aug.perspective_points(w, h))
    for warp, points in ((rec_aug.tia_distort, rec_aug.distort_points),
                         (rec_aug.tia_stretch, rec_aug.stretch_points), perspective):
        np.random.seed(7)
        out = warp(image, 4)
        np.random.seed(7)
        assert np.array_equal(out, warp_mls(image, *points(100, 32, 4), 100, 32))


def test_fpgm_bars_mark_the_filters_fpgm_prunes_first():
    model = build_model(load_config(DET)["Architecture"])
    name = "backbone.stage1.2.linear_conv.conv"
    weight = dict(model.named_sublayers())[name].weight.numpy()
    fig = diagram.draw_fpgm(model, name, ratio=0.25)
    bars = fig.axes[0].patches
    red = {i for i, bar in enumerate(bars) if bar.get_facecolor()[0] > 0.7}
    assert len(bars) == len(weight)
    assert red == set(fpgm_ranking(weight)[: len(weight) // 4].tolist())
    assert f"weight {list(weight.shape)}" in fig.axes[0].get_title()
    assert legible(fig)
