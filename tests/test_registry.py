"""The one name -> class lookup: unknown names and keys become helpful errors."""
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build, globals_for


class Tiny:
    def __init__(self, in_channels, out_channels=4, use_space_char=False):
        self.in_channels, self.out_channels, self.use_space_char = in_channels, out_channels, use_space_char


TABLE = {"Tiny": Tiny}


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
