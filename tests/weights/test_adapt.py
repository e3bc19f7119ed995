"""ocrcourse.weights.adapt: re-indexing a recogniser's classes by character, and PP-OCRv3's CTC
branch as a plain backbone/neck/head model."""
from __future__ import annotations


import numpy as np
import paddle
import pytest
import yaml

from ocrcourse import cli, weights
from ocrcourse.dictionary import load_dict
from ocrcourse.errors import WeightsError
from ocrcourse.models import build_model
from ocrcourse.weights.adapt import adapt_classes, adapt_official_rec, class_index, ctc_branch

from official_helpers import rec_input, title_crop

V3CTC = "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_v3ctc_quick.yml"


def test_class_index_maps_by_character_and_keeps_blank():
    assert class_index(list("abcd"), list("db")) == [0, 4, 2]
    assert class_index(list("abca"), list("ax")) == [0, 1, None]     # first occurrence; unknown -> None


def test_adapt_classes_picks_columns_and_fills_unknown_characters():
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=(3, 5)).astype("float32"), rng.normal(size=5).astype("float32")
    state = {"backbone.x": np.ones(2, "float32"), "head.fc.weight": w, "head.fc.bias": b}
    out, report = adapt_classes(state, list("abcd"), list("cxa"))
    np.testing.assert_array_equal(out["head.fc.weight"][:, [0, 1, 3]], w[:, [0, 3, 1]])
    np.testing.assert_array_equal(out["head.fc.weight"][:, 2], 0)
    assert out["head.fc.bias"][2] == pytest.approx(b.mean())
    assert out["backbone.x"] is state["backbone.x"]
    assert (report.old_classes, report.new_classes, report.reused, report.missing) == (5, 4, 2, ["x"])
    assert "1 new" in report.summary()


def test_adapt_classes_needs_exactly_one_classifier():
    with pytest.raises(WeightsError, match="one fc weight with 5 outputs"):
        adapt_classes({"head.fc.weight": np.zeros((3, 4))}, list("abcd"), list("a"))


def test_ctc_branch_renames_and_drops_other_branches():
    state = {"backbone.conv.weight": 1, "head.ctc_encoder.encoder.conv1.weight": 2,
             "head.ctc_head.fc.weight": 3, "head.sar_head.x": 4}
    assert ctc_branch(state) == {"backbone.conv.weight": 1, "neck.encoder.conv1.weight": 2, "head.fc.weight": 3}
    with pytest.raises(WeightsError, match="no CTC branch"):
        ctc_branch({"backbone.conv.weight": 1, "head.fc.weight": 3})


def _plain_model(n_classes: int):
    arch = yaml.safe_load(open(V3CTC))["Architecture"]
    arch["Head"]["out_channels"] = n_classes
    model = build_model(arch)
    model.eval()
    return model


def test_adapted_official_weights_give_the_official_scores_of_our_characters(tmp_path):
    """The plain model with the adapted weights outputs exactly the official recogniser's logits of
    the kept classes (before softmax the other classes play no part), on a real photographed line."""
    dict_path = tmp_path / "dict.txt"
    dict_path.write_text("\n".join(list("Regionbasedsgmt-") + ["0", "中"]) + "\n", encoding="utf-8")
    state, report = adapt_official_rec(str(dict_path))
    assert report.missing == [] and report.new_classes == 18 + 1 + 1     # 18 lines + space + blank
    model = _plain_model(report.new_classes)
    model.set_state_dict({k: paddle.to_tensor(v) for k, v in state.items()})

    official = weights.build_official_model("PP-OCRv3_rec")
    x = paddle.to_tensor(rec_input(title_crop(), 48, 320))
    with paddle.no_grad():
        ours = model(x).numpy()
        theirs = official(x)
    theirs = (theirs["ctc"] if isinstance(theirs, dict) else theirs).numpy()
    old_chars = load_dict(weights.official_dict_path(), use_space_char=True)
    index = class_index(old_chars, load_dict(str(dict_path), use_space_char=True))
    # softmax outputs: compare log-probability differences (softmax over different class sets)
    ours_logit, theirs_logit = np.log(ours), np.log(theirs[..., index])
    diff = (ours_logit - ours_logit[..., :1]) - (theirs_logit - theirs_logit[..., :1])
    assert np.abs(diff).max() < 1e-3


def test_adapt_rec_command_writes_loadable_weights(tmp_path, capsys):
    dict_path = tmp_path / "dict.txt"
    dict_path.write_text("a\nb\n☃\n", encoding="utf-8")
    out = tmp_path / "w" / "adapted.pdparams"
    assert cli.main(["adapt-rec", "--dict", str(dict_path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "1 new: '☃'" in text and str(out) in text
    saved = paddle.load(str(out))
    assert list(saved["head.fc.weight"].shape) == [64, 5]          # blank, a, b, ☃, space
    assert not any(k.startswith("head.ctc_") for k in saved)
