"""FPGM filter ranking: which conv filters a pruner would remove first.

PP-OCR strategy: FPGM pruning (FPGM裁剪), used to slim the PP-OCR detector for mobile
deployment. Paper: He et al., "Filter Pruning via Geometric Median for Deep Convolutional
Neural Networks Acceleration", CVPR 2019, arXiv:1811.00250; PP-OCR arXiv:2009.09941.
Lesson: lessons/07_train_db.ipynb.

Norm-based pruning removes the filters with the smallest weights. FPGM asks a different
question: which filters can the *others* replace? The geometric median of a layer's filters
is the point closest (in summed Euclidean distance) to all of them; a filter that lies near
it carries information the rest of the layer already has. As PaddleSlim's FPGM pruner does,
the geometric median is not solved for exactly: each filter is scored by the sum of its
distances to all other filters, and the filters with the smallest sums are pruned first.

Only the ranking lives here (pure NumPy); actually removing channels (and the matching
input channels of the next layer) is PaddleSlim's job and outside the course.
"""
from __future__ import annotations

import numpy as np

__all__ = ["fpgm_scores", "fpgm_ranking"]


def fpgm_scores(conv_weight) -> np.ndarray:
    """Sum of Euclidean distances from each filter to every other filter of the layer.

    Args:
        conv_weight: a conv kernel (C_out, C_in, kH, kW) as a NumPy array or Paddle tensor;
            any array whose first axis indexes the filters works.

    Returns:
        float64 array (C_out,): a small score means the filter is close to the layer's
        geometric median, i.e. redundant.
    """
    w = np.asarray(conv_weight.numpy() if hasattr(conv_weight, "numpy") else conv_weight, dtype=np.float64)
    if w.ndim < 2:
        raise ValueError(f"expected a weight with one filter per row (C_out, ...), got shape {w.shape}")
    flat = w.reshape(w.shape[0], -1)
    sq = (flat ** 2).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * flat @ flat.T, 0.0)   # |a-b|^2 = a.a + b.b - 2a.b
    np.fill_diagonal(d2, 0.0)
    return np.sqrt(d2).sum(axis=1)


def fpgm_ranking(conv_weight) -> np.ndarray:
    """Filter indices in the order FPGM prunes them: closest to the geometric median first.

    Ties are broken by the filter index (a stable sort), so the ranking is reproducible.
    To prune a ratio r of a layer, drop `fpgm_ranking(w)[: int(r * len(w))]`.
    """
    return np.argsort(fpgm_scores(conv_weight), kind="stable")
