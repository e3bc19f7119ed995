"""The PaddleOCR-style scripts in tools/ run with PaddleOCR's flags: infer_det / infer_rec on a
training config + weights, and infer/predict_system on exported inference models."""
from __future__ import annotations

import json
import runpy

import numpy as np
import paddle
import pytest

from smoke import REPO, config, data_overrides, tiny_data

DET = "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student_quick.yml"
REC = "configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0_quick.yml"


def _script(rel):
    return runpy.run_path(str(REPO / rel), run_name="tools_under_test")["main"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from ocrcourse.pipeline.export import export_model
    from ocrcourse.train.trainer import build_for_export

    root = tmp_path_factory.mktemp("tools")
    data = tiny_data(root / "train_data")
    paddle.seed(0)
    det_o = [*data_overrides(data, "det"), "Architecture.Backbone.model_name=small", "Architecture.Backbone.scale=0.35",
             "Eval.dataset.transforms.2.DetResizeForTest.limit_side_len=160"]
    rec_o = [*data_overrides(data, "rec"), f"Global.character_dict_path={data}/dict.txt",
             "Architecture.Backbone.scale=0.35"]
    weights = {}
    for name, rel, o in (("det", DET, det_o), ("rec", REC, rec_o)):
        cfg = config(rel, *o)
        model = build_for_export(cfg)                          # random weights, saved as "trained" ones
        paddle.save(model.state_dict(), str(root / f"{name}.pdparams"))
        export_model(model, cfg, root / f"{name}_infer")
        weights[name] = (rel, o, root / f"{name}.pdparams")
    return root, data, weights


def test_infer_det_and_infer_rec(setup):
    root, data, weights = setup
    rel, o, w = weights["det"]
    image = sorted((data / "det" / "images").iterdir())[0]
    out = root / "det_res.txt"
    assert _script("tools/infer_det.py")(["-c", str(REPO / rel), "-o", *o, f"Global.pretrained_model={w}",
                                           f"Global.infer_img={image}", f"Global.save_res_path={out}"]) == 0
    name, body = out.read_text().strip().split("\t")
    assert name == str(image) and isinstance(json.loads(body)["boxes"], list)

    rel, o, w = weights["rec"]
    images = data / "rec" / "images"
    out = root / "rec_res.txt"
    assert _script("tools/infer_rec.py")(["-c", str(REPO / rel), "-o", *o, f"Global.pretrained_model={w}",
                                           f"Global.infer_img={images}", f"Global.save_res_path={out}"]) == 0
    lines = out.read_text().strip().splitlines()
    assert len(lines) == len(list(images.iterdir()))
    text, score = json.loads(lines[0].split("\t")[1])["result"]
    assert isinstance(text, str) and 0.0 <= score <= 1.0


def test_predict_system_on_exported_models(setup):
    from ocrcourse.pipeline import PPOCR

    root, data, _ = setup
    image = sorted((data / "det" / "images").iterdir())[0]
    args = ["--image_dir", str(image), "--det_model_dir", str(root / "det_infer"), "--rec_model_dir",
            str(root / "rec_infer"), "--rec_char_dict_path", str(data / "dict.txt"), "--rec_image_shape", "3, 32, 320",
            "--use_angle_cls", "false", "--drop_score", "0", "--use_gpu", "false", "--draw_img_save_dir", str(root / "vis")]
    assert _script("tools/infer/predict_system.py")(args) == 0
    name, body = (root / "vis" / "system_results.txt").read_text().strip().split("\t")
    items = json.loads(body)
    assert name == image.name and all({"transcription", "points"} <= set(i) for i in items)
    system = PPOCR(det_model=str(root / "det_infer"), rec_model=str(root / "rec_infer"),
                   character_dict_path=str(data / "dict.txt"), rec_image_shape=(3, 32, 320), drop_score=0)
    expected = system.ocr(str(image))
    assert [i["transcription"] for i in items] == [r["text"] for r in expected]
    assert np.array_equal([i["points"] for i in items], [r["points"] for r in expected])
