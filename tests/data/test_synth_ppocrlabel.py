"""A synthetic PPOCRLabel export: the format split_ppocrlabel reads, every crop accounted for."""
from __future__ import annotations

import pytest

from ocrcourse.data.converters import split_ppocrlabel
from ocrcourse.data.synth_ppocrlabel import make_ppocrlabel_folder
from ocrcourse.errors import DataError


def test_synthetic_ppocrlabel_folder_splits_cleanly(tmp_path):
    made = make_ppocrlabel_folder(tmp_path / "receipts", n_images=5, seed=0)
    assert made["images"] == 5 and made["crops"] > 5
    with pytest.raises(DataError, match="not empty"):
        make_ppocrlabel_folder(tmp_path / "receipts", n_images=1)
    report = split_ppocrlabel([tmp_path / "receipts"], tmp_path / "out", seed=0)
    assert report["det"] == {"train": 3, "val": 1, "test": 1}
    assert sum(report["rec"].values()) == made["crops"]
