"""Where did each weight come from? Compare a state dict with its possible sources, part by part.

PP-OCR strategy: fine-tuning from official weights and from distillation (蒸馏) checkpoints. A
model assembled from several files (the official inference weights, a distillation checkpoint, the
random initial values of what no file held) is hard to reason about from load logs alone;
comparing tensors says it for certain: a part whose every tensor equals a source came from that
source, untouched. Lesson: lessons/15_ppocrv3_detection.ipynb (the extracted `Student`, and the
two DML models of the guide's route 3, which start identical and stay identical).

States are {key: array} dicts as `models.pretrained.read_state_dict` returns them (numpy arrays
or Paddle tensors); parts are key prefixes such as "backbone", "neck", "head.thresh".

    origin = weight_origin(state, {"official file": official, "initial values": fresh}, parts)
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["max_abs_difference", "part_distances", "part_keys", "relative_distance", "weight_origin"]

IDENTICAL, CHANGED, ABSENT, PARTLY = "identical", "changed", "absent", "partly absent"
BN_STATISTICS = ("._mean", "._variance")      # BatchNorm running statistics (buffers, not trained)


def _array(value) -> np.ndarray:
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.float64)


def part_keys(keys, part: str) -> list[str]:
    """The keys under `part` ("head.thresh" takes "head.thresh.conv1.weight", not "head.thresh2...")."""
    return [k for k in keys if k == part or k.startswith(part + ".")]


def relative_distance(state: Mapping, reference: Mapping, keys: Sequence[str]) -> float:
    """||state - reference|| / ||reference|| over `keys` taken together (0.0 = identical)."""
    diff = sum(float(np.sum((_array(state[k]) - _array(reference[k])) ** 2)) for k in keys)
    norm = sum(float(np.sum(_array(reference[k]) ** 2)) for k in keys)
    return float(np.sqrt(diff / norm)) if norm > 0 else float(np.sqrt(diff))


def max_abs_difference(state_a: Mapping, state_b: Mapping) -> float:
    """Largest |a - b| over all keys of two states with the same keys (0.0 = bit-identical)."""
    if set(state_a) != set(state_b):
        raise KeyError(f"the states hold different keys: {sorted(set(state_a) ^ set(state_b))[:5]}")
    return max((float(np.max(np.abs(_array(state_a[k]) - _array(state_b[k]))))
                for k in state_a if np.size(state_a[k])), default=0.0)


def _status(state: Mapping, source: Mapping, keys: list[str]) -> str:
    present = [k for k in keys if k in source and np.shape(source[k]) == np.shape(state[k])]
    if not present:
        return ABSENT
    if len(present) < len(keys):
        return PARTLY
    same = all(np.array_equal(_array(state[k]), _array(source[k])) for k in keys)
    return IDENTICAL if same else CHANGED


def weight_origin(state: Mapping, sources: Mapping[str, Mapping], parts: Sequence[str]) -> pd.DataFrame:
    """One row per part: how it compares with each source, and the first source it equals.

    Args:
        state: the weights to explain, {key: array}.
        sources: {name: state} in order of preference, e.g. {"official file": ..., "initial
            values": ...}; a source may lack keys (an inference file has no `head.thresh`).
        parts: key prefixes, one row each.

    Returns:
        DataFrame indexed by part, columns "tensors", one per source ("identical": every tensor
        equal; "changed": all present, some differ; "absent" / "partly absent": the source lacks
        them) and "origin" (the first identical source, or "none: trained" if none is).
    """
    rows = {}
    for part in parts:
        keys = part_keys(state, part)
        if not keys:
            raise KeyError(f"no key of the state starts with {part!r}; first keys: {list(state)[:3]}")
        row = {"tensors": len(keys)}
        row.update({name: _status(state, source, keys) for name, source in sources.items()})
        row["origin"] = next((name for name in sources if row[name] == IDENTICAL), "none: trained")
        rows[part] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def part_distances(state: Mapping, reference: Mapping, parts: Sequence[str],
                   bn_statistics: bool = False) -> dict[str, float]:
    """{part: relative_distance} of the learnable tensors (or, with bn_statistics=True, of the BN
    running `_mean` / `_variance` alone): training moves BN statistics far more than weights, so
    mixing them hides how far the weights went."""
    out = {}
    for part in parts:
        keys = [k for k in part_keys(state, part) if k.endswith(BN_STATISTICS) == bn_statistics]
        out[part] = relative_distance(state, reference, keys)
    return out
