"""Text label -> fixed-length index sequence for CTC training (the inverse of CTC decoding)."""
from __future__ import annotations

import logging
from collections import Counter

import numpy as np

from ...dictionary import load_dict
from ...errors import ConfigError, DataError

__all__ = ["CTCLabelEncode"]

log = logging.getLogger(__name__)


class CTCLabelEncode:
    """Encode `data["label"]` (a string) as dictionary indices for the CTC loss.

    PP-OCR strategy: CTC label encoding (CTC标签编码) for the CRNN / SVTR-LCNet recognisers;
    index 0 is the CTC blank, so character j of the dictionary file gets index j + 1.
    Paper: Graves et al., Connectionist Temporal Classification, ICML 2006; PP-OCR arXiv:2009.09941.
    Lesson: lessons/09_crnn_recognition.ipynb.

    Args:
        max_text_length: longest label kept (PaddleOCR: 25); `label` is zero-padded to it.
        character_dict_path: dictionary file (official `ppocr/utils/...` paths resolve through
            `ocrcourse.dictionary`); None gives "0-9a-z" and lower-cases the text, as PaddleOCR.
        use_space_char: append " " to the dictionary.

    Adds to the sample:
        label: int64 (max_text_length,) indices, padded with 0 (= blank);
        length: int64 scalar, number of encoded characters;
        label_ace: int64 (num_classes,) histogram of `label` (pad zeros counted into bin 0), the
            target of the ACE loss.

    Returns None (the sample is dropped) when the text is empty, longer than max_text_length, or
    has no dictionary character. Characters missing from the dictionary are skipped, as in
    PaddleOCR — but here they are counted: `unknown_chars` (a Counter of the characters) and
    `dropped` (a Counter of the reasons) let the dataset report them after an epoch.
    """

    def __init__(self, max_text_length: int = 25, character_dict_path: str | None = None,
                 use_space_char: bool = False):
        if int(max_text_length) <= 0:
            raise ConfigError(f"CTCLabelEncode: max_text_length must be a positive int, got {max_text_length!r}")
        self.max_text_len = int(max_text_length)
        self.lower = character_dict_path is None
        self.character = ["blank"] + load_dict(character_dict_path, use_space_char)
        self.dict = {char: i for i, char in enumerate(self.character)}
        self.unknown_chars: Counter = Counter()
        self.dropped: Counter = Counter()

    def encode(self, text: str) -> list[int] | None:
        """Indices of the known characters of `text`, or None if the sample must be dropped."""
        if len(text) == 0 or len(text) > self.max_text_len:
            self.dropped["empty" if len(text) == 0 else "too_long"] += 1
            return None
        if self.lower:
            text = text.lower()
        indices = []
        for char in text:
            if char in self.dict:
                indices.append(self.dict[char])
            else:
                self.unknown_chars[char] += 1
        if not indices:
            self.dropped["no_known_char"] += 1
            return None
        return indices

    def __call__(self, data: dict) -> dict | None:
        text = data.get("label")
        if not isinstance(text, str):
            raise DataError(f"CTCLabelEncode expects data['label'] to be the text string, got "
                            f"{type(text).__name__}; put CTCLabelEncode right after DecodeImage, "
                            "before any op that changes 'label'")
        indices = self.encode(text)
        if indices is None:
            return None
        data["length"] = np.array(len(indices))
        padded = indices + [0] * (self.max_text_len - len(indices))
        data["label"] = np.array(padded)
        data["label_ace"] = np.bincount(padded, minlength=len(self.character))
        return data

    def report(self) -> str:
        """One line for the log: how many samples were dropped and which characters were unknown."""
        top = ", ".join(f"{c!r}x{n}" for c, n in self.unknown_chars.most_common(10))
        return (f"CTCLabelEncode: dropped {sum(self.dropped.values())} samples {dict(self.dropped)}; "
                f"{sum(self.unknown_chars.values())} unknown characters skipped"
                + (f" (most common: {top}); add them to the dictionary to learn them" if top else ""))
