"""Exercise checks for lessons 02-03: the SE block and DBFPN's top-down fusion."""
from __future__ import annotations

import numpy as np

from .common import as_array, expect_close, expect_shape
from .runner import Case, Failure

__all__ = ["ITEMS", "se_block_reference", "dbfpn_merge_reference"]


def _hardsigmoid(x, slope=0.2):
    return np.clip(slope * x + 0.5, 0.0, 1.0)


def se_block_reference(x, w1, b1, w2, b2, slope=0.2, squeeze=np.mean, act=lambda z: np.maximum(z, 0)):
    """x (C, H, W) -> x * hardsigmoid(w2 @ relu(w1 @ mean_hw(x) + b1) + b2)."""
    s = squeeze(x, axis=(1, 2))
    z = act(w1 @ s + b1)
    return x * _hardsigmoid(w2 @ z + b2, slope)[:, None, None]


def _se_inputs(seed, c=8, h=5, w=7):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(c, h, w))
    return x, rng.normal(size=(c // 4, c)), rng.normal(size=c // 4), rng.normal(size=(c, c // 4)), rng.normal(size=c)


def _se_case(seed, c):
    def run(fn):
        args = _se_inputs(seed, c)
        want = se_block_reference(*args)
        mistakes = {
            "the gate must be PaddleOCR's hard sigmoid with slope 0.2 (clip(0.2·z + 0.5, 0, 1)), not the logistic sigmoid":
                args[0] * (1 / (1 + np.exp(-(args[3] @ np.maximum(args[1] @ args[0].mean(axis=(1, 2)) + args[2], 0) + args[4]))))[:, None, None],
            "PP-OCR 2.x uses slope 0.2 in this hard sigmoid; slope 1/6 is Paddle's default and belongs to PP-LCNet's SE":
                se_block_reference(*args, slope=1 / 6),
            "squeeze with the average over H and W (global average pooling), not the maximum":
                se_block_reference(*args, squeeze=np.max),
            "apply ReLU between the two 1x1 convolutions":
                se_block_reference(*args, act=lambda z: z),
        }
        expect_close(fn(*args), want, "se_block output", "squeeze (mean over H, W) -> conv1 -> ReLU -> conv2 -> "
                     "hard sigmoid -> multiply every channel of x by its gate", mistakes)
    return Case(f"SE block on a {c}-channel map", run)


def _se_params_case(c, r):
    def run(fn):
        want = c * (c // r) + c // r + (c // r) * c + c
        got = fn(c, r)
        if got != want:
            if got == 2 * c * (c // r):
                raise Failure("both 1x1 convolutions of the SE block have a bias: add C/r + C bias parameters")
            raise Failure(f"se_parameter_count({c}, {r}) = {got}, expected {want}: conv1 has C·(C/r) weights + C/r "
                          "biases, conv2 has (C/r)·C weights + C biases")
    return Case(f"SE parameters for C={c}, r={r}", run)


def dbfpn_merge_reference(in2, in3, in4, in5, order=(3, 2, 1, 0), topdown=True):
    """Nearest x2 upsample-add from in5 down to in2, then upsample all to in2's size and concat."""
    up = lambda a, s: a.repeat(s, axis=1).repeat(s, axis=2)  # noqa: E731
    out4 = in4 + up(in5, 2) if topdown else in4
    out3 = in3 + up(out4, 2) if topdown else in3
    out2 = in2 + up(out3, 2) if topdown else in2
    maps = [out2, up(out3, 2), up(out4, 4), up(in5, 8)]
    return np.concatenate([maps[i] for i in order], axis=0)


def _fpn_case(seed, c, h, w):
    def run(fn):
        rng = np.random.default_rng(seed)
        ins = [rng.normal(size=(c, h // 2 ** i, w // 2 ** i)) for i in range(4)]
        want = dbfpn_merge_reference(*ins)
        got = as_array(fn(*ins), "dbfpn_merge output")
        expect_shape(got, want.shape, "dbfpn_merge output", "concatenate four maps of C channels at in2's size")
        mistakes = {
            "concatenate in DBFPN's order [p5, p4, p3, p2]: deepest map first": dbfpn_merge_reference(*ins, order=(0, 1, 2, 3)),
            "each level adds the upsampled level above it (top-down path) before being upsampled for the concat":
                dbfpn_merge_reference(*ins, topdown=False),
        }
        expect_close(got, want, "dbfpn_merge output", "out4 = in4 + up2(in5), out3 = in3 + up2(out4), "
                     "out2 = in2 + up2(out3); then concat [up8(in5), up4(out4), up2(out3), out2]", mistakes)
    return Case(f"DBFPN fusion, C={c}, in2 {h}x{w}", run)


ITEMS = {
    "ex02.se_block": ("Squeeze-and-excitation block (numpy)", [_se_case(0, 8), _se_case(1, 16)]),
    "ex02.se_parameter_count": ("Parameters of an SE block", [_se_params_case(16, 4), _se_params_case(480, 4)]),
    "ex03.dbfpn_merge": ("DBFPN: upsample, add, concatenate", [_fpn_case(0, 2, 16, 16), _fpn_case(1, 3, 32, 16)]),
}
