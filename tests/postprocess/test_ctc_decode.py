"""CTC greedy decoding: hand-made cases (repeats, blanks, spaces) and parity with paddleocr 2.10."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.dictionary import packaged_dict_path
from ocrcourse.postprocess import build_postprocess
from ocrcourse.postprocess.ctc_decode import CTCLabelDecode, DistillationCTCLabelDecode, decode_ctc
from reference import ppocr_module


def _one_hot_probs(indices, num_classes, p=0.9):
    """(1, T, C) probabilities whose argmax is `indices`, with probability p at the argmax."""
    probs = np.full((1, len(indices), num_classes), (1 - p) / (num_classes - 1), np.float32)
    probs[0, np.arange(len(indices)), indices] = p
    return probs


def test_decode_ctc_merges_repeats_then_drops_blanks():
    kept, conf = decode_ctc([3, 3, 0, 5, 6, 6, 0, 6, 7], np.full(9, 0.5, np.float32))
    assert kept.tolist() == [3, 5, 6, 6, 7]          # the blank between the 6s keeps both
    assert conf == pytest.approx(0.5)


def test_decode_ctc_confidence_is_mean_of_kept_steps():
    kept, conf = decode_ctc([0, 2, 2, 0], [0.1, 0.8, 0.2, 0.3])
    assert kept.tolist() == [2]
    assert conf == pytest.approx(0.8)                  # only the first step of a repeat counts


def test_decode_ctc_all_blank_is_empty_with_zero_confidence():
    kept, conf = decode_ctc([0, 0, 0], [0.9, 0.9, 0.9])
    assert kept.tolist() == [] and conf == 0.0


def test_decode_ctc_labels_keep_repeats():
    kept, conf = decode_ctc([4, 4, 5, 0, 0], remove_duplicate=False)
    assert kept.tolist() == [4, 4, 5] and conf == 1.0


def test_default_charset_and_space():
    dec = CTCLabelDecode()                              # no dict: blank + 0-9a-z
    assert dec.character[:2] == ["blank", "0"] and len(dec.character) == 37
    en = CTCLabelDecode(packaged_dict_path("en_dict.txt"), use_space_char=True)
    space = len(en.character) - 1
    assert en.character[space] == " "
    idx = [en.dict["h"], en.dict["i"], space, space, 0, en.dict["y"], en.dict["o"], en.dict["u"]]
    [(text, conf)] = en(_one_hot_probs(idx, len(en.character)))
    assert text == "hi you" and conf == pytest.approx(0.9)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dict_name, use_space", [(None, False), ("en_dict.txt", True), ("ic15_dict.txt", False)])
def test_matches_paddleocr(seed, dict_name, use_space):
    path = None if dict_name is None else packaged_dict_path(dict_name)
    ours = CTCLabelDecode(path, use_space)
    ref = ppocr_module("ppocr/postprocess/rec_postprocess.py").CTCLabelDecode(path, use_space)
    assert ours.character == ref.character
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(3, 40, len(ours.character))).astype(np.float32)
    logits[:, :, 0] += rng.uniform(0, 3)                 # plenty of blanks, as real outputs have
    logits[:, 1::3] = logits[:, 0::3][:, : logits[:, 1::3].shape[1]]   # force repeated argmaxes
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    label = rng.integers(0, len(ours.character), size=(3, 25))
    label[:, 10:] = 0
    assert ours(probs) == ref(probs)
    assert ours([probs * 0, probs]) == ref([probs * 0, probs])      # a list: the last element
    assert ours(probs, label) == ref(probs, label)


def test_distillation_matches_paddleocr():
    path = packaged_dict_path("en_dict.txt")
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(97) * 0.1, size=(2, 40)).astype(np.float32)
    preds = {"Student": {"head_out": {"ctc": probs, "sar": None}}, "Teacher": {"head_out": {"ctc": probs[::-1]}}}
    kwargs = dict(character_dict_path=path, use_space_char=True, model_name=["Student", "Teacher"],
                  key="head_out", multi_head=True)
    ours = DistillationCTCLabelDecode(**kwargs)(preds)
    ref = ppocr_module("ppocr/postprocess/rec_postprocess.py").DistillationCTCLabelDecode(**kwargs)(preds)
    assert ours == ref


def test_build_takes_global_keys_it_names():
    glob = {"character_dict_path": packaged_dict_path("ic15_dict.txt"), "use_space_char": False,
            "max_text_length": 25, "epoch_num": 10}
    dec = build_postprocess({"name": "CTCLabelDecode"}, glob)
    assert len(dec.character) == 37


def test_accepts_paddle_tensors():
    import paddle

    dec = CTCLabelDecode()
    probs = _one_hot_probs([0, 11, 11, 0, 12], len(dec.character))
    assert dec(paddle.to_tensor(probs)) == dec(probs) == [("ab", pytest.approx(0.9))]
