"""Text -> indices for the NRTR guide branch of PP-OCRv4: <s> + text + </s>, padded with 0.

The NRTR decoder reads the target shifted right (teacher forcing), so its label carries explicit
start and end tokens. Unlike SAR's dictionary, NRTR's puts its four special tokens *first*:
0 `blank` (also the padding), 1 `<unk>`, 2 `<s>`, 3 `</s>`, then the file's characters from index 4.
"""
from __future__ import annotations

import numpy as np

from ocrcourse.dictionary import load_dict

from .sar_label_encode import text_to_indices

__all__ = ["NRTRLabelEncode", "NRTR_SPECIAL_TOKENS"]

NRTR_SPECIAL_TOKENS = ["blank", "<unk>", "<s>", "</s>"]


class NRTRLabelEncode:
    """Encode data["label"] for the NRTR decoder.

    PP-OCR strategy: GTC-NRTR (稳定的Attention指导CTC训练), the guide branch of the PP-OCRv4
    recogniser (`MultiLabelEncode: {gtc_encode: NRTRLabelEncode}`). Paper: NRTR, arXiv:1806.00926.
    Lesson: lessons/18_ppocrv4.ipynb.

    Args:
        max_text_length: padded length of the target (25); texts of max_text_length - 1 or more
            characters are dropped, since <s> and </s> must fit.
        character_dict_path: one character per line; None means digits and lower-case letters
            (and the text is lower-cased), as in PaddleOCR.
        use_space_char: append " " to the dictionary.

    Shapes: data["label"] str -> (max_text_length,) int64 [2, c1 + ..., cn, 3, 0, ...] with every
    character index = its dictionary position + 4; data["length"] = n (0-d).
    """

    def __init__(self, max_text_length: int, character_dict_path: str | None = None,
                 use_space_char: bool = False):
        self.max_text_len = max_text_length
        self.lower = character_dict_path is None
        self.character = NRTR_SPECIAL_TOKENS + load_dict(character_dict_path, use_space_char)
        self.dict = {ch: i for i, ch in enumerate(self.character)}

    def __call__(self, data: dict) -> dict | None:
        indices = text_to_indices(data["label"], self.dict, self.max_text_len, self.lower)
        if indices is None or len(indices) >= self.max_text_len - 1:
            return None
        data["length"] = np.array(len(indices))
        target = [2] + indices + [3]
        data["label"] = np.array(target + [0] * (self.max_text_len - len(target)))
        return data
