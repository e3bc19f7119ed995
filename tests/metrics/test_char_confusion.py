from collections import Counter

import pytest
from rapidfuzz.distance import Levenshtein

from ocrcourse.metrics.char_confusion import lookalike_confusions, substitution_counts, substitutions


@pytest.mark.parametrize("label, pred, expected", [
    ("abc", "abc", []),
    ("已经", "己经", [("已", "己")]),
    ("0.5", "O.5", [("0", "O")]),
    ("abc", "ac", []),                  # a deletion is not a substitution
    ("ac", "abc", []),                  # nor an insertion
    ("abcd", "xbcy", [("a", "x"), ("d", "y")]),
    ("", "ab", []),
    ("ab", "", []),
])
def test_substitutions(label, pred, expected):
    assert substitutions(label, pred) == expected


@pytest.mark.parametrize("label, pred", [("kitten", "sitting"), ("大太犬", "太犬"), ("1l1l", "l1l1"),
                                         ("hello world", "he1lo wor1d"), ("abc", "")])
def test_substitutions_never_exceed_the_edit_distance(label, pred):
    # reference: rapidfuzz's Levenshtein distance; substitutions are part of one optimal alignment
    subs = substitutions(label, pred)
    assert len(subs) <= Levenshtein.distance(label, pred)
    for a, b in subs:
        assert a in label and b in pred and a != b


def test_counts_and_lookalike_filter():
    rows = [("已经", "己经"), ("0.5", "O.5"), ("10", "1O"), ("天", "大")]
    counts = substitution_counts(rows)
    assert counts == Counter({("已", "己"): 1, ("0", "O"): 2, ("天", "大"): 1})
    assert lookalike_confusions(rows, ["0Oo", "己已"]) == Counter({("已", "己"): 1, ("0", "O"): 2})
    assert lookalike_confusions(rows, []) == Counter()
