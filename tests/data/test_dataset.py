"""SimpleDataSet: label files, load-time errors, skipped images, ratio_list, CopyPaste's extra sample."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from ocrcourse.data import SimpleDataSet
from ocrcourse.errors import ConfigError, LabelFormatError

DET_OPS = [{"DecodeImage": {"img_mode": "BGR", "channel_first": False}}, {"DetLabelEncode": None},
           {"KeepKeys": {"keep_keys": ["image", "polys", "ignore_tags"]}}]


def _det_line(name, boxes):
    label = [{"transcription": t, "points": [[x, y], [x + 20, y], [x + 20, y + 10], [x, y + 10]]} for t, x, y in boxes]
    return f"{name}\t{json.dumps(label)}\n"


@pytest.fixture()
def det_dir(tmp_path):
    (tmp_path / "images").mkdir()
    for k in range(4):
        cv2.imwrite(str(tmp_path / "images" / f"{k}.png"), np.full((40, 60, 3), 40 * k, np.uint8))
    (tmp_path / "images" / "corrupt.png").write_bytes(b"this is not a png")
    lines = [_det_line(f"images/{k}.png", [("ab", 5, 5), ("###", 30, 20)]) for k in range(4)]
    (tmp_path / "train.txt").write_text("".join(lines))
    return tmp_path


def test_reads_det_samples(det_dir):
    ds = SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(det_dir / "train.txt")], transforms=DET_OPS, mode="eval")
    assert len(ds) == 4
    image, polys, ignore = ds[2]
    assert image.shape == (40, 60, 3) and image[0, 0, 0] == 80
    assert polys.shape == (2, 4, 2) and ignore.tolist() == [False, True]


def test_malformed_det_line_names_file_and_line(det_dir):
    path = det_dir / "bad.txt"
    path.write_text(_det_line("images/0.png", [("a", 1, 1)]) + 'images/1.png\t[{"transcription": "x", "points": [[1, 2]]}]\n')
    with pytest.raises(LabelFormatError, match=r"bad\.txt:2"):
        SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(path)], transforms=DET_OPS)


def test_line_without_tab_is_a_label_format_error(det_dir):
    path = det_dir / "notab.txt"
    path.write_text("images/0.png some text\n")
    with pytest.raises(LabelFormatError, match=r"notab\.txt:1"):
        SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(path)], transforms=[])


def test_missing_and_corrupt_images_are_skipped_and_counted(det_dir):
    path = det_dir / "mixed.txt"
    path.write_text(_det_line("images/missing.png", [("a", 1, 1)]) + _det_line("images/corrupt.png", [("a", 1, 1)])
                    + _det_line("images/3.png", [("a", 1, 1)]))
    ds = SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(path)], transforms=DET_OPS, mode="eval")
    image, _, _ = ds[0]                        # eval: falls through to the next sample, then the next
    assert image[0, 0, 0] == 120
    assert ds.skipped == {"missing": 1, "corrupt": 1, "dropped": 0}
    assert ds.report() == {"missing": 1, "corrupt": 1, "dropped": 0}
    assert ds.skipped == {"missing": 0, "corrupt": 0, "dropped": 0}


def test_ratio_list_and_shuffle_are_seeded(det_dir):
    files = [str(det_dir / "train.txt")] * 2
    a = SimpleDataSet(data_dir=str(det_dir), label_file_list=files, ratio_list=[1.0, 0.5], transforms=[], seed=3, shuffle=True)
    b = SimpleDataSet(data_dir=str(det_dir), label_file_list=files, ratio_list=[1.0, 0.5], transforms=[], seed=3, shuffle=True)
    assert len(a) == 6 and a.samples == b.samples
    with pytest.raises(ConfigError, match="ratio_list"):
        SimpleDataSet(data_dir=str(det_dir), label_file_list=files, ratio_list=[1.0], transforms=[])


def test_copy_paste_gets_an_extra_decoded_sample(det_dir):
    ops = DET_OPS[:2] + [{"CopyPaste": {"objects_paste_ratio": 0.2, "limit_paste": True}},
                         {"KeepKeys": {"keep_keys": ["image", "polys", "pasted"]}}]
    ds = SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(det_dir / "train.txt")], transforms=ops,
                       ext_op_transform_idx=2)
    assert ds.ext_data_num == 1
    np.random.seed(0)
    image, polys, pasted = ds[0]
    assert len(polys) == len(pasted) >= 2 and not pasted[:2].any()


def test_global_values_reach_only_ops_that_name_them(det_dir, tmp_path):
    ds = SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(det_dir / "train.txt")], transforms=DET_OPS,
                       global_config={"max_text_length": 25, "use_space_char": True})
    assert len(ds.ops) == 3
