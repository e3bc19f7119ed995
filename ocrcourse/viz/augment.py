"""Show what one data op does to a sample: before / after, polygons drawn on both."""
from __future__ import annotations

import copy

import numpy as np
from matplotlib.figure import Figure

__all__ = ["display_image", "show_op", "image_grid"]

ORIGINAL, PASTED, IGNORED = "red", "blue", "gray"
_MAP_KEYS = ("shrink_map", "shrink_mask", "threshold_map", "threshold_mask")


def display_image(image: np.ndarray, bgr: bool = True) -> np.ndarray:
    """An (H, W, 3) image for matplotlib from (H, W, C) or (C, H, W), uint8 or normalised float."""
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[0] in (1, 3) and img.shape[2] not in (1, 3):
        img = img.transpose(1, 2, 0)                     # CHW -> HWC
    if img.dtype != np.uint8:                            # normalised floats: stretch to [0, 1]
        lo, hi = float(img.min()), float(img.max())
        img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img, dtype=np.float32)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    return img[:, :, ::-1] if bgr and img.ndim == 3 else img


def _draw(ax, data: dict, title: str, bgr: bool) -> None:
    ax.imshow(display_image(data["image"], bgr), cmap="gray")
    polys = data.get("polys", [])
    ignore = np.asarray(data.get("ignore_tags", np.zeros(len(polys), bool)), dtype=bool)
    pasted = np.asarray(data.get("pasted", np.zeros(len(polys), bool)), dtype=bool)
    for poly, ig, pa in zip(polys, ignore, pasted):
        closed = np.vstack([poly, poly[:1]])
        color = PASTED if pa else (IGNORED if ig else ORIGINAL)
        ax.plot(closed[:, 0], closed[:, 1], color=color, linewidth=1.2, linestyle="--" if ig else "-")
    ax.set_title(title)
    ax.axis("off")


def show_op(sample: dict, op, bgr: bool = True, size: float | None = None) -> Figure:
    """Apply `op` to a copy of `sample` and draw before and after.

    Polygons: original in red, pasted by CopyPaste in blue (the `pasted` key), ignored ("###")
    dashed gray. Label maps the op added (shrink / threshold map and mask) get their own panels.
    The sample itself is not changed.

    Args:
        sample: a data dict with at least `image` (as after DecodeImage) and usually `polys`.
        op: any transform object (e.g. `CopyPaste()`, `IaaAugment()`, `MakeBorderMap()`).
        bgr: the image is in BGR order (PP-OCR's), so it is flipped for display.
        size: width of one panel in inches (default: 4, less when there are more than two panels,
            so the figure stays within a laptop screen's 10 inches).
    Returns:
        A matplotlib Figure.
    """
    from ocrcourse.data.transforms.iaa_augment import apply_pending_warp

    from .maps import draw_map

    after = apply_pending_warp(op(copy.deepcopy(sample)))
    new_maps = [k for k in _MAP_KEYS if after is not None and k in after and k not in sample]
    size = size or min(4.0, 9.6 / (2 + len(new_maps)))
    fig = Figure(figsize=(size * (2 + len(new_maps)), size))
    axes = fig.subplots(1, 2 + len(new_maps), squeeze=False)[0]
    _draw(axes[0], sample, "before", bgr)
    if after is None:
        axes[1].text(0.5, 0.5, f"{type(op).__name__} dropped the sample", ha="center", va="center")
        axes[1].axis("off")
    else:
        _draw(axes[1], after, f"after {type(op).__name__}", bgr)
    for ax, key in zip(axes[2:], new_maps):
        draw_map(ax, after[key], key, colorbar=False)   # fixed 0..1 scale and a frame
    fig.tight_layout()
    return fig


def image_grid(images: list, titles: list | None = None, ncols: int = 4, size: tuple = (2.0, 1.0),
               bgr: bool = True) -> Figure:
    """Draw images (e.g. several augmentations of one word) in a grid of small panels.

    Args:
        images: (H, W, C) or (H, W) arrays, uint8 or normalised floats; sizes may differ.
        titles: one short title per image (optional).
        ncols: panels per row.
        size: (width, height) of one panel in inches.
        bgr: the images are BGR (PP-OCR's order) and are flipped for display.
    Returns:
        A matplotlib Figure.
    """
    nrows = -(-len(images) // ncols)
    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i < len(images):
            ax.imshow(display_image(images[i], bgr), cmap="gray")
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig
