"""CTC greedy decoding: from per-time-step class probabilities to a string and a confidence.

A CTC recogniser predicts, at each of T time steps (columns of the image), a distribution over
the dictionary plus a `blank` class (index 0). Greedy ("best path") decoding takes the most
likely class per step, merges consecutive repeats, then removes blanks:

    argmax per step:  [h, h, blank, e, l, l, blank, l, o]  ->  merge repeats  ->  drop blanks  ->  "hello"

The blank between the two l's is what lets CTC spell a double letter.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..dictionary import load_dict

__all__ = ["decode_ctc", "CTCLabelDecode", "DistillationCTCLabelDecode"]

BLANK = 0


def decode_ctc(indices, probs=None, remove_duplicate: bool = True, blank: int = BLANK) -> tuple[np.ndarray, float]:
    """Greedy CTC decoding of one sequence.

    Args:
        indices: (T,) best class per time step.
        probs: (T,) probability of that class, or None (then the confidence is 1).
        remove_duplicate: merge consecutive repeats first (True for predictions; False when
            decoding ground-truth labels, which are already plain index lists).
        blank: index of the CTC blank.

    Returns:
        (kept, confidence): the kept class indices, and the mean probability of the kept steps
        (0.0 when nothing is kept), as PaddleOCR computes it.
    """
    indices = np.asarray(indices)
    keep = np.ones(len(indices), dtype=bool)
    if remove_duplicate:
        keep[1:] = indices[1:] != indices[:-1]      # a step equal to its predecessor is a repeat
    keep &= indices != blank
    if probs is None:
        conf = [1] * len(indices)                   # PaddleOCR: 1 per step when there are no probs
    else:
        conf = np.asarray(probs)[keep]
    if len(conf) == 0:
        conf = [0]
    return indices[keep], float(np.mean(conf))


def _to_numpy(x) -> np.ndarray:
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


class CTCLabelDecode:
    """Turn recogniser outputs (N, T, C) into (text, confidence) pairs by greedy CTC decoding.

    PP-OCR strategy: CTC decoding (CTC解码) of the CRNN / SVTR-LCNet recognisers.
    Paper: Graves et al., Connectionist Temporal Classification, ICML 2006; PP-OCR arXiv:2009.09941.
    Lesson: lessons/09_crnn_recognition.ipynb.

    Args:
        character_dict_path: dictionary file (one character per line; official paths such as
            `ppocr/utils/ppocr_keys_v1.txt` resolve through `ocrcourse.dictionary`); None gives
            "0-9a-z".
        use_space_char: append " " to the dictionary (the official Chinese models use it).

    Attributes:
        character: ["blank", *dictionary]; class index i decodes to character[i].

    Call: `decode(preds)` with preds (N, T, C) probabilities (a list/tuple: its last element,
    as PaddleOCR) returns `[(text, conf)] * N`; `decode(preds, label)` also decodes the (N, L)
    ground-truth indices and returns `(texts, labels)`.

    Departures: PaddleOCR's `return_word_box` and the right-to-left reversal for Arabic
    dictionaries are not implemented.
    """

    def __init__(self, character_dict_path: str | None = None, use_space_char: bool = False):
        self.character = ["blank"] + load_dict(character_dict_path, use_space_char)
        self.dict = {char: i for i, char in enumerate(self.character)}

    def decode(self, text_index, text_prob=None, is_remove_duplicate: bool = False) -> list[tuple[str, float]]:
        """Decode a batch of index sequences (N, T) (with optional (N, T) probabilities)."""
        results = []
        for b, seq in enumerate(text_index):
            kept, conf = decode_ctc(seq, None if text_prob is None else text_prob[b],
                                    remove_duplicate=is_remove_duplicate)
            results.append(("".join(self.character[i] for i in kept), conf))
        return results

    def __call__(self, preds, label=None):
        if isinstance(preds, (list, tuple)):
            preds = preds[-1]
        preds = _to_numpy(preds)
        texts = self.decode(preds.argmax(axis=2), preds.max(axis=2), is_remove_duplicate=True)
        if label is None:
            return texts
        return texts, self.decode(_to_numpy(label))


class DistillationCTCLabelDecode(CTCLabelDecode):
    """CTCLabelDecode applied to each named sub-model of a distillation model.

    PP-OCR strategy: U-DML / DML distillation (统一深度互学习) of PP-OCRv2/v3 recognisers; the
    evaluation decodes the sub-models named in `model_name`. Paper: PP-OCRv2, arXiv:2109.03144.

    Args:
        character_dict_path, use_space_char: as CTCLabelDecode.
        model_name: sub-model name(s) to decode (keys of the model output dict).
        key: if set, pick this entry of each sub-model output (PP-OCRv3: "head_out").
        multi_head: the sub-model output is MultiHead's dict; decode its "ctc" branch.

    Returns `{name: [(text, conf), ...]}` (or `(texts, labels)` per name when a label is given).
    """

    def __init__(self, character_dict_path: str | None = None, use_space_char: bool = False,
                 model_name: str | Sequence[str] = ("student",), key: str | None = None,
                 multi_head: bool = False):
        super().__init__(character_dict_path, use_space_char)
        self.model_name = [model_name] if isinstance(model_name, str) else list(model_name)
        self.key = key
        self.multi_head = multi_head

    def __call__(self, preds, label=None):
        output = {}
        for name in self.model_name:
            pred = preds[name]
            if self.key is not None:
                pred = pred[self.key]
            if self.multi_head and isinstance(pred, dict):
                pred = pred["ctc"]
            output[name] = super().__call__(pred, label=label)
        return output
