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


def _curved_line(name, n_points=14):
    """A det label line with one curved (n_points) polygon and one 4-point box."""
    t = np.linspace(5, 50, n_points // 2)
    top = [[float(x), 8 + 0.01 * (x - 27) ** 2] for x in t]
    bottom = [[float(x), 20 + 0.01 * (x - 27) ** 2] for x in t[::-1]]
    label = [{"transcription": "arc", "points": top + bottom},
             {"transcription": "box", "points": [[5, 28], [30, 28], [30, 36], [5, 36]]}]
    return f"{name}\t{json.dumps(label)}\n"


COPY_PASTE_OPS = DET_OPS[:2] + [{"CopyPaste": {"objects_paste_ratio": 0.5, "limit_paste": False}},
                                {"KeepKeys": {"keep_keys": ["image", "polys", "pasted"]}}]


def test_copy_paste_extra_sample_is_never_a_curved_one(det_dir):
    path = det_dir / "mixed_curved.txt"
    path.write_text(_curved_line("images/0.png") + _curved_line("images/1.png") + _det_line("images/2.png", [("ab", 5, 5)]))
    ds = SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(path)], transforms=COPY_PASTE_OPS, mode="eval")
    np.random.seed(0)
    for _ in range(20):                                   # as PaddleOCR: only the 4-point image qualifies
        (extra,) = ds._ext_data()
        assert extra["polys"].shape == (1, 4, 2) and extra["img_path"].endswith("2.png")
    image, polys, pasted = ds[0]                          # a curved image takes pastes, padded to 14 points
    assert polys.shape == (3, 14, 2) and pasted.tolist() == [False, False, True]
    np.testing.assert_array_equal(polys[2, 4:], np.repeat(polys[2, 3:4], 10, axis=0))


def test_no_usable_extra_sample_is_a_clear_error_not_an_endless_loop(det_dir, monkeypatch):
    import ocrcourse.data.dataset as dataset_module
    from ocrcourse.errors import DataError

    path = det_dir / "all_curved.txt"
    path.write_text(_curved_line("images/0.png") + _curved_line("images/1.png") + _det_line("images/missing.png", [("a", 1, 1)]))
    ds = SimpleDataSet(data_dir=str(det_dir), label_file_list=[str(path)], transforms=COPY_PASTE_OPS, mode="eval")
    draws = []
    real_run = ds._run
    monkeypatch.setattr(ds, "_run", lambda k, ops, ext=None: draws.append(k) or real_run(k, ops, ext))
    np.random.seed(0)
    with pytest.raises(DataError) as info:
        ds[0]
    message = str(info.value)
    assert "CopyPaste" in message and str(path) in message and "4-point" in message
    assert "with 14-point polygons" in message and "with a missing image" in message
    assert len(draws) == dataset_module.EXT_TRIES                  # bounded: then the error
