"""Exercise checks for lessons 05, 06 and 09: cosine with warmup, TIA stretch, CTC greedy decoding."""
from __future__ import annotations

import math

import numpy as np

from .common import as_array, expect_close
from .runner import Case, Failure

__all__ = ["ITEMS", "cosine_warmup_reference", "ctc_greedy_reference"]


def cosine_warmup_reference(step, base_lr, total_steps, warmup_steps, shrink_tmax=False):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    t_max = total_steps - warmup_steps if shrink_tmax else total_steps
    return 0.5 * base_lr * (1 + math.cos(math.pi * (step - warmup_steps) / t_max))


def _lr_case(base, epochs, iters, warmup_epochs):
    total, warm = epochs * iters, warmup_epochs * iters

    def run(fn):
        steps = range(total)
        got = [fn(s, base, total, warm) for s in steps]
        want = [cosine_warmup_reference(s, base, total, warm) for s in steps]
        mistakes = {
            "PaddleOCR keeps T_max = all steps (warmup included), so the cosine does not reach 0 by the end":
                [cosine_warmup_reference(s, base, total, warm, shrink_tmax=True) for s in steps],
            "the warmup ramps linearly from 0: iteration 0 trains with lr 0 (lr = base·step/warmup_steps)":
                [base * (s + 1) / warm if s < warm else cosine_warmup_reference(s, base, total, warm) for s in steps],
        }
        expect_close(got, want, "learning-rate curve", "linear warmup base·step/W for step < W, then "
                     "½·base·(1 + cos(π·(step − W)/total_steps))", mistakes)
    return Case(f"lr {base}, {epochs} epochs x {iters} iters, warmup {warmup_epochs} epochs", run)


def stretch_thresh(w: int, segment: int) -> int:
    return (w // segment) * 4 // 5


def _stretch_case(w, h, segment):
    def run(fn):
        rng = np.random.default_rng(7)
        src, dst = fn(w, h, segment, rng)
        src, dst = as_array(src, "src points"), as_array(dst, "dst points")
        n = 4 + 2 * (segment - 1)
        if src.shape != (n, 2) or dst.shape != (n, 2):
            raise Failure(f"with {segment} segments there are 4 corners + 2·{segment - 1} cut points = {n} points "
                          f"each, as (x, y); got {src.shape} and {dst.shape}")
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
        if not np.allclose(src[:4], corners) or not np.allclose(dst[:4], corners):
            raise Failure("stretch keeps the four image corners fixed (points 0-3: TL, TR, BR, BL)")
        if not np.allclose(src[:, 1], dst[:, 1]):
            raise Failure("stretch only moves points horizontally: keep every y unchanged")
        cut, thresh = w // segment, stretch_thresh(w, segment)
        xs = np.array([[cut * i, cut * i] for i in range(1, segment)], float).ravel()
        if not np.allclose(src[4:, 0], xs):
            raise Failure(f"source cut points sit at x = cut·i (cut = w // segment = {cut}), top then bottom")
        dx = (dst[4:, 0] - src[4:, 0]).reshape(-1, 2)
        if not np.allclose(dx[:, 0], dx[:, 1]):
            raise Failure("the top and bottom point of one cut move together (the whole cut line shifts)")
        if np.any(np.abs(dx) > thresh / 2 + 1e-9):
            raise Failure(f"each cut line moves by randint(thresh) − thresh/2 with thresh = cut·4//5 = {thresh}")
        src2, dst2 = fn(w, h, segment, np.random.default_rng(7))
        if not np.allclose(as_array(dst2, "dst points"), dst):
            raise Failure("use only the `rng` you are given for randomness, so a seed reproduces the warp")
    return Case(f"stretch control points, {w}x{h}, {segment} segments", run)


def ctc_greedy_reference(probs, characters):
    idx = np.asarray(probs).argmax(axis=1)
    out, prev = [], -1
    for i in idx:
        if i != prev and i != 0:
            out.append(characters[i - 1])
        prev = i
    return "".join(out)


def _one_hot(indices, classes):
    p = np.full((len(indices), classes), 0.01)
    p[np.arange(len(indices)), indices] = 0.9
    return p


CTC_SCENES = {
    "repeats collapse": ([1, 1, 2, 2, 2, 3], "abc"),
    "blanks are dropped": ([0, 1, 0, 2, 0, 0, 3, 0], "abc"),
    "a blank between two equal letters keeps both": ([1, 0, 1, 2, 2, 0, 2], "aabb"),
    "spaces are characters too": ([1, 4, 4, 2], "a b"),
    "all blanks give an empty string": ([0, 0, 0], ""),
}


def _ctc_case(name):
    indices, text = CTC_SCENES[name]

    def run(fn):
        chars = ["a", "b", "c", " "]
        got = fn(_one_hot(indices, 5), chars)
        if got == text:
            return
        idx = np.array(indices)
        no_collapse = "".join(chars[i - 1] for i in idx if i != 0)
        blanks_first = "".join(chars[i - 1] for k, i in enumerate(idx[idx != 0]) if k == 0 or i != idx[idx != 0][k - 1])
        if got == no_collapse and got != text:
            raise Failure("merge consecutive repeats of the same index before dropping blanks")
        if got == blanks_first and got != text:
            raise Failure("drop blanks AFTER merging repeats: a blank between two equal letters separates them")
        raise Failure(f"decoded {got!r}, expected {text!r}: argmax per step, merge repeats, drop index 0 (blank), "
                      "index i maps to characters[i − 1]")
    return Case(name, run)


ITEMS = {
    "ex05.cosine_warmup": ("Cosine learning rate with linear warmup", [
        _lr_case(0.1, 20, 100, 2), _lr_case(1e-3, 5, 10, 2), _lr_case(0.01, 3, 7, 1)]),
    "ex06.tia_stretch": ("TIA stretch: control points", [_stretch_case(100, 32, 4), _stretch_case(320, 48, 6)]),
    "ex09.ctc_greedy_decode": ("CTC greedy decoding", [_ctc_case(n) for n in CTC_SCENES]),
}
