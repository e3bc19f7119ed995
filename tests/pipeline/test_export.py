"""pipeline/export.py: input shapes per model type (facts §12), clear errors for wrong directories."""
from __future__ import annotations

from pathlib import Path

import pytest

from ocrcourse.config import load_config
from ocrcourse.errors import ConfigError, WeightsError
from ocrcourse.pipeline.export import input_spec_for, load_inference_model

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("rel, shape", [
    ("configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml", [-1, 3, -1, -1]),
    ("configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec.yml", [-1, 3, 32, -1]),           # v2.0 / v2: height 32
    ("configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_distillation.yml", [-1, 3, 48, -1]),  # v3: height 48
    ("configs/cls/cls_mv3.yml", [-1, 3, 48, 192]),
])
def test_input_spec_per_model_type(rel, shape):
    spec = input_spec_for(load_config(REPO / rel))
    assert [(-1 if s is None else s) for s in spec[0].shape] == shape and spec[0].name == "x"


def test_unknown_model_type_and_missing_directory(tmp_path):
    with pytest.raises(ConfigError, match="det, rec and cls"):
        input_spec_for({"Architecture": {"model_type": "kie"}})
    with pytest.raises(WeightsError, match="ocrcourse export"):
        load_inference_model(tmp_path)


def _upsampler_class():
    """Built from module-level names only: Paddle 2.6's dy2static cannot see a test function's locals."""
    import paddle

    class Upsampler(paddle.nn.Layer):
        def __init__(self):
            super().__init__()
            self.conv = paddle.nn.Conv2D(3, 2, 3, padding=1)

        def forward(self, x):
            return paddle.nn.functional.upsample(self.conv(x), scale_factor=2, mode="nearest", align_mode=1)

    return Upsampler


def test_inference_model_runs_graphs_onednn_rejects(tmp_path):
    """PaddleOCR's own det exports upsample with nearest_interp, which Paddle 3.3's oneDNN rejects:
    the loader must still give the dynamic model's output (falling back to plain kernels)."""
    import numpy as np
    import paddle

    from ocrcourse.pipeline.export import load_inference_model

    Upsampler = _upsampler_class()
    paddle.seed(0)
    net = Upsampler()
    net.eval()
    x = np.random.RandomState(0).rand(1, 3, 8, 8).astype("float32")
    expected = net(paddle.to_tensor(x)).numpy()
    paddle.jit.save(net, str(tmp_path / "inference"),
                    input_spec=[paddle.static.InputSpec([None, 3, None, None], "float32", name="x")])
    for use_onednn in (True, False):
        got = load_inference_model(tmp_path, use_onednn=use_onednn)(x)
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_export_leaves_the_callers_model_unchanged(tmp_path):
    """export_model converts a copy: the caller's DistillationModel keeps its eager forward, its
    train mode and return_all_feats, and the exported Student gives the eager Student's output."""
    import copy
    import types

    import numpy as np
    import paddle

    from ocrcourse.models import build_model
    from ocrcourse.pipeline.export import export_model

    cfg = load_config(REPO / "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_cml_quick.yml",
                      ["Architecture.Models.Student.Backbone.scale=0.35",
                       "Architecture.Models.Student.return_all_feats=true"])
    cfg["Architecture"] = copy.deepcopy(cfg["Architecture"])
    cfg["Architecture"]["Models"] = {"Student": cfg["Architecture"]["Models"]["Student"]}   # no teacher: fast
    paddle.seed(0)
    model = build_model(cfg["Architecture"])
    model.train()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}

    [folder] = export_model(model, cfg, tmp_path / "det")

    assert folder == tmp_path / "det" / "Student"
    assert isinstance(model.Student.forward, types.MethodType)          # not a to_static function
    assert model.training and all(layer.training for layer in model.sublayers())
    assert model.Student.return_all_feats is True
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    x = np.random.RandomState(0).rand(1, 3, 64, 96).astype("float32")
    model.eval()
    eager = model(paddle.to_tensor(x))["Student"]["maps"].numpy()
    exported = load_inference_model(folder, use_onednn=False)(x)
    np.testing.assert_allclose(exported, eager, atol=1e-5)


def test_export_replaces_an_earlier_export_of_either_format(tmp_path):

    from ocrcourse.models import build_model
    from ocrcourse.pipeline.export import export_model

    cfg = load_config(REPO / "configs/cls/cls_mv3.yml")
    for stale in ("inference.json", "inference.pdmodel"):
        (tmp_path / stale).write_text("left by another Paddle")
    model = build_model(cfg["Architecture"])
    export_model(model, cfg, tmp_path)
    left = {p.name for p in tmp_path.iterdir()}
    assert "inference.pdiparams" in left
    assert not any((tmp_path / name).is_file() and (tmp_path / name).read_bytes() == b"left by another Paddle"
                   for name in ("inference.json", "inference.pdmodel"))
    assert ("inference.json" in left) != ("inference.pdmodel" in left)          # one graph format
