"""Neck options beyond configs a-d: RSEFPN without shortcut, LKPAN lite, DBFPN use_asf."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.necks import DBFPN, LKPAN, RSEFPN

IN_CHANNELS = [16, 24, 56, 480]


def pyramid(size: int = 32):
    return [paddle.rand([1, c, size // 2 ** (i + 2), size // 2 ** (i + 2)])
            for i, c in enumerate(IN_CHANNELS)]


def test_rsefpn_shortcut_only_changes_the_forward():
    with_sc, without = RSEFPN(IN_CHANNELS, 96, shortcut=True), RSEFPN(IN_CHANNELS, 96, shortcut=False)
    assert [list(v.shape) for v in with_sc.state_dict().values()] == \
        [list(v.shape) for v in without.state_dict().values()]
    # SE widths at 96: 96 -> 24 -> 96 (lateral) and 24 -> 6 -> 24 (smoothing), facts §3.2
    assert with_sc.ins_conv[0].se_block.conv1.weight.shape == [24, 96, 1, 1]
    assert with_sc.inp_conv[0].se_block.conv1.weight.shape == [6, 24, 1, 1]
    without.set_state_dict(with_sc.state_dict())
    x = pyramid()
    a, b = with_sc(x), without(x)
    assert a.shape == b.shape == [1, 96, 8, 8]
    assert not np.allclose(a.numpy(), b.numpy())
    inp = paddle.rand([1, 96, 4, 4])
    conv = with_sc.inp_conv[0].in_conv(inp)              # y = x + SE(x), x = conv(input)
    np.testing.assert_allclose(with_sc.inp_conv[0](inp).numpy(),
                               (conv + with_sc.inp_conv[0].se_block(conv)).numpy(), rtol=1e-6)


def test_lkpan_lite_uses_dsconv():
    neck = LKPAN(IN_CHANNELS, 64, mode="lite")
    keys = list(neck.state_dict())
    assert "inp_conv.0.conv1.weight" in keys and "inp_conv.0.conv_end.weight" in keys   # 64 -> 16
    assert "pan_lat_conv.0.conv_end.weight" not in keys                                 # 16 -> 16
    assert neck(pyramid()).shape == [1, 64, 8, 8]
    with pytest.raises(ConfigError, match="valid"):
        LKPAN(IN_CHANNELS, 64, mode="huge")


def test_lkpan_large_kernels():
    neck = LKPAN(IN_CHANNELS, 64)
    assert neck.inp_conv[0].weight.shape == [16, 64, 9, 9]
    assert len(neck.pan_head_conv) == 3 and neck.pan_head_conv[0]._stride == [2, 2]
    assert neck(pyramid()).shape == [1, 64, 8, 8]


def test_dbfpn_rejects_asf():
    with pytest.raises(ConfigError, match="use_asf"):
        DBFPN(IN_CHANNELS, 96, use_asf=True)
