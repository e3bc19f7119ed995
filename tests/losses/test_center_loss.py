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


def test_center_file_loads_whenever_the_path_is_set(tmp_path):
    """PaddleOCR >= 2.4: no init_center switch; a set center_file_path is loaded."""
    path = _pickle_centers(tmp_path)
    expected = np.asarray(EX["inputs"]["centers"], "float64")
    np.testing.assert_array_equal(CenterLoss(num_classes=5, feat_dim=3, center_file_path=str(path)).centers.numpy(),
                                  expected)
    # the official config's `init_center: false` next to a path: the old key no longer blocks loading
    old = CenterLoss(num_classes=5, feat_dim=3, init_center=False, center_file_path=str(path))
    np.testing.assert_array_equal(old.centers.numpy(), expected)


def test_no_path_keeps_random_centers():
    paddle.seed(3)
    loss = CenterLoss(num_classes=5, feat_dim=3, init_center=False, center_file_path=None)
    assert loss.centers.shape == [5, 3]
    with pytest.raises(ConfigError, match="center_file_path is empty"):
        CenterLoss(num_classes=5, feat_dim=3, init_center=True)


def test_missing_file_without_init_center_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        CenterLoss(num_classes=5, feat_dim=3, center_file_path=str(tmp_path / "train_center.pkl"))


@pytest.mark.parametrize("content, what", [({7: np.zeros(3)}, "class 7"), ({1: np.zeros(4)}, "4 numbers"),
                                           ([np.zeros(3)], "not the")])
def test_mismatched_center_file_is_a_config_error(tmp_path, content, what):
    path = tmp_path / "c.pkl"
    path.write_bytes(pickle.dumps(content))
    with pytest.raises(ConfigError, match=what):
        CenterLoss(num_classes=5, feat_dim=3, center_file_path=str(path))
