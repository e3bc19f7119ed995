"""PFHeadLocal (PP-OCRv4 det teacher head): keys and shapes as PaddleOCR's det_db_head.py, and its maps
against a plain DBHead holding the same binarize / thresh weights."""
from __future__ import annotations

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.heads import HEADS, DBHead, build_head
from ocrcourse.models.heads.db_head import step_function


@pytest.mark.parametrize("mode, mid", [("large", 64), ("small", 32)])
def test_keys_and_shapes(mode, mid):
    head = build_head({"name": "PFHeadLocal", "k": 50, "mode": mode}, in_channels=256)
    sd = {k: list(v.shape) for k, v in head.state_dict().items()}
    db = {k: list(v.shape) for k, v in DBHead(256).state_dict().items()}
    extra = {k: s for k, s in sd.items() if k not in db}
    assert {k: sd[k] for k in db} == db                      # binarize.* and thresh.* unchanged
    assert extra == {"cbn_layer.last_3.conv.weight": [mid, 65, 3, 3], "cbn_layer.last_3.bn.weight": [mid],
                     "cbn_layer.last_3.bn.bias": [mid], "cbn_layer.last_3.bn._mean": [mid],
                     "cbn_layer.last_3.bn._variance": [mid], "cbn_layer.last_1.weight": [1, mid, 1, 1],
                     "cbn_layer.last_1.bias": [1]}
    assert HEADS["PFHeadLocal"] is type(head)


def test_maps_against_dbhead():
    paddle.seed(0)
    head = build_head({"name": "PFHeadLocal", "mode": "large"}, in_channels=32)
    db = DBHead(32)
    db.set_state_dict({k: v for k, v in head.state_dict().items() if not k.startswith("cbn_layer")})
    x = paddle.to_tensor(np.random.default_rng(0).standard_normal((2, 32, 8, 12)).astype("float32"))
    head.eval(), db.eval()
    out = head(x)
    p = db(x)["maps"]
    assert list(out["maps"].shape) == [2, 1, 32, 48]
    np.testing.assert_allclose(out["maps"].numpy(), (0.5 * (p + out["cbn_maps"])).numpy(), atol=1e-6)
    # the refinement sees the binarize features before the last deconv, upsampled x2, and P itself
    b = head.binarize
    f = F.interpolate(b.conv_bn2(b.conv2(b.conv_bn1(b.conv1(x)))), scale_factor=2, mode="nearest")
    manual = F.sigmoid(head.cbn_layer.last_1(head.cbn_layer.last_3(paddle.concat([p, f], axis=1))))
    np.testing.assert_allclose(out["cbn_maps"].numpy(), manual.numpy(), atol=1e-6)
    head.train(), db.train()
    train = head(x)
    ref = db(x)["maps"]
    assert list(train["maps"].shape) == [2, 3, 32, 48]
    # channel 0 is the refined map; threshold map and B_hat (from the coarse P) as DBHead's
    assert float(paddle.abs(train["maps"][:, 0:1] - train["distance_maps"]).max()) == 0.0
    np.testing.assert_allclose(train["maps"][:, 1:].numpy(), ref[:, 1:].numpy(), atol=1e-5)
    np.testing.assert_allclose(train["cbn_maps"].numpy(),
                               step_function(ref[:, 0:1], ref[:, 1:2], 50).numpy(), atol=1e-5)


def test_mode_is_checked():
    with pytest.raises(ConfigError, match="large.*small"):
        build_head({"name": "PFHeadLocal", "mode": "medium"}, in_channels=32)
