"""Show what one data op does to a sample: before / after, polygons drawn on both."""
from __future__ import annotations

import copy

import numpy as np
from matplotlib.figure import Figure

__all__ = ["display_image", "show_op", "image_grid", "show_draws"]

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


def _apply(op, sample):
    """`op` on a copy of `sample` (a data dict or an image array), with IaaAugment's pending warp done."""
    from ocrcourse.data.transforms.iaa_augment import apply_pending_warp

    if isinstance(sample, dict):
        return apply_pending_warp(op(copy.deepcopy(sample)))
    return op(np.array(sample, copy=True))


def show_draws(sample, ops, n: int = 3, seed: int = 0, size: float | None = None, bgr: bool = True) -> Figure:
    """Several random draws of augmentations on one sample: one row per op, the original first.

    Each row re-seeds Python's, NumPy's and Paddle's generators with `seed` before its draws
    (`settings.seed_everything`), so a row is the same on every run and its first draw is what
    `seed_everything(seed); op(copy_of_sample)` gives. Polygons as in `show_op` (red original,
    blue pasted, dashed gray ignored); every panel has the same size whatever the image's size,
    so the titles give the size (H x W) of each draw.

    Args:
        sample: a data dict with `image` (and usually `polys`), or an image array.
        ops: one op, or {row name: op}. An op takes and returns what `sample` is (a dict op such as
            `IaaAugment()` for a dict; a function of an image such as `rec_aug.tia_distort` for an array).
        n: draws per op.
        seed: the seed of every row.
        size: panel width in inches (default: as wide as fits 9.6 inches, at most 2.4).
        bgr: images are BGR (PP-OCR's order) and are flipped for display.
    Returns:
        A matplotlib Figure with len(ops) x (n + 1) panels.
    """
    from ocrcourse.settings import seed_everything

    ops = ops if isinstance(ops, dict) else {type(ops).__name__: ops}
    as_dict = (lambda d: d) if isinstance(sample, dict) else (lambda img: {"image": img})
    first = as_dict(sample)
    h, w = np.asarray(first["image"]).shape[:2]
    size = size or min(2.4, 9.6 / (n + 1))
    fig = Figure(figsize=(size * (n + 1), len(ops) * (size * h / w + 0.55) + 0.1))
    axes = fig.subplots(len(ops), n + 1, squeeze=False)
    for row, (name, op) in zip(axes, ops.items()):
        seed_everything(seed)
        _draw(row[0], first, f"{name}\noriginal {h}x{w}", bgr)
        for i, ax in enumerate(row[1:], start=1):
            out = _apply(op, sample)
            if out is None:
                ax.text(0.5, 0.5, "sample dropped", ha="center", va="center")
                ax.axis("off")
                continue
            out = as_dict(out)
            oh, ow = np.asarray(out["image"]).shape[:2]
            _draw(row[i], out, f"\ndraw {i}: {oh}x{ow}", bgr)
        for ax in row:                       # a polygon partly outside the image does not shrink the panel
            ax.title.set_fontsize(9)
            if ax.images:
                ih, iw = ax.images[0].get_array().shape[:2]
                ax.set_xlim(-0.5, iw - 0.5)
                ax.set_ylim(ih - 0.5, -0.5)
    fig.tight_layout()
    return fig
