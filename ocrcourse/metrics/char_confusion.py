"""Which characters a recogniser mistakes for which: substitutions from an edit-distance alignment.

Accuracy says how often a line is wrong; this module says *how*. Aligning the recognised text with
the label (the Levenshtein alignment behind `RecMetric`'s edit distance) splits the errors into
insertions, deletions and substitutions, and the substitutions — label character `a` read as `b` —
are where look-alike characters (形近字: 0/O, 1/l, 己/已, 大/太 ...) show up.

    rows = [("已经", "己经"), ("0.5", "O.5")]            # (label, prediction)
    substitution_counts(rows)                            # Counter({("已", "己"): 1, ("0", "O"): 1})
    lookalike_confusions(rows, ["己已", "0O"])          # only pairs inside one group

PP-OCR strategy: the look-alike errors that the Enhanced CTC loss (增强CTC损失) targets.
Paper: PP-OCRv2, arXiv:2109.03144, Sec. 3.2. Lesson: lessons/14_enhanced_ctc.ipynb.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

__all__ = ["substitutions", "substitution_counts", "lookalike_confusions"]


def substitutions(label: str, pred: str) -> list[tuple[str, str]]:
    """The (label char, predicted char) substitutions of one minimal edit alignment, in order.

    Fills the full Levenshtein table, then walks back from the end preferring a diagonal step
    (match or substitution) whenever it is optimal, so a one-character misreading is always a
    substitution rather than a deletion plus an insertion.
    """
    n, m = len(label), len(pred)
    dist = [[0] * (m + 1) for _ in range(n + 1)]      # dist[i][j]: label[:i] vs pred[:j]
    for i in range(n + 1):
        dist[i][0] = i
    for j in range(m + 1):
        dist[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            dist[i][j] = min(dist[i - 1][j] + 1, dist[i][j - 1] + 1,
                             dist[i - 1][j - 1] + (label[i - 1] != pred[j - 1]))
    pairs, i, j = [], n, m
    while i > 0 and j > 0:
        step = dist[i - 1][j - 1] + (label[i - 1] != pred[j - 1])
        if dist[i][j] == step:                         # diagonal: match or substitution
            if label[i - 1] != pred[j - 1]:
                pairs.append((label[i - 1], pred[j - 1]))
            i, j = i - 1, j - 1
        elif dist[i][j] == dist[i - 1][j] + 1:         # label character deleted
            i -= 1
        else:                                          # predicted character inserted
            j -= 1
    return pairs[::-1]


def substitution_counts(rows: Iterable[tuple[str, str]]) -> Counter:
    """Counter {(label char, predicted char): count} over (label, prediction) text pairs."""
    counts: Counter = Counter()
    for label, pred in rows:
        counts.update(substitutions(label, pred))
    return counts


def lookalike_confusions(rows: Iterable[tuple[str, str]], groups: Iterable[str]) -> Counter:
    """The substitutions between two characters of the same look-alike group.

    Args:
        rows: (label, prediction) text pairs.
        groups: strings of mutually similar characters, e.g. ["0Oo", "1lI", "己已"].

    Returns:
        Counter {(label char, predicted char): count}, only for pairs inside one group.
    """
    group_of = {}
    for g, chars in enumerate(groups):
        for c in chars:
            group_of.setdefault(c, set()).add(g)
    return Counter({(a, b): k for (a, b), k in substitution_counts(rows).items()
                    if group_of.get(a, set()) & group_of.get(b, set())})
