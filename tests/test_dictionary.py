"""ocrcourse.dictionary against PaddleOCR 2.10's own dictionary files and label decoder."""
from __future__ import annotations

import pytest

from ocrcourse.dictionary import DEFAULT_CHARACTERS, load_dict, packaged_dict_path, resolve_dict_path
from ocrcourse.errors import ConfigError
from reference import paddleocr_root, ppocr_module


@pytest.fixture
def no_ppocr_here(tmp_path, monkeypatch):
    """Run from a folder without `ppocr/`, as a learner's clone of the course is."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", ["en_dict.txt", "ic15_dict.txt"])
def test_packaged_dict_equals_paddleocr_file(name):
    ours = open(packaged_dict_path(name), "rb").read()
    theirs = (paddleocr_root() / "ppocr" / "utils" / name).read_bytes()
    assert ours == theirs


@pytest.mark.parametrize("name", ["en_dict.txt", "ic15_dict.txt"])
@pytest.mark.parametrize("use_space_char", [False, True])
def test_load_dict_matches_reference_decoder(no_ppocr_here, name, use_space_char):
    decoder_cls = ppocr_module("ppocr/postprocess/rec_postprocess.py").BaseRecLabelDecode
    ref = decoder_cls(str(paddleocr_root() / "ppocr" / "utils" / name), use_space_char)
    # the official config path is resolved to our packaged copy
    assert load_dict(f"ppocr/utils/{name}", use_space_char) == ref.character


def test_default_characters_match_reference():
    ref = ppocr_module("ppocr/postprocess/rec_postprocess.py").BaseRecLabelDecode(None, True)
    assert load_dict(None, use_space_char=True) == ref.character == list(DEFAULT_CHARACTERS)


def test_digits_dict():
    assert load_dict(packaged_dict_path("digits_dict.txt")) == list("0123456789")


def test_existing_path_wins(no_ppocr_here):
    own = no_ppocr_here / "ppocr" / "utils"
    own.mkdir(parents=True)
    (own / "en_dict.txt").write_text("a\r\nb\n \n", encoding="utf-8")
    assert resolve_dict_path("ppocr/utils/en_dict.txt") == "ppocr/utils/en_dict.txt"
    assert load_dict("ppocr/utils/en_dict.txt") == ["a", "b", " "]


def test_official_subfolder_and_prefixes_resolve(no_ppocr_here):
    expected = packaged_dict_path("en_dict.txt")
    for path in ["ppocr/utils/dict/en_dict.txt", "./ppocr/utils/en_dict.txt", "PaddleOCR/ppocr/utils/en_dict.txt",
                 "en_dict.txt"]:
        assert resolve_dict_path(path) == expected


def test_unknown_path_is_a_clear_error(no_ppocr_here):
    with pytest.raises(ConfigError, match="not found.*ppocr/utils/en_dict.txt"):
        load_dict("my_data/en_dict.txt")
    with pytest.raises(ConfigError, match="not found"):
        resolve_dict_path("ppocr/utils/korean_dict.txt")


def test_non_utf8_line_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a\n\xff\xfe\n")
    with pytest.raises(ConfigError, match="line 2 is not UTF-8"):
        load_dict(str(bad))
