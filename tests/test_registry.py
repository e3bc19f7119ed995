"""The one name -> class lookup: unknown names and keys become helpful errors."""
from pathlib import Path

import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build, globals_for, required_keys


class Tiny:
    def __init__(self, in_channels, out_channels=4, use_space_char=False):
        self.in_channels, self.out_channels, self.use_space_char = in_channels, out_channels, use_space_char


TABLE = {"Tiny": Tiny}
REPO = Path(__file__).resolve().parents[1]


def test_build_passes_keys_and_wired_values_win():
    cfg = {"name": "Tiny", "out_channels": 8, "in_channels": 1}
    obj = build(TABLE, cfg, kind="Neck", in_channels=3)
    assert (obj.in_channels, obj.out_channels) == (3, 8)
    assert cfg == {"name": "Tiny", "out_channels": 8, "in_channels": 1}  # never mutated


def test_unknown_name_lists_available():
    with pytest.raises(ConfigError, match=r"unknown name 'Tinny'; available: \['Tiny'\]"):
        build(TABLE, {"name": "Tinny"}, kind="Neck", in_channels=3)


def test_unknown_key_lists_valid_keys():
    with pytest.raises(ConfigError) as e:
        build(TABLE, {"name": "Tiny", "out_chanels": 8}, kind="Neck", in_channels=3)
    msg = str(e.value)
    assert "out_chanels" in msg and "out_channels" in msg and "valid keys" in msg


def test_missing_name():
    with pytest.raises(ConfigError, match="'name'"):
        build(TABLE, {"out_channels": 8}, kind="Head")


def test_globals_for_picks_only_named_keys():
    g = {"use_space_char": True, "epoch_num": 3, "max_text_length": 25}
    assert globals_for(Tiny, g) == {"use_space_char": True}
    assert globals_for(Tiny, None) == {}


class Strict:
    def __init__(self, in_channels, out_channels, *, mode, fc_decay=0.0004):
        self.in_channels, self.out_channels, self.mode = in_channels, out_channels, mode


class RaisesInside:
    def __init__(self, in_channels, size=2):
        raise TypeError(f"bad size {size!r}")     # a bug inside the constructor, not a config mistake


def test_required_keys_are_those_without_default():
    assert required_keys(Strict) == {"in_channels", "out_channels", "mode"}
    assert required_keys(Tiny) == {"in_channels"}


def test_missing_required_key_names_component_argument_and_valid_keys():
    cfg = {"name": "Strict", "mode": "a"}
    with pytest.raises(ConfigError) as e:
        build({"Strict": Strict}, cfg, kind="Head", in_channels=3)
    msg = str(e.value)
    assert msg.startswith("Head Strict: missing required keys ['out_channels']")
    assert "valid keys: ['fc_decay', 'in_channels', 'mode', 'out_channels']" in msg
    assert cfg == {"name": "Strict", "mode": "a"}
    with pytest.raises(ConfigError, match=r"missing required keys \['mode', 'out_channels'\]"):
        build({"Strict": Strict}, {"name": "Strict"}, kind="Head", in_channels=3)
    assert build({"Strict": Strict}, {"name": "Strict", "out_channels": 5, "mode": "a"}, kind="Head",
                 in_channels=3).out_channels == 5           # wired + config values complete it


def test_missing_hints_are_added_only_for_the_missing_arguments():
    hints = {"out_channels": "comes from the dictionary", "mode": "pick a or b", "fc_decay": "never shown"}
    with pytest.raises(ConfigError) as e:
        build({"Strict": Strict}, {"name": "Strict", "mode": "a"}, kind="Head", missing_hints=hints, in_channels=3)
    msg = str(e.value)
    assert "\n  out_channels: comes from the dictionary" in msg
    assert "pick a or b" not in msg and "never shown" not in msg


def test_type_error_inside_a_constructor_is_not_masked():
    with pytest.raises(TypeError, match="bad size 3"):
        build({"RaisesInside": RaisesInside}, {"name": "RaisesInside", "size": 3}, kind="Neck", in_channels=1)


def test_rec_head_without_class_count_says_it_comes_from_the_dictionary():
    from ocrcourse.config import load_config
    from ocrcourse.models import build_from_config, build_model

    rel = "configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0_quick.yml"
    cfg = load_config(REPO / rel, [f"Global.character_dict_path={REPO / 'ocrcourse/dicts/en_dict.txt'}",
                                   "Architecture.Backbone.scale=0.35"])
    with pytest.raises(ConfigError) as e:
        build_model(cfg["Architecture"])
    msg = str(e.value)
    assert "Head CTCHead: missing required keys ['out_channels']" in msg and "fc_decay" in msg
    assert "dictionary" in msg and "build_from_config" in msg and "wire_dictionary_size" in msg
    assert build_from_config(cfg).head.out_channels > 2              # what the message suggests works


def test_cls_head_without_class_dim_gets_no_dictionary_hint():
    from ocrcourse.models.heads import build_head

    with pytest.raises(ConfigError) as e:
        build_head({"name": "ClsHead"}, in_channels=8)
    assert "missing required keys ['class_dim']" in str(e.value) and "dictionary" not in str(e.value)
