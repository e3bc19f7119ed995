"""CTCLabelEncode against paddleocr 2.10, plus the unknown-character accounting."""
from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from ocrcourse.data.transforms.ctc_label_encode import CTCLabelEncode
from ocrcourse.dictionary import packaged_dict_path
from ocrcourse.errors import ConfigError, DataError
from reference import ppocr_module


def _reference_encoder_class():
    """paddleocr's CTCLabelEncode. label_ops.py imports `ppocr.data...` (whose package __init__
    needs lmdb) for an unrelated helper, so those parents are stubbed while it loads."""
    stubs = ["ppocr.data", "ppocr.data.imaug", "ppocr.data.imaug.vqa", "ppocr.data.imaug.vqa.augment"]
    saved = {name: sys.modules.get(name) for name in stubs}
    try:
        for name in stubs:
            if saved[name] is None:
                sys.modules[name] = types.ModuleType(name)
        sys.modules["ppocr.data.imaug.vqa.augment"].__dict__.setdefault("order_by_tbyx", None)
        return ppocr_module("ppocr/data/imaug/label_ops.py").CTCLabelEncode
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)


TEXTS = ["hello", "Hello World", "a", "", "x" * 25, "y" * 26, "é€中文", "ab中c", "1 2  3", "ТЕКСТ"]


@pytest.mark.parametrize("dict_name, use_space", [(None, False), ("en_dict.txt", True), ("en_dict.txt", False)])
@pytest.mark.parametrize("text", TEXTS)
def test_matches_paddleocr(dict_name, use_space, text):
    path = None if dict_name is None else packaged_dict_path(dict_name)
    ours = CTCLabelEncode(max_text_length=25, character_dict_path=path, use_space_char=use_space)
    ref = _reference_encoder_class()(max_text_length=25, character_dict_path=path, use_space_char=use_space)
    a, b = ours({"label": text}), ref({"label": text})
    if b is None:
        assert a is None
        return
    for key in ("label", "length", "label_ace"):
        np.testing.assert_array_equal(a[key], b[key])
        assert a[key].dtype == b[key].dtype


def test_blank_is_zero_and_padding():
    enc = CTCLabelEncode(max_text_length=6, character_dict_path=packaged_dict_path("ic15_dict.txt"))
    out = enc({"label": "a1"})
    assert enc.character[0] == "blank"
    assert out["label"].tolist() == [enc.dict["a"], enc.dict["1"], 0, 0, 0, 0]
    assert out["length"] == 2 and out["label_ace"][0] == 4


def test_unknown_characters_are_counted_and_sample_dropped_when_nothing_survives():
    enc = CTCLabelEncode(max_text_length=25, character_dict_path=packaged_dict_path("digits_dict.txt"))
    assert enc({"label": "12中3"})["length"] == 3
    assert enc({"label": "中文"}) is None
    assert enc({"label": ""}) is None
    assert enc({"label": "1" * 30}) is None
    assert enc.unknown_chars == {"中": 2, "文": 1}
    assert enc.dropped == {"no_known_char": 1, "empty": 1, "too_long": 1}
    assert "3 samples" in enc.report() and "'中'x2" in enc.report()


def test_clear_errors():
    with pytest.raises(ConfigError, match="max_text_length"):
        CTCLabelEncode(max_text_length=0)
    with pytest.raises(DataError, match="data\\['label'\\]"):
        CTCLabelEncode()({"label": [1, 2]})
    with pytest.raises(ConfigError, match="not found"):
        CTCLabelEncode(character_dict_path="no/such/dict.txt")
