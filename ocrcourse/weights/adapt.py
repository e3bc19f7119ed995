"""Reuse a trained recogniser with another dictionary: keep every weight, re-index the classes.

PP-OCR strategy taught: fine-tuning from pretrained weights (预训练模型微调). PaddleOCR's fine-tuning
guide tells you to start a recogniser from the official weights; when your dictionary differs
from `ppocr_keys_v1.txt`, its loader skips the last fc (its shape no longer fits) and that layer
starts from scratch — on a small dataset the model then spends its first thousands of steps in
CTC's all-blank phase. A character's output unit does not depend on the dictionary *file*, only on
the character, so the rows of the official classifier can be picked by character instead:

    new class i (character c)  <-  official class of c        (blank stays blank)

Characters the official dictionary lacks get a fresh unit (zero weights, the mean bias) and are
listed in the report. The result is an ordinary `.pdparams` for the new dictionary's class count;
`Global.pretrained_model` loads it unchanged.

`ctc_branch(state)` also turns PP-OCRv3's recogniser (a `MultiHead` whose CTC branch holds the SVTR
neck: `head.ctc_encoder.*`, `head.ctc_head.*`) into the keys of a plain `Backbone -> Neck
(SequenceEncoder svtr) -> CTCHead` model (`neck.*`, `head.*`), the layout the PP-OCRv2 recipes
(CTC, U-DML, Enhanced CTC with `return_feats`) train.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import WeightsError

# PP-OCRv3 MultiHead's CTC branch -> a plain model's neck and head.
CTC_BRANCH_PREFIXES = {"head.ctc_encoder.": "neck.", "head.ctc_head.": "head."}


@dataclass
class AdaptReport:
    """What `adapt_classes` did: how many classes, which characters had no official unit."""

    old_classes: int
    new_classes: int
    reused: int
    missing: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    path: str = ""

    def summary(self) -> str:
        shown = "".join(self.missing[:20]) + ("..." if len(self.missing) > 20 else "")
        return (f"{self.new_classes} classes (from {self.old_classes}): {self.reused} reused by character, "
                f"{len(self.missing)} new{': ' + repr(shown) if self.missing else ''}; re-indexed {self.keys}")


def ctc_branch(state: dict) -> dict:
    """The CTC branch of a PP-OCRv3 MultiHead recogniser as a plain backbone/neck/head state dict.

    Keys outside the CTC branch (e.g. a SAR head) are dropped; backbone keys are kept as they are.
    """
    out = {}
    for key, value in state.items():
        if key.startswith("backbone."):
            out[key] = value
            continue
        for old, new in CTC_BRANCH_PREFIXES.items():
            if key.startswith(old):
                out[new + key[len(old):]] = value
    if not any(k.startswith("head.") for k in out):
        raise WeightsError("no CTC branch in this state dict (expected keys 'head.ctc_encoder.*' / "
                           "'head.ctc_head.*' of a PP-OCRv3 MultiHead recogniser)")
    return out


def class_index(old_chars: list[str], new_chars: list[str]) -> list[int | None]:
    """For each class of the new model (0 = blank), its class in the old model, or None.

    Both character lists exclude the blank (as `ocrcourse.dictionary.load_dict` returns them);
    a character listed twice in the old dictionary maps to its first occurrence.
    """
    first = {}
    for i, c in enumerate(old_chars):
        first.setdefault(c, i + 1)
    return [0] + [first.get(c) for c in new_chars]


def _classifier_keys(state: dict, old_classes: int) -> list[str]:
    """The last fc: the weight whose output size is `old_classes`, and its bias."""
    weights = [k for k, v in state.items() if k.endswith(".weight") and np.ndim(v) == 2
               and np.shape(v)[1] == old_classes]
    if len(weights) != 1:
        raise WeightsError(f"expected one fc weight with {old_classes} outputs, found {weights or 'none'}")
    bias = weights[0][: -len("weight")] + "bias"
    return [weights[0]] + ([bias] if bias in state else [])


def adapt_classes(state: dict, old_chars: list[str], new_chars: list[str]) -> tuple[dict, AdaptReport]:
    """Re-index the classifier of `state` from `old_chars` to `new_chars` (both without the blank).

    Returns a new state dict (other tensors shared, not copied) and an `AdaptReport`.
    """
    old_n, new_n = len(old_chars) + 1, len(new_chars) + 1
    keys = _classifier_keys(state, old_n)
    index = class_index(old_chars, new_chars)
    out = dict(state)
    for key in keys:
        old = np.asarray(state[key])
        fill = np.zeros(old.shape[:-1], old.dtype) if old.ndim == 2 else old.mean().astype(old.dtype)
        cols = [old[..., j] if j is not None else fill for j in index]
        out[key] = np.stack(cols, axis=-1)
    missing = [c for c, j in zip(new_chars, index[1:]) if j is None]
    return out, AdaptReport(old_n, new_n, new_n - 1 - len(missing), missing, keys)


def adapt_official_rec(dict_path: str, use_space_char: bool = True, name: str = "PP-OCRv3_rec"):
    """The official PP-OCRv3 recogniser's CTC branch, re-indexed for the dictionary at `dict_path`.

    Returns (state dict of numpy arrays, AdaptReport). Save it with `paddle.save` (what
    `ocrcourse adapt-rec` does) and point `Global.pretrained_model` at the file.
    """
    import paddle

    from ..dictionary import load_dict
    from .official import official, official_dict_path

    raw = paddle.load(official(name))
    state = ctc_branch({k: np.asarray(v) for k, v in raw.items()})
    old_chars = load_dict(official_dict_path(), use_space_char=True)
    return adapt_classes(state, old_chars, load_dict(dict_path, use_space_char=use_space_char))


def write_adapted_rec(dict_path: str, out_path: str, use_space_char: bool = True) -> AdaptReport:
    """`adapt_official_rec` saved as a `.pdparams` at `out_path` (written atomically); what
    `ocrcourse adapt-rec` runs. Returns the report; the file is `out_path` with `.pdparams` added
    if it lacks it."""
    from pathlib import Path

    import paddle

    from .cache import atomic_write

    state, report = adapt_official_rec(dict_path, use_space_char=use_space_char)
    out = Path(out_path if str(out_path).endswith(".pdparams") else f"{out_path}.pdparams")
    atomic_write(out, lambda tmp: paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, str(tmp)))
    report.path = str(out)
    return report
