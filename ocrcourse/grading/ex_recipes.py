"""Exercise checks for lessons 10, 13 and 15: how many CTC time steps a label needs, U-DML's
feature loss, and RSE-FPN's residual SE layer."""
from __future__ import annotations

import numpy as np

from .common import as_array, expect_close
from .ex_models import se_block_reference
from .runner import Case, Failure

__all__ = ["ITEMS", "ctc_min_steps_reference", "feature_l2_reference", "rse_layer_reference"]


def ctc_min_steps_reference(text: str) -> int:
    """Fewest CTC time steps that can emit `text`: one per character, plus a blank between equal neighbours."""
    return len(text) + sum(a == b for a, b in zip(text, text[1:]))


CTC_TEXTS = {"no repeats": "PP-OCRv3", "a doubled letter": "letter", "three in a row": "aaa",
             "repeats apart are free": "abab", "the empty label": "", "digits": "2005-04-09 11:00"}


def _steps_case(name):
    text = CTC_TEXTS[name]

    def run(fn):
        got = fn(text)
        want = ctc_min_steps_reference(text)
        if not isinstance(got, (int, np.integer)):
            raise Failure(f"return a whole number of time steps, got {type(got).__name__}")
        if got == want:
            return None
        if got == len(text):
            raise Failure("greedy decoding merges repeats: 'll' read from two adjacent steps comes out as 'l'. "
                          "Two equal neighbours need a blank step between them")
        if got == len(set(text)) or got == 2 * len(text) - 1:
            raise Failure("count a blank only between two EQUAL neighbours; different neighbours need none")
        raise Failure(f"{text!r} needs {want} steps, you said {got}: one per character, plus one blank for every "
                      "pair of equal neighbours")
    return Case(f"{name}: {text!r}", run)


def feature_l2_reference(a, b, reduce=np.mean, root=False):
    d = reduce((np.asarray(a, float) - np.asarray(b, float)) ** 2)
    return float(np.sqrt(d)) if root else float(d)


def _l2_case(seed, shape):
    def run(fn):
        rng = np.random.default_rng(seed)
        a, b = rng.normal(size=shape), rng.normal(size=shape)
        mistakes = {"average the squared differences over every element (MSE), don't sum them":
                        feature_l2_reference(a, b, np.sum),
                    "the 'l2' mode is the mean SQUARED error, with no square root":
                        feature_l2_reference(a, b, root=True),
                    "sum over all elements, then divide by the number of elements (not by the batch size)":
                        feature_l2_reference(a, b, np.sum) / shape[0]}
        expect_close(fn(a, b), feature_l2_reference(a, b), "feature loss",
                     "mean over every element of (a − b)²", mistakes)
        if abs(float(as_array(fn(a, a), "feature loss"))) > 1e-12:
            raise Failure("two identical feature maps must give a loss of 0")
    return Case(f"feature maps of shape {shape}", run)


def rse_layer_reference(x, w_conv, w1, b1, w2, b2, shortcut=True, slope=0.2):
    y = np.einsum("oc,chw->ohw", w_conv, x)
    se = se_block_reference(y, w1, b1, w2, b2, slope=slope)
    return y + se if shortcut else se


def _rse_inputs(seed, c_in, c_out, h=4, w=6):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(c_in, h, w)), rng.normal(size=(c_out, c_in)) / np.sqrt(c_in),
            rng.normal(size=(c_out // 4, c_out)), rng.normal(size=c_out // 4),
            rng.normal(size=(c_out, c_out // 4)), rng.normal(size=c_out))


def _rse_case(seed, c_in, c_out):
    def run(fn):
        args = _rse_inputs(seed, c_in, c_out)
        x, w_conv, *se = args
        y = np.einsum("oc,chw->ohw", w_conv, x)
        mistakes = {"add the SE output back to its input (the shortcut): y + SE(y) — that is the 'residual' in RSE":
                        rse_layer_reference(*args, shortcut=False),
                    "RSE-FPN's SE gate is MobileNetV3's: hard sigmoid with slope 0.2, not 1/6":
                        rse_layer_reference(*args, slope=1 / 6)}
        if c_in == c_out:
            mistakes["the shortcut adds the conv's output y = conv(x), not the layer's input x"] = \
                se_block_reference(y, *se) + x
        expect_close(fn(*args), rse_layer_reference(*args), "RSE layer output",
                     "y = 1x1 conv of x (no bias: w_conv @ each pixel), then y + SE(y) with the SE of exercise 02",
                     mistakes)
    return Case(f"RSE layer {c_in} -> {c_out} channels", run)


ITEMS = {
    "ex10.ctc_min_steps": ("CTC: how many time steps a label needs", [_steps_case(n) for n in CTC_TEXTS]),
    "ex13.feature_l2": ("U-DML: the feature loss between the two models", [_l2_case(0, (2, 8, 1, 10)),
                                                                           _l2_case(1, (3, 4, 2, 5))]),
    "ex15.rse_layer": ("RSE-FPN: the residual SE layer", [_rse_case(0, 16, 8), _rse_case(1, 8, 8)]),
}
