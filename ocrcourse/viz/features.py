"""Feature maps per stage: what a detector's backbone (and neck) computes from a real image.

    from ocrcourse import viz
    from ocrcourse.weights import build_official_model
    det = build_official_model("PP-OCRv3_det")
    viz.show_stage_features(det, skimage.data.page())     # one row per stage, a few channels each

The image goes through the detector's own test-time pre-processing (`pipeline.det_input`: sides
multiples of 32, ImageNet normalisation), the model runs in eval mode under `paddle.no_grad()`,
and its train/eval mode is restored afterwards.

Lesson: 02_det_backbones ("What the four maps look like").
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["stage_features", "top_channels", "show_stage_features"]


def _stage_names(n: int) -> list[str]:
    return [f"c{i + 2}" for i in range(n)] if n == 4 else [f"stage {i}" for i in range(n)]


def stage_features(model, image, limit_side_len: int = 960, neck: bool = False) -> tuple[dict, tuple]:
    """Run the backbone of `model` (a det model or a bare backbone) on one image.

    Args:
        model: a detection model (`BaseModel` with `.backbone`) or a backbone that returns a list
            of maps (or one map).
        image: a path or a BGR / gray / BGRA array (what `pipeline.read_image` accepts).
        limit_side_len: the detector's resize limit (long side at most this, as `predict_det`).
        neck: also run the model's neck on the stages and return its fused map as "neck".
    Returns:
        ({name: (C, H, W) float32 array}, (H, W) of the network input). Names are c2..c5 for
        four stages (strides 4-32), "stage i" otherwise.
    """
    import paddle

    from ..pipeline import det_input, read_image

    x, _ = det_input(read_image(image), limit_side_len)
    backbone = getattr(model, "backbone", model)
    was_training = model.training
    model.eval()
    try:
        with paddle.no_grad():
            outs = backbone(x)
            outs = [outs] if isinstance(outs, paddle.Tensor) else list(outs)
            maps = {name: out[0].numpy() for name, out in zip(_stage_names(len(outs)), outs)}
            if neck:
                if getattr(model, "neck", None) is None:
                    raise ValueError("neck=True needs a model with a neck (a BaseModel from build_model)")
                maps["neck"] = model.neck(outs)[0].numpy()
    finally:
        model.train() if was_training else model.eval()
    return maps, tuple(x.shape[2:])


def top_channels(fmap: np.ndarray, k: int) -> list[int]:
    """Indices of the `k` channels of a (C, H, W) map with the most spatial structure (largest
    standard deviation over H x W), largest first; ties keep the lower index."""
    spread = np.asarray(fmap, dtype=np.float64).reshape(fmap.shape[0], -1).std(axis=1)
    order = np.argsort(-spread, kind="stable")
    return [int(c) for c in order[:k]]


def show_stage_features(model, image, channels: int = 4, limit_side_len: int = 960, neck: bool = False,
                        width: float = 9.6, cmap: str = "magma") -> Figure:
    """One row per stage: the mean magnitude over all channels, then a few single channels.

    The channels shown are each stage's `channels` most structured ones (`top_channels`); every
    panel has its own colour scale. Row titles give the stage's output shape [C, H, W] and its
    stride (input side / map side).

    Args:
        model, image, limit_side_len, neck: as `stage_features`.
        channels: single channels per row (besides the mean).
        width: figure width in inches (at most 10 keeps it within a laptop's output area).
        cmap: colour map of every panel.
    Returns:
        A matplotlib Figure.
    """
    maps, (in_h, in_w) = stage_features(model, image, limit_side_len, neck)
    ncols = channels + 1
    panel_w = width / ncols
    aspect = in_h / in_w
    fig = Figure(figsize=(width, len(maps) * (panel_w * aspect + 0.45) + 0.35))
    axes = fig.subplots(len(maps), ncols, squeeze=False)
    for row, (name, fmap) in zip(axes, maps.items()):
        stride = in_w / fmap.shape[2]
        row[0].imshow(np.abs(fmap).mean(axis=0), cmap=cmap)
        row[0].set_title(f"{name} {list(fmap.shape)} stride {stride:g}", fontsize=9, loc="left")
        for ax, c in zip(row[1:], top_channels(fmap, channels)):
            ax.imshow(fmap[c], cmap=cmap)
            ax.set_title(f"channel {c}", fontsize=9)
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle(f"input {in_h}x{in_w} (after the detector's resize). Left: mean |x| over all channels; "
                 "right: single channels. Each panel on its own colour scale", fontsize=10)
    fig.tight_layout()
    return fig
