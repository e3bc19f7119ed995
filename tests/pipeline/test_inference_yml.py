"""Export re-parameterises PP-LCNetV3 and writes the inference.yml PaddleOCR 3.x (PaddleX) reads: written,
parsed back, and used the way PaddleX's predictors use it (paddleocr 3.x itself is not installed)."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.config import load_config
from ocrcourse.dictionary import load_dict, packaged_dict_path
from ocrcourse.pipeline.export import (PADDLEX_OPS, inference_config, paddlex_model_name, read_inference_config)

REPO = Path(__file__).resolve().parents[2]
V4_REC = REPO / "configs/rec/PP-OCRv4/ch_PP-OCRv4_rec_quick.yml"


def _tiny_v4_rec_cfg():
    head = "Architecture.Head.head_list"
    return load_config(V4_REC, [f"Global.character_dict_path={packaged_dict_path('en_dict.txt')}",
                                "Architecture.Backbone.scale=0.25", f"{head}.0.CTCHead.Neck.dims=16",
                                f"{head}.0.CTCHead.Neck.hidden_dims=16", f"{head}.0.CTCHead.Neck.depth=1",
                                f"{head}.1.NRTRHead.nrtr_dim=32", f"{head}.1.NRTRHead.num_decoder_layers=1"])


def _paddlex_ctc_decode(probs, character_dict):
    """What PaddleX's CTCLabelDecode(character_list=character_dict) does: blank + dict + an appended space."""
    chars = ["blank", *character_dict, " "]
    texts = []
    for row in probs.argmax(-1):
        keep = [i for t, i in enumerate(row) if i != 0 and (t == 0 or i != row[t - 1])]
        texts.append("".join(chars[i] for i in keep))
    return texts


def test_v4_rec_export_fuses_and_writes_inference_yml(tmp_path, monkeypatch):
    import ocrcourse.models.reparam as reparam
    from ocrcourse.models import build_model
    from ocrcourse.pipeline.export import export_model, load_inference_model
    from ocrcourse.postprocess import build_postprocess
    from ocrcourse.train.trainer import wire_dictionary_size

    cfg = _tiny_v4_rec_cfg()
    post = build_postprocess(cfg["PostProcess"], cfg["Global"])
    paddle.seed(0)
    model = build_model(wire_dictionary_size(cfg, post)[0])
    for name, t in model.state_dict().items():          # non-trivial BN statistics, so fusing them matters
        if name.endswith(("_mean", "_variance")):
            t.set_value(np.random.default_rng(len(name)).uniform(0.5, 1.5, t.shape).astype("float32"))
    model.eval()
    fused = []
    real = reparam.reparameterize
    monkeypatch.setattr(reparam, "reparameterize", lambda layer: fused.append(real(layer)) or fused[-1])
    x = np.random.default_rng(0).uniform(-1, 1, (2, 3, 48, 160)).astype("float32")
    expected = model(paddle.to_tensor(x)).numpy()
    [out] = export_model(model, cfg, tmp_path / "rec")
    assert fused and fused[0] > 0                                   # the branches were fused before saving
    assert not reparam.is_reparameterized(model)                    # ... in a copy: the caller's model trains on
    def inference_bytes(layer):                                     # the CTC path (NRTR is training-only)
        return sum(int(np.prod(t.shape)) * 4 for k, t in layer.state_dict().items() if "gtc" not in k)

    fused_copy = copy.deepcopy(model)
    real(fused_copy)
    saved = (out / "inference.pdiparams").stat().st_size
    assert inference_bytes(fused_copy) <= saved < min(1.1 * inference_bytes(fused_copy), 0.9 * inference_bytes(model))
    got = load_inference_model(out)(x)
    np.testing.assert_allclose(got, expected, atol=1e-4)

    yml = read_inference_config(out)
    assert list(yml) == ["Global", "PreProcess", "PostProcess"]
    assert yml["Global"] == {"model_name": "PP-OCRv4_mobile_rec"}
    ops = [next(iter(op)) for op in yml["PreProcess"]["transform_ops"]]
    assert set(ops) <= set(PADDLEX_OPS["rec"]) and "RecResizeImg" in ops
    resize = next(op["RecResizeImg"] for op in yml["PreProcess"]["transform_ops"] if "RecResizeImg" in op)
    assert resize["image_shape"] == [3, 48, 320]
    decode = next(op["DecodeImage"] for op in yml["PreProcess"]["transform_ops"] if "DecodeImage" in op)
    assert decode == {"img_mode": "BGR", "channel_first": False}
    assert yml["PostProcess"]["name"] == "CTCLabelDecode"
    character_dict = yml["PostProcess"]["character_dict"]
    assert character_dict == load_dict(str(packaged_dict_path("en_dict.txt")))
    assert len(character_dict) + 2 == got.shape[2]                  # PaddleX: blank + dict + space = the classes
    assert _paddlex_ctc_decode(got, character_dict) == [t for t, _ in post(got)]


@pytest.mark.parametrize("rel, name", [("configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_student.yml", "PP-OCRv4_mobile_det"),
                                       ("configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml", "PP-OCRv3_mobile_det"),
                                       ("configs/rec/PP-OCRv3/ch_PP-OCRv3_rec.yml", "PP-OCRv3_mobile_rec"),
                                       ("configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec.yml", None)])
def test_model_names(rel, name):
    cfg = load_config(REPO / rel)
    assert paddlex_model_name(cfg) == name
    cfg["Global"]["pdx_model_name"] = "PP-OCRv4_server_rec"            # PaddleOCR's key wins
    assert paddlex_model_name(cfg) == "PP-OCRv4_server_rec"


def test_det_inference_config():
    cfg = load_config(REPO / "configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_student.yml")
    yml = inference_config(cfg)
    ops = [next(iter(op)) for op in yml["PreProcess"]["transform_ops"]]
    assert ops == [next(iter(e)) for e in cfg["Eval"]["dataset"]["transforms"]]     # all known to PaddleX
    assert {"DetResizeForTest", "NormalizeImage", "ToCHWImage"} <= set(ops)
    assert yml["PostProcess"] == cfg["PostProcess"] and "character_dict" not in yml["PostProcess"]
    cfg["Global"]["uniform_output_enabled"] = True
    hpi = inference_config(cfg)["Hpi"]["backend_configs"]
    assert hpi["tensorrt"]["dynamic_shapes"]["x"][1] == [1, 3, 640, 640]
    assert inference_config(load_config(REPO / "configs/cls/cls_mv3.yml")) is None


def test_distillation_sub_model_gets_the_plain_decoder():
    cfg = load_config(REPO / "configs/rec/PP-OCRv4/ch_PP-OCRv4_rec_distill_quick.yml",
                      [f"Global.character_dict_path={packaged_dict_path('en_dict.txt')}"])
    yml = inference_config(cfg, sub_model="Student")
    assert yml["Global"]["model_name"] == "PP-OCRv4_mobile_rec"
    assert set(yml["PostProcess"]) == {"name", "character_dict"} and yml["PostProcess"]["name"] == "CTCLabelDecode"
