"""CenterLoss against fixtures/loss_examples.json (predicted-label semantics)."""
import json
import pickle
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.losses import CenterLoss

EX = json.loads((Path(__file__).parents[1] / "fixtures" / "loss_examples.json").read_text())["CenterLoss"]


def _pickle_centers(tmp_path):
    centers = np.asarray(EX["inputs"]["centers"], "float64")
    path = tmp_path / "char_center.pkl"
    path.write_bytes(pickle.dumps({i: centers[i] for i in range(len(centers))}))
    return path


def test_center_loss_matches_fixture(tmp_path):
    i = EX["inputs"]
    loss = CenterLoss(num_classes=5, feat_dim=3, init_center=True,
                      center_file_path=str(_pickle_centers(tmp_path)))
    feats = paddle.to_tensor(np.asarray(i["features_BxTxD"], "float32"))
    logits = paddle.to_tensor(np.asarray(i["logits_BxTxC"], "float32"))
    out = loss((feats, logits), [None])
    assert list(out) == ["loss_center"]
    assert float(out["loss_center"]) == pytest.approx(EX["output"], rel=1e-5)
    assert float(out["loss_center"]) == pytest.approx(EX["reference_mean_sq_dist"], rel=1e-5)


def test_centers_are_not_parameters(tmp_path):
    loss = CenterLoss(num_classes=5, feat_dim=3)
    assert loss.parameters() == []
    assert loss.centers.dtype == paddle.float64


def test_partial_pickle_overwrites_listed_rows_only(tmp_path):
    path = tmp_path / "c.pkl"
    path.write_bytes(pickle.dumps({2: np.array([1.0, 2.0, 3.0])}))
    paddle.seed(0)
    loss = CenterLoss(num_classes=4, feat_dim=3, init_center=True, center_file_path=str(path))
    np.testing.assert_allclose(loss.centers.numpy()[2], [1.0, 2.0, 3.0])


def test_missing_center_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="export-center"):
        CenterLoss(num_classes=5, feat_dim=3, init_center=True,
                   center_file_path=str(tmp_path / "missing.pkl"))
