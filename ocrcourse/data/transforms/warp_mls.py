"""Moving-least-squares image warping: the engine behind TIA (text image augmentation).

Give a few control points where they are (`src_pts`) and where they should go (`dst_pts`); every
other pixel follows smoothly. For an output pixel v, each control point k gets a weight
w_k = 1 / |p_k - v|^2 (p = destination points), and the best *similarity* transform
(rotation + uniform scale + shift) mapping the p_k onto the source points q_k in the weighted
least-squares sense is applied to v. Near a control point its own weight dominates, so the warp
passes exactly through it.

Paper: Schaefer, McPhail, Warren, "Image Deformation Using Moving Least Squares", SIGGRAPH 2006
(the similarity deformation, eq. 5-6); used for text by Luo et al., "Learn to Augment", CVPR 2020
(arXiv:2003.06606). Lesson: lessons/06_data_augmentation.ipynb.

Like PaddleOCR (which follows RubanSeven/Text-Image-Augmentation-python), the mapping is solved
exactly only on a coarse grid of nodes every `grid_size` pixels (plus the last row and column),
the offsets are interpolated bilinearly in between, and the source is sampled bilinearly; the
result is truncated to uint8. We vectorise the grid solve with NumPy instead of looping per node.
"""
from __future__ import annotations

import numpy as np

__all__ = ["mls_similarity_map", "warp_mls"]


def _grid_nodes(size: int, grid_size: int) -> np.ndarray:
    """Node coordinates along one axis: 0, g, 2g, ... below `size`, then `size - 1`."""
    nodes = list(range(0, size, grid_size))
    if nodes[-1] != size - 1:
        nodes.append(size - 1)
    return np.array(nodes, dtype=np.float64)


def _perp(a: np.ndarray) -> np.ndarray:
    """Vectors (..., 2) rotated by 90 degrees: (x, y) -> (-y, x)."""
    return np.stack([-a[..., 1], a[..., 0]], -1)


def mls_similarity_map(points: np.ndarray, src_pts, dst_pts) -> np.ndarray:
    """Where in the source each destination point comes from, by MLS similarity deformation.

    Args:
        points: (M, 2) destination coordinates (x, y).
        src_pts, dst_pts: (K, 2) control points; dst_pts[k] in the output shows src_pts[k].

    Returns:
        (M, 2) source coordinates (x, y).
    """
    p = np.asarray(dst_pts, dtype=np.float64)            # (K, 2) where control points go
    q = np.asarray(src_pts, dtype=np.float64)            # (K, 2) where they come from
    v = np.asarray(points, dtype=np.float64)[:, None]    # (M, 1, 2)
    d2 = ((v - p) ** 2).sum(-1)                          # (M, K) squared distances
    on_point = d2 == 0
    w = 1.0 / np.where(on_point, 1.0, d2)                # w_k = 1 / |p_k - v|^2
    w_sum = w.sum(1, keepdims=True)
    p_star = (w[..., None] * p).sum(1) / w_sum           # weighted centroids p*, q*
    q_star = (w[..., None] * q).sum(1) / w_sum
    p_hat = p - p_star[:, None]                          # (M, K, 2)
    q_hat = q - q_star[:, None]
    v_hat = v[:, 0] - p_star                             # (M, 2)
    mu = (w * (p_hat ** 2).sum(-1)).sum(1)               # mu_s = sum_k w_k |p_hat_k|^2
    p_perp, v_perp = _perp(p_hat), _perp(v_hat)[:, None]
    a11 = (p_hat * v_hat[:, None]).sum(-1)               # entries of A_k (Schaefer eq. 6)
    a12 = (p_perp * v_hat[:, None]).sum(-1)
    a21 = (p_hat * v_perp).sum(-1)
    a22 = (p_perp * v_perp).sum(-1)
    x = (w * (a11 * q_hat[..., 0] - a12 * q_hat[..., 1])).sum(1)
    y = (w * (-a21 * q_hat[..., 0] + a22 * q_hat[..., 1])).sum(1)
    out = np.stack([x, y], -1) / mu[:, None] + q_star
    # A node sitting exactly on a control point maps to that point's source.
    hit_node, hit_k = np.nonzero(on_point)
    out[hit_node] = q[hit_k]
    return out


def _bilinear(img: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample img at float coordinates (x, y) (already inside the image), bilinearly, in float64."""
    h, w = img.shape[:2]
    flat = img.reshape(h * w, -1)                  # gather rows of a flat view: faster than 2-D indexing
    x0, y0 = np.floor(x).astype(np.intp), np.floor(y).astype(np.intp)
    x1, y1 = np.ceil(x).astype(np.intp), np.ceil(y).astype(np.intp)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]

    def at(rows, cols):
        return np.take(flat, rows * w + cols, axis=0)

    top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx
    bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx
    out = top * (1 - fy) + bottom * fy
    return out.reshape(img.shape) if img.ndim == 3 else out[..., 0]


def _interp_axis(size: int, nodes: np.ndarray, grid_size: int):
    """For each pixel index: its lower node, upper node and fraction between them.

    PaddleOCR's quirk kept: in the last cell the fraction is (i - i0) / (size - i0), so the last
    pixel stops just short of the last node.
    """
    idx = np.arange(size)
    lo = idx // grid_size
    i0 = lo * grid_size
    span = np.where(i0 + grid_size >= size, size - i0, grid_size)
    hi = np.minimum(lo + 1, len(nodes) - 1)
    return lo, hi, (idx - i0) / span


def warp_mls(src: np.ndarray, src_pts, dst_pts, dst_w: int, dst_h: int,
             grid_size: int = 100, trans_ratio: float = 1.0) -> np.ndarray:
    """Warp `src` so that each src_pts[k] lands on dst_pts[k]; returns a (dst_h, dst_w[, C]) uint8.

    Args:
        src: (h, w) or (h, w, C) uint8 image.
        src_pts, dst_pts: K control points (x, y), K >= 2.
        dst_w, dst_h: output size (TIA keeps the input size).
        grid_size: spacing of the nodes where MLS is solved exactly.
        trans_ratio: scales the displacement (1 = full warp, 0 = identity).
    """
    xs, ys = _grid_nodes(dst_w, grid_size), _grid_nodes(dst_h, grid_size)
    gx, gy = np.meshgrid(xs, ys)                              # (ny, nx) node coordinates
    nodes = np.stack([gx.ravel(), gy.ravel()], -1)
    delta = mls_similarity_map(nodes, src_pts, dst_pts) - nodes
    dx, dy = (d.reshape(gx.shape) for d in delta.T)           # offsets at the nodes
    r_lo, r_hi, fr = _interp_axis(dst_h, ys, grid_size)
    c_lo, c_hi, fc = _interp_axis(dst_w, xs, grid_size)
    fr, fc = fr[:, None], fc[None, :]

    def upsample(d):   # bilinear interpolation of node offsets to every pixel
        top = d[r_lo][:, c_lo] * (1 - fc) + d[r_lo][:, c_hi] * fc
        bottom = d[r_hi][:, c_lo] * (1 - fc) + d[r_hi][:, c_hi] * fc
        return top * (1 - fr) + bottom * fr

    rows, cols = np.mgrid[0:dst_h, 0:dst_w]
    src_h, src_w = src.shape[:2]
    x = np.clip(cols + upsample(dx) * trans_ratio, 0, src_w - 1)
    y = np.clip(rows + upsample(dy) * trans_ratio, 0, src_h - 1)
    out = _bilinear(src, x, y)
    return np.clip(out, 0, 255).astype(np.uint8)   # truncation, as PaddleOCR
