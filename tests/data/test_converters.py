"""Converters on small fixture trees: ICDAR2015, PPOCRLabel exports, MMOCR JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocrcourse.data.converters import (convert_icdar2015, convert_mmocr, split_counts, split_ppocrlabel,
                                       validate_det_label_file, validate_rec_label_file)
from ocrcourse.errors import DataError, LabelFormatError
from reference_imaug import ppocr_imaug

BOM = "\ufeff"


def _icdar_tree(tmp_path: Path) -> Path:
    gt = tmp_path / "gt"
    gt.mkdir()
    (gt / "gt_img_1.txt").write_text(
        BOM + "377,117,463,117,465,130,378,130,Genaxis Theatre\n"
              "493,115,519,115,519,131,493,131,[06]\n374,155,409,155,409,170,374,170,###\n",
        encoding="utf-8")
    (gt / "gt_img_10.txt").write_text(BOM + "1,2,30,2,30,20,1,20,a,b,c\n", encoding="utf-8")
    (gt / "gt_img_2.txt").write_text(BOM + "5,5,50,5,50,25,5,25,HELLO\n", encoding="utf-8")
    return gt


def test_icdar2015(tmp_path):
    gt = _icdar_tree(tmp_path)
    out = tmp_path / "labels" / "train.txt"
    report = convert_icdar2015(gt, out, image_prefix="icdar_c4_train_imgs/")
    assert report == {"out_file": str(out), "images": 3, "regions": 5, "ignored": 1}
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [l.split("\t")[0] for l in lines] == [f"icdar_c4_train_imgs/img_{i}.jpg" for i in (1, 2, 10)]
    first = json.loads(lines[0].split("\t")[1])
    assert first[0] == {"transcription": "Genaxis Theatre", "points": [[377, 117], [463, 117], [465, 130], [378, 130]]}
    assert first[2]["transcription"] == "###"                        # kept, not dropped
    assert json.loads(lines[2].split("\t")[1])[0]["transcription"] == "a,b,c"   # commas in text
    data = ppocr_imaug("label_ops").DetLabelEncode()({"label": lines[0].split("\t")[1]})
    assert data["polys"].shape == (3, 4, 2) and list(data["ignore_tags"]) == [False, False, True]
    with pytest.raises(DataError, match="--force"):
        convert_icdar2015(gt, out)
    convert_icdar2015(gt, out, force=True)
    with pytest.raises(DataError, match="img_1.jpg"):
        convert_icdar2015(gt, tmp_path / "x.txt", image_dir=tmp_path)     # images missing


def test_icdar2015_bad_line_names_file_and_line(tmp_path):
    gt = tmp_path / "gt"
    gt.mkdir()
    (gt / "gt_img_1.txt").write_text(BOM + "1,2,3,4,5,6,7,8,ok\n1,2,3,x,5,6,7,8,bad\n", encoding="utf-8")
    with pytest.raises(LabelFormatError, match=r"gt_img_1.txt:2"):
        convert_icdar2015(gt, tmp_path / "out.txt")


def _ppocrlabel_tree(root: Path, name: str, n: int) -> Path:
    folder = root / name
    (folder / "crop_img").mkdir(parents=True)
    det, rec = [], []
    for i in range(n):
        img = f"img{i}.jpg"
        (folder / img).write_bytes(b"jpeg" + bytes([i]))
        box = [[1, 1], [20, 1], [20, 9], [1, 9]]
        det.append(f"{name}/{img}\t" + json.dumps([{"transcription": f"t{i}", "points": box, "difficult": False}]))
        for k in range(2):
            crop = f"img{i}_crop_{k}.jpg"
            (folder / "crop_img" / crop).write_bytes(b"crop")
            rec.append(f"crop_img/{crop}\tt{i}-{k}")
    (folder / "Label.txt").write_text("\n".join(det) + "\n", encoding="utf-8")
    (folder / "rec_gt.txt").write_text("\n".join(rec) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 10, 11])
def test_split_counts_never_lose_an_item(n):
    counts = split_counts(n, (6, 2, 2))
    assert sum(counts) == n and min(counts) >= 0
    if n == 10:
        assert counts == (6, 2, 2)


def test_ppocrlabel_split(tmp_path):
    a = _ppocrlabel_tree(tmp_path, "batch1", 7)
    b = _ppocrlabel_tree(tmp_path, "batch2", 4)        # same image names: renamed, not lost
    out = tmp_path / "out"
    report = split_ppocrlabel([a, b], out, seed=1)
    assert sum(report["det"].values()) == 11 and sum(report["rec"].values()) == 22
    assert report["det"] == {"train": 6, "val": 2, "test": 3}
    det_images, rec_split = {}, {}
    for s in ("train", "val", "test"):
        assert validate_det_label_file(out / "det" / f"{s}.txt", out / "det") == report["det"][s]
        assert validate_rec_label_file(out / "rec" / f"{s}.txt", out / "rec") == report["rec"][s]
        for line in (out / "det" / f"{s}.txt").read_text(encoding="utf-8").splitlines():
            det_images[line.split("\t")[0].split("/")[1]] = s
        for line in (out / "rec" / f"{s}.txt").read_text(encoding="utf-8").splitlines():
            rec_split[line.split("\t")[0].split("/")[1]] = s
    assert len(det_images) == 11                       # no image lost or duplicated
    for crop, s in rec_split.items():                  # a crop follows its source image
        assert det_images[crop.split("_crop_")[0] + ".jpg"] == s
    again = split_ppocrlabel([a, b], tmp_path / "out2", seed=1)
    assert again["det"] == report["det"]
    assert (out / "det" / "train.txt").read_text() == (tmp_path / "out2" / "det" / "train.txt").read_text()
    with pytest.raises(DataError, match="--force"):
        split_ppocrlabel([a], out)


def test_ppocrlabel_missing_image_is_an_error(tmp_path):
    a = _ppocrlabel_tree(tmp_path, "batch", 2)
    (a / "img1.jpg").unlink()
    with pytest.raises(DataError, match="img1.jpg"):
        split_ppocrlabel([a], tmp_path / "out")


def test_mmocr_det_and_rec(tmp_path):
    det = {"metainfo": {"task_name": "textdet"}, "data_list": [
        {"img_path": "imgs/a.jpg", "height": 100, "width": 200, "instances": [
            {"polygon": [0, 0, 10, 0, 10, 5, 0, 5], "text": "hi", "ignore": False},
            {"bbox": [20, 20, 40, 30], "text": "zz", "ignore": True}]}]}
    (tmp_path / "det.json").write_text(json.dumps(det))
    r = convert_mmocr(tmp_path / "det.json", tmp_path / "det.txt", image_prefix="data/")
    assert r["lines"] == 1 and r["task"] == "textdet"
    path, label = (tmp_path / "det.txt").read_text().splitlines()[0].split("\t")
    assert '"points": [[0, 0], [10, 0]' in label                      # integers stay integers
    regions = json.loads(label)
    assert path == "data/imgs/a.jpg"
    assert regions[0] == {"transcription": "hi", "points": [[0, 0], [10, 0], [10, 5], [0, 5]]}
    assert regions[1]["transcription"] == "###" and regions[1]["points"][2] == [40, 30]
    rec = {"metainfo": {"task_name": "textrecog"}, "data_list": [
        {"img_path": "c/1.png", "instances": [{"text": "GRAND"}]}]}
    (tmp_path / "rec.json").write_text(json.dumps(rec))
    assert convert_mmocr(tmp_path / "rec.json", tmp_path / "rec.txt")["lines"] == 1
    assert (tmp_path / "rec.txt").read_text() == "c/1.png\tGRAND\n"
    with pytest.raises(DataError, match="--force"):
        convert_mmocr(tmp_path / "rec.json", tmp_path / "rec.txt")
    (tmp_path / "bad.json").write_text(json.dumps({"data_list": []}))
    with pytest.raises(DataError, match="task"):
        convert_mmocr(tmp_path / "bad.json", tmp_path / "bad.txt")

