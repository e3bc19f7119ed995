"""models.build_from_config: a whole config -> model, the rec head sized from the dictionary."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ocrcourse.config import load_config
from ocrcourse.errors import ConfigError
from ocrcourse.models import build_from_config, build_model

REPO = Path(__file__).resolve().parents[2]
DICT = REPO / "ocrcourse" / "dicts" / "en_dict.txt"


def _config(rel: str, *overrides: str) -> dict:
    return load_config(REPO / rel, [f"Global.character_dict_path={DICT}", *overrides])


def _classes(use_space_char: bool) -> int:
    """PaddleOCR's CTC class count: dictionary lines, + " " with use_space_char, + the blank."""
    return len(DICT.read_text(encoding="utf-8").splitlines()) + int(use_space_char) + 1


@pytest.mark.parametrize("space", [True, False])
def test_ctc_head_is_sized_from_the_dictionary(space):
    cfg = _config("configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0_quick.yml", f"Global.use_space_char={space}")
    before = copy.deepcopy(cfg)
    model = build_from_config(cfg)
    assert model.head.fc.weight.shape[1] == _classes(space)
    assert cfg == before                                                 # the caller's config is untouched
    with pytest.raises(ConfigError, match="out_channels"):
        build_model(cfg["Architecture"])          # the Architecture alone lacks the class count


def test_multi_head_gets_ctc_and_sar_sizes():
    cfg = _config("configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_quick.yml", "Architecture.Backbone.scale=0.35")
    n = _classes(cfg["Global"]["use_space_char"])
    head = build_from_config(cfg).head
    assert head.ctc_head.fc.weight.shape[1] == n
    assert head.sar_head.decoder.prediction.weight.shape[1] == n + 2 - 1    # SAR: + start/end and padding


def test_det_config_builds_as_written_and_mistakes_are_explained():
    cfg = load_config(REPO / "configs/det/ch_ppocr_v2.0/ch_det_mv3_db_v2.0_quick.yml")
    model = build_from_config(cfg)
    assert sorted(model.state_dict()) == sorted(build_model(cfg["Architecture"]).state_dict())
    with pytest.raises(ConfigError, match="build_model"):
        build_from_config(cfg["Architecture"])
