"""ocrcourse.data.synth_codes: the codes task (prices, dates, codes) for lesson 09's CRNN from scratch."""
from __future__ import annotations

import json

import numpy as np

from ocrcourse.data import synth
from ocrcourse.data.synth_codes import CODES_CHARS, build_codes_dataset, sample_code


def test_dictionary_is_twenty_distinct_characters():
    assert len(CODES_CHARS) == 20 and len(set(CODES_CHARS)) == 20


def test_sample_code_stays_inside_the_dictionary_and_is_short():
    rng = np.random.default_rng(0)
    texts = [sample_code(rng) for _ in range(3000)]
    assert all(set(t) <= set(CODES_CHARS) for t in texts)
    lengths = [len(t) for t in texts]
    assert min(lengths) >= 2 and max(lengths) <= 10
    assert len(set(texts)) > 2500                      # many distinct lines, not a handful repeated
    used = set("".join(texts))
    assert used == set(CODES_CHARS)                    # every character of the dictionary occurs


def test_build_writes_paddleocr_rec_layout_and_is_seeded(tmp_path):
    a = build_codes_dataset(tmp_path / "a", sizes=(6, 3), seed=0, progress=None)
    b = build_codes_dataset(tmp_path / "b", sizes=(6, 3), seed=0, progress=None)
    assert not a["skipped"]
    root = tmp_path / "a" / "synth_codes"
    lines = (root / "rec" / "train.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and len((root / "rec" / "eval.txt").read_text().splitlines()) == 3
    for line in lines:
        rel, text = line.split("\t")
        assert (root / "rec" / rel).is_file() and set(text) <= set(CODES_CHARS)
    assert (root / "dict.txt").read_text().split("\n")[:-1] == list(CODES_CHARS)
    assert (tmp_path / "b" / "synth_codes" / "rec" / "train.txt").read_text() == "\n".join(lines) + "\n"
    assert json.loads((root / ".stamp.json").read_text()) == a["stamp"]
    again = build_codes_dataset(tmp_path / "a", sizes=(6, 3), seed=0, progress=None)
    assert again["skipped"]
    other = build_codes_dataset(tmp_path / "a", sizes=(6, 3), seed=1, progress=None)
    assert not other["skipped"]
    assert (root / "rec" / "train.txt").read_text() != "\n".join(lines) + "\n"
    assert b["stamp"]["task"] == "codes"


def test_the_course_sets_are_untouched():
    assert synth.GENERATOR_VERSION == 4      # the codes task has its own version; synth's stamp is unchanged
    assert "codes" not in synth.DEFAULT_SIZES
