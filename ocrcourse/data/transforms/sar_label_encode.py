"""Text -> indices for the attention (SAR) branch: [start] + text + [end], padded with <PAD>.

The SAR decoder predicts one character per step until an end token, so its target carries
explicit start/end and padding tokens. The dictionary is the file's characters followed by three
special tokens: `<UKN>`, `<BOS/EOS>` (one index serves as both start and end) and `<PAD>` (the
last index).
"""
from __future__ import annotations

import numpy as np

from ocrcourse.dictionary import load_dict

__all__ = ["text_to_indices", "SARLabelEncode"]


def text_to_indices(text: str, index: dict, max_text_length: int, lower: bool = False):
    """Indices of the known characters of `text`, or None when the sample must be dropped.

    Dropped: empty text, text longer than `max_text_length`, or no known character left.
    Unknown characters are skipped silently, as PaddleOCR does.
    """
    if len(text) == 0 or len(text) > max_text_length:
        return None
    if lower:
        text = text.lower()
    indices = [index[ch] for ch in text if ch in index]
    return indices or None


class SARLabelEncode:
    """Encode data["label"] for SAR-style attention decoding.

    PP-OCR strategy: the GTC (guided training of CTC, 注意力机制引导CTC训练) branch of the PP-OCRv3
    recogniser is a SAR head, trained only to guide the CTC branch. Papers: SAR, Li et al.,
    arXiv:1811.00751; PP-OCRv3, arXiv:2206.03001. Lesson: lessons/10_pplcnet_and_svtr.ipynb.

    Args:
        max_text_length: padded length of the target (25); texts of max_text_length - 1 or more
            characters are dropped, since start and end tokens must fit.
        character_dict_path: one character per line; None means digits and lower-case letters
            (and the text is lower-cased), as in PaddleOCR.
        use_space_char: append " " to the dictionary.

    Shapes: data["label"] str -> (max_text_length,) int64; data["length"] = text length (0-d).
    """

    def __init__(self, max_text_length: int, character_dict_path: str | None = None,
                 use_space_char: bool = False):
        self.max_text_len = max_text_length
        self.lower = character_dict_path is None
        chars = load_dict(character_dict_path, use_space_char)
        self.unknown_idx = len(chars)          # <UKN>
        self.start_idx = len(chars) + 1        # <BOS/EOS>: start and end share one index
        self.end_idx = self.start_idx
        self.padding_idx = len(chars) + 2      # <PAD>, the last index
        self.character = chars + ["<UKN>", "<BOS/EOS>", "<PAD>"]
        self.dict = {ch: i for i, ch in enumerate(self.character)}

    def __call__(self, data: dict) -> dict | None:
        indices = text_to_indices(data["label"], self.dict, self.max_text_len, self.lower)
        if indices is None or len(indices) >= self.max_text_len - 1:
            return None
        data["length"] = np.array(len(indices))
        target = [self.start_idx] + indices + [self.end_idx]
        data["label"] = np.array(target + [self.padding_idx] * (self.max_text_len - len(target)))
        return data

    def get_ignored_tokens(self) -> list[int]:
        return [self.padding_idx]
