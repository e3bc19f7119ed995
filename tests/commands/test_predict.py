"""`ocrcourse predict` end to end on the official weights (skipped without them)."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
import skimage.data

from ocrcourse.cli import main
from ocrcourse.errors import WeightsError


@pytest.fixture(scope="module", autouse=True)
def _official_weights():
    from ocrcourse.weights import official, official_dict_path

    try:
        for name in ("PP-OCRv3_det", "PP-OCRv3_rec", "ppocr_mobile_v2.0_cls"):
            official(name)
        official_dict_path()
    except WeightsError as e:
        pytest.skip(f"official weights unavailable: {e}")


def test_predict_folder_json_and_pictures(tmp_path, capsys):
    folder = tmp_path / "imgs"
    folder.mkdir()
    cv2.imwrite(str(folder / "page.png"), skimage.data.page())
    cv2.imwrite(str(folder / "blank.jpg"), np.full((64, 96, 3), 255, np.uint8))
    (folder / "notes.txt").write_text("not an image")
    out = tmp_path / "res" / "out.json"
    assert main(["predict", "--image_dir", str(folder), "--use_angle_cls", "--json", str(out),
                 "--vis_dir", str(tmp_path / "vis")]) == 0
    entries = json.loads(out.read_text(encoding="utf-8"))
    assert [e["image"] for e in entries] == [str(folder / "blank.jpg"), str(folder / "page.png")]
    assert entries[0]["results"] == []
    page = entries[1]["results"]
    assert page[0]["text"] == "Region-based segmentation" and len(page[0]["points"]) == 4
    assert (tmp_path / "vis" / "page.jpg").is_file()
    assert "Region-based segmentation" in capsys.readouterr().out


def test_predict_det_only_and_rec_only(tmp_path):
    cv2.imwrite(str(tmp_path / "page.png"), skimage.data.page())
    assert main(["predict", "--image_dir", str(tmp_path / "page.png"), "--rec", "false",
                 "--json", str(tmp_path / "det.json")]) == 0
    boxes = json.loads((tmp_path / "det.json").read_text())[0]["results"]
    assert boxes and set(boxes[0]) == {"points"}
    x0, y0 = boxes[0]["points"][0]
    x1, y1 = boxes[0]["points"][2]
    cv2.imwrite(str(tmp_path / "line.png"), skimage.data.page()[y0:y1, x0:x1])
    assert main(["predict", "--image_dir", str(tmp_path / "line.png"), "--det", "false",
                 "--json", str(tmp_path / "rec.json")]) == 0
    [line] = json.loads((tmp_path / "rec.json").read_text())[0]["results"]
    assert line["text"].replace(" ", "") == "Region-basedsegmentation"


def test_predict_errors(tmp_path, capsys):
    assert main(["predict", "--image_dir", str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["predict", "--image_dir", str(tmp_path), "--det", "false", "--rec", "false"]) == 1
    assert "nothing to do" in capsys.readouterr().err


def test_predict_poly_boxes_on_a_curved_line(tmp_path):
    from ocrcourse.data.synth import make_det_scene

    image, labels = make_det_scene(np.random.default_rng(0), size=(480, 480), n_lines=3, layout="scattered",
                                   curved=1.0)
    assert any(len(label["points"]) > 4 for label in labels)
    cv2.imwrite(str(tmp_path / "curved.png"), image)
    for box_type in ("quad", "poly"):
        assert main(["predict", "--image_dir", str(tmp_path / "curved.png"), "--rec", "false",
                     "--det_box_type", box_type, "--json", str(tmp_path / f"{box_type}.json")]) == 0
    quads = json.loads((tmp_path / "quad.json").read_text())[0]["results"]
    polys = json.loads((tmp_path / "poly.json").read_text())[0]["results"]
    assert quads and all(len(r["points"]) == 4 for r in quads)
    assert any(len(r["points"]) > 4 for r in polys)


def test_predict_as_paddleocr_docs_print_it(tmp_path, capsys):
    """The command of PaddleOCR's quick start, flag for flag: `--use_angle_cls true --use_gpu false`."""
    cv2.imwrite(str(tmp_path / "page.png"), skimage.data.page())
    argv = ["predict", "--image_dir", str(tmp_path / "page.png"), "--use_angle_cls", "true", "--use_gpu", "false",
            "--det", "true", "--rec", "true", "--json", str(tmp_path / "out.json")]
    assert main(argv) == 0
    [entry] = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert entry["results"][0]["text"] == "Region-based segmentation"
    assert main(["predict", "--image_dir", str(tmp_path / "page.png"), "--use_angle_cls", "false", "--rec", "False",
                 "--json", str(tmp_path / "det.json")]) == 0
    assert set(json.loads((tmp_path / "det.json").read_text())[0]["results"][0]) == {"points"}


def test_predict_use_gpu_true_without_a_gpu_runs_on_the_cpu(tmp_path, caplog):
    import paddle

    cv2.imwrite(str(tmp_path / "page.png"), skimage.data.page())
    if paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0:
        pytest.skip("this machine has a GPU")
    with caplog.at_level("WARNING"):
        assert main(["predict", "--image_dir", str(tmp_path / "page.png"), "--use_gpu", "true", "--rec", "false"]) == 0
    assert "sees no GPU" in caplog.text
