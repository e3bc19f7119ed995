"""DBLoss and its seg losses against the measured values of fixtures/loss_examples.json."""
import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.errors import DataError
from ocrcourse.losses import BalanceLoss, DBLoss, DiceLoss, MaskL1Loss, NonFiniteError, build_loss

EX = json.loads((Path(__file__).parents[1] / "fixtures" / "loss_examples.json").read_text())["DBLoss"]


def _t(x):
    return paddle.to_tensor(np.asarray(x, dtype="float32"))


def _inputs():
    i = EX["inputs"]
    maps = _t(i["maps_BxCxHxW"])
    batch = [None, _t(i["threshold_map"]), _t(i["threshold_mask"]), _t(i["shrink_map"]),
             _t(i["shrink_mask"])]
    return maps, batch


@pytest.mark.parametrize("main_loss_type,expected_key", [
    ("DiceLoss", "outputs"), ("BCELoss", "outputs_with_main_loss_type_BCELoss")])
def test_dbloss_matches_fixture(main_loss_type, expected_key):
    maps, batch = _inputs()
    cfg = {**EX["config"], "name": "DBLoss", "main_loss_type": main_loss_type}
    out = build_loss(cfg)({"maps": maps}, batch)
    assert set(out) == {"loss", "loss_shrink_maps", "loss_threshold_maps", "loss_binary_maps"}
    for key, value in EX[expected_key].items():
        assert float(out[key]) == pytest.approx(value, rel=1e-5), key


def test_dice_balance_is_plain_dice_quirk():
    """With DiceLoss the balanced shrink loss is Dice·(Pc+Nc)/(Pc+Nc+eps) ≈ Dice (no OHEM)."""
    maps, batch = _inputs()
    shrink = maps[:, 0]
    dice = float(DiceLoss()(shrink, batch[3], batch[4]))
    assert dice == pytest.approx(EX["note_dice_of_shrink_channel"], rel=1e-5)
    balanced = float(BalanceLoss()(shrink, batch[3], batch[4]))
    assert balanced == pytest.approx(dice, rel=1e-6)


def test_dice_is_zero_for_perfect_prediction():
    gt = _t(np.random.RandomState(0).rand(2, 8, 8) > 0.5)
    mask = paddle.ones_like(gt)
    assert float(DiceLoss()(gt, gt, mask)) == pytest.approx(0.0, abs=1e-6)


def test_ohem_keeps_at_most_ratio_times_positives():
    """BCE mode: the result equals (Σ pos BCE + top-3·Pc negative BCE) / (Pc + Nc)."""
    rng = np.random.RandomState(1)
    pred = rng.uniform(0.05, 0.95, (1, 10, 10)).astype("float32")
    gt = np.zeros((1, 10, 10), "float32")
    gt[0, :2, :2] = 1                                     # 4 positives, 96 negatives
    mask = np.ones_like(gt)
    got = float(BalanceLoss(main_loss_type="BCELoss")(_t(pred), _t(gt), _t(mask)))
    bce = -(gt * np.log(pred) + (1 - gt) * np.log(1 - pred))
    neg = np.sort(bce[gt == 0])[::-1]
    assert got == pytest.approx((bce[gt == 1].sum() + neg[:12].sum()) / (4 + 12 + 1e-6), rel=1e-5)
    # the easiest negatives are not used: making one even easier leaves the loss unchanged
    easiest = np.unravel_index(np.argmin(np.where(gt == 0, bce, np.inf)), gt.shape)
    pred2 = pred.copy()
    pred2[easiest] *= 0.5
    again = float(BalanceLoss(main_loss_type="BCELoss")(_t(pred2), _t(gt), _t(mask)))
    assert again == pytest.approx(got, rel=1e-7)


def test_empty_ground_truth_gives_defined_loss():
    maps = _t(np.random.RandomState(2).uniform(0.1, 0.9, (1, 3, 8, 8)))
    zeros = paddle.zeros([1, 8, 8])
    batch = [None, zeros, zeros, zeros, zeros]            # no text, everything masked out
    out = DBLoss()({"maps": maps}, batch)
    assert all(np.isfinite(float(v)) for v in out.values())
    assert float(MaskL1Loss()(maps[:, 1], zeros, zeros)) == 0.0


def test_nan_prediction_raises():
    maps, batch = _inputs()
    bad = maps.numpy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(NonFiniteError, match="NaN"):
        DBLoss()({"maps": _t(bad)}, batch)


def test_numpy_batch_is_accepted_and_shape_mismatch_is_explained():
    maps, batch = _inputs()
    numpy_batch = [None] + [b.numpy() for b in batch[1:]]
    out = DBLoss()({"maps": maps}, numpy_batch)
    assert float(out["loss"]) == pytest.approx(EX["outputs"]["loss"], rel=1e-5)
    small = [None] + [b[:, :4, :4] for b in batch[1:]]
    with pytest.raises(DataError, match="label map shape"):
        DBLoss()({"maps": maps}, small)
