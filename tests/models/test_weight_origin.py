import numpy as np
import paddle
import pytest

from ocrcourse.models.weight_origin import (max_abs_difference, part_distances, part_keys,
                                            relative_distance, weight_origin)


def _state(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {"backbone.conv.weight": rng.normal(size=(4, 3)).astype("float32"),
            "neck.conv.weight": rng.normal(size=(2, 2)).astype("float32"),
            "head.binarize.weight": rng.normal(size=(3,)).astype("float32"),
            "head.thresh.weight": rng.normal(size=(3,)).astype("float32"),
            "head.thresh2.weight": rng.normal(size=(1,)).astype("float32")}


def test_part_keys_matches_whole_components_only():
    keys = list(_state(0))
    assert part_keys(keys, "head.thresh") == ["head.thresh.weight"]
    assert part_keys(keys, "head") == ["head.binarize.weight", "head.thresh.weight", "head.thresh2.weight"]


def test_relative_distance_against_numpy():
    a, b = _state(0), _state(1)
    keys = ["backbone.conv.weight", "neck.conv.weight"]
    expected = np.sqrt(sum(((a[k].astype(float) - b[k]) ** 2).sum() for k in keys)
                       / sum((b[k].astype(float) ** 2).sum() for k in keys))
    assert relative_distance(a, b, keys) == pytest.approx(expected)
    assert relative_distance(a, a, keys) == 0.0


def test_max_abs_difference_reads_tensors_and_arrays():
    a = _state(0)
    b = {k: paddle.to_tensor(v) for k, v in a.items()}
    assert max_abs_difference(a, b) == 0.0
    b["neck.conv.weight"] = paddle.to_tensor(a["neck.conv.weight"] + np.float32(0.25))
    assert max_abs_difference(a, b) == pytest.approx(0.25)
    with pytest.raises(KeyError):
        max_abs_difference(a, {k: v for k, v in a.items() if k != "neck.conv.weight"})


def test_weight_origin_names_the_first_identical_source():
    official = {k: v for k, v in _state(0).items() if not k.startswith("head.thresh")}  # inference file
    init = _state(1)
    model = {**init, **official}                                   # loaded what the file had
    trained = {k: v + np.float32(0.01) for k, v in model.items()}
    sources = {"official file": official, "initial values": init}
    table = weight_origin(model, sources, ["backbone", "neck", "head.binarize", "head.thresh", "head"])
    assert table.loc["backbone", "official file"] == "identical"
    assert table.loc["backbone", "initial values"] == "changed"
    assert table.loc["head.thresh", "official file"] == "absent"
    assert table.loc["head", "official file"] == "partly absent"
    assert list(table["origin"]) == ["official file"] * 3 + ["initial values", "none: trained"]
    assert list(table["tensors"]) == [1, 1, 1, 1, 3]
    after = weight_origin(trained, {**sources, "checkpoint": trained}, ["backbone", "head.thresh"])
    assert list(after["origin"]) == ["checkpoint", "checkpoint"]
    assert list(after["official file"]) == ["changed", "absent"]


def test_weight_origin_rejects_an_unknown_part():
    with pytest.raises(KeyError, match="transform"):
        weight_origin(_state(0), {"x": _state(0)}, ["transform"])


def test_part_distances_separates_bn_statistics_from_weights():
    ref = {"neck.conv.weight": np.ones(4, "float32"), "neck.bn._mean": np.ones(2, "float32"),
           "neck.bn._variance": np.ones(2, "float32"), "head.fc.weight": np.ones(2, "float32")}
    moved = {**ref, "neck.bn._variance": np.full(2, 5.0, "float32"),
             "head.fc.weight": np.array([1.0, 2.0], "float32")}
    weights = part_distances(moved, ref, ["neck", "head"])
    stats = part_distances(moved, ref, ["neck", "head"], bn_statistics=True)
    assert weights["neck"] == 0.0 and weights["head"] == pytest.approx(np.sqrt(1 / 2))
    assert stats["neck"] == pytest.approx(np.sqrt(32 / 4))   # ||(0,0,4,4)|| / ||(1,1,1,1)||
    assert stats["head"] == 0.0                              # no BN statistics: nothing moved
