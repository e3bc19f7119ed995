"""Exercise checks for lessons 11-14: DML's symmetric KL, CML's dilated teacher target,
extracting the student's weights, and Enhanced CTC's class centers."""
from __future__ import annotations

import cv2
import numpy as np

from .common import as_array, expect_close
from .runner import Case, Failure

__all__ = ["ITEMS", "symmetric_kl_reference", "dilated_target_reference", "class_centers_reference"]


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def symmetric_kl_reference(logits1, logits2, both=True, per_batch=True):
    """PaddleOCR's DMLLoss(act='softmax', use_log=True): ½[KL(p2‖p1) + KL(p1‖p2)], summed, / batch."""
    p1, p2 = _softmax(logits1) + 1e-10, _softmax(logits2) + 1e-10
    b = logits1.shape[0] if per_batch else 1

    def kl(log_x, t):
        return float((t * (np.log(t + 1e-10) - log_x)).sum() / b)

    return 0.5 * (kl(np.log(p1), p2) + kl(np.log(p2), p1)) if both else kl(np.log(p1), p2)


def _kl_case(seed, shape):
    def run(fn):
        rng = np.random.default_rng(seed)
        a, b = rng.normal(size=shape), rng.normal(size=shape)
        want = symmetric_kl_reference(a, b)
        mistakes = {"DML is symmetric: average KL(p2‖p1) and KL(p1‖p2)": symmetric_kl_reference(a, b, both=False),
                    "sum over all elements, then divide by the batch size (dimension 0), not by nothing":
                        symmetric_kl_reference(a, b, per_batch=False)}
        expect_close(fn(a, b), want, "DML loss", "softmax both logits (+1e-10), KL(t‖x) = Σ t·(log t − log x) / B, "
                     "then ½·(KL(p2‖p1) + KL(p1‖p2))", mistakes)
        if abs(float(as_array(fn(a, a), "DML loss"))) > 1e-6:
            raise Failure("two identical models must have a DML loss of 0")
    return Case(f"symmetric KL on logits of shape {shape}", run)


def dilated_target_reference(shrink_map, thresh=0.3, dilate=True):
    target = (np.asarray(shrink_map) > thresh).astype(np.float32)
    return cv2.dilate(target, np.ones((2, 2), np.float32)) if dilate else target


def _dila_case(seed):
    def run(fn):
        rng = np.random.default_rng(seed)
        teacher = rng.uniform(size=(16, 16)).astype(np.float32) ** 3
        want = dilated_target_reference(teacher)
        mistakes = {"binarise the teacher's shrink map with > 0.3 (PaddleOCR's threshold), not 0.5":
                    dilated_target_reference(teacher, 0.5),
                    "dilate the binary map with a 2x2 kernel of ones (cv2.dilate) after thresholding":
                    dilated_target_reference(teacher, dilate=False)}
        expect_close(fn(teacher.copy()), want, "distillation target", "(teacher > 0.3) as float, then "
                     "cv2.dilate(target, np.ones((2, 2)))", mistakes)
    return Case(f"dilated teacher target (seed {seed})", run)


def _extract_case(name):
    def run(fn):
        sd = {f"{m}.backbone.conv.weight": np.full((2,), i, float) for i, m in enumerate(("Student", "Student2", "Teacher"))}
        sd.update({f"{m}.head.fc.bias": np.full((1,), 10 + i, float) for i, m in enumerate(("Student", "Student2", "Teacher"))})
        got = fn(dict(sd), name)
        want = {k[len(name) + 1:]: v for k, v in sd.items() if k.startswith(name + ".")}
        if not isinstance(got, dict):
            raise Failure("return a dict: parameter name (without the prefix) -> tensor")
        if set(got) != set(want):
            extra = sorted(set(got) - set(want))
            if any(k.startswith("2.") or k.startswith(name) for k in extra) or len(got) > len(want):
                raise Failure(f"match the prefix '{name}.' with its dot: 'Student' is also the start of 'Student2.'")
            raise Failure(f"expected keys {sorted(want)}, got {sorted(got)}: keep the {name}'s keys and strip "
                          f"'{name}.' from each")
        for k in want:
            if not np.allclose(as_array(got[k], k), want[k]):
                raise Failure(f"{k} holds another sub-model's values")
    return Case(f"extract {name} from a CML checkpoint", run)


def class_centers_reference(feats, logits, correct):
    sums, counts = {}, {}
    for n in np.flatnonzero(correct):
        for t, c in enumerate(logits[n].argmax(axis=-1)):
            sums[int(c)] = sums.get(int(c), 0) + feats[n, t]
            counts[int(c)] = counts.get(int(c), 0) + 1
    return {c: sums[c] / counts[c] for c in sums}


def _centers_case(seed):
    def run(fn):
        rng = np.random.default_rng(seed)
        feats, logits = rng.normal(size=(5, 6, 4)), rng.normal(size=(5, 6, 3))
        correct = np.array([True, False, True, True, False])
        want = class_centers_reference(feats, logits, correct)
        got = fn(feats, logits, correct)
        if not isinstance(got, dict):
            raise Failure("return a dict {class index: mean feature vector}")
        got = {int(k): v for k, v in got.items()}
        if set(got) != set(want) or any(not np.allclose(as_array(got[k], "center"), want[k]) for k in want):
            everything = class_centers_reference(feats, logits, np.ones(5, bool))
            if set(got) == set(everything) and all(np.allclose(as_array(got[k], "c"), everything[k]) for k in everything):
                raise Failure("use only the correctly recognised samples: their predictions can be trusted as labels")
            raise Failure("for each correct sample and every time step t (blanks included), add feats[t] to the "
                          "class argmax(logits[t]); each center is the mean of its features")
    return Case(f"class centers (seed {seed})", run)


ITEMS = {
    "ex11.symmetric_kl": ("DML: symmetric KL divergence", [_kl_case(0, (2, 5, 7)), _kl_case(1, (3, 4, 11))]),
    "ex12.dilated_target": ("CML: the dilated teacher target", [_dila_case(0), _dila_case(1)]),
    "ex12.extract_student": ("Extracting Student. parameters", [_extract_case("Student"), _extract_case("Teacher")]),
    "ex14.class_centers": ("Enhanced CTC: class centers", [_centers_case(0), _centers_case(1)]),
}
