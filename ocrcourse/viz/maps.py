"""DB label maps, drawn so that each panel says what it holds: over the image, framed, on a fixed scale.

A mask that is 1 almost everywhere drawn in grey on a white page looks like an empty panel; here
every map is drawn on the fixed range 0..1 with a frame and a colour bar, and the shrink map is also
laid over the image, so the learner sees which pixels of which line it marks.

Lessons: 04_db_head_and_labels (the four maps of one scene), 06_data_augmentation (`show_op`).
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["MAP_STYLES", "draw_map", "show_db_labels"]

# key -> (colour map, what 0 and 1 mean)
MAP_STYLES = {
    "shrink_map": ("gray", "1 = text kernel"),
    "shrink_mask": ("RdYlGn", "0 = ignored (###, tiny)"),
    "threshold_map": ("magma", "border distance"),
    "threshold_mask": ("RdYlGn", "1 = border band"),
}


def draw_map(ax, values, key: str, colorbar: bool = True) -> None:
    """One label map on `ax`: its colour map, range 0..1, a frame, and a colour bar."""
    cmap, meaning = MAP_STYLES.get(key, ("viridis", ""))
    im = ax.imshow(np.asarray(values, dtype=np.float32), cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(f"{key}\n{meaning}" if meaning else key, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():               # a frame: an all-1 mask is not an empty panel
        spine.set_visible(True)
        spine.set_color("0.3")
    if colorbar:
        bar = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03, ticks=[0, 0.5, 1])
        bar.ax.tick_params(labelsize=8.5)


def show_db_labels(sample: dict, image=None, bgr: bool = True) -> Figure:
    """The scene with its polygons, the shrink map laid over it, and the four DB label maps.

    Args:
        sample: a data dict after `MakeBorderMap` and `MakeShrinkMap` (`shrink_map`, `shrink_mask`,
            `threshold_map`, `threshold_mask`, and `polys`, `ignore_tags`).
        image: the (H, W, 3) image the maps belong to (default `sample["image"]`).
        bgr: the image is BGR (PP-OCR's order).
    Returns:
        A Figure with two rows of three panels.
    """
    from matplotlib.patches import Polygon as Patch

    from .augment import display_image

    image = display_image(sample["image"] if image is None else image, bgr)
    fig = Figure(figsize=(9.6, 2 * 9.6 / 3 * image.shape[0] / image.shape[1] + 1.2))
    axes = fig.subplots(2, 3).ravel()
    axes[0].imshow(image)
    polys = sample.get("polys", [])
    ignore = np.asarray(sample.get("ignore_tags", np.zeros(len(polys), bool)), dtype=bool)
    for poly, ig in zip(polys, ignore):
        axes[0].add_patch(Patch(np.asarray(poly), fill=False, ec="0.5" if ig else "lime", lw=1.2,
                                ls="--" if ig else "-"))
    axes[0].set_title("scene: text (green), ignored (grey)", fontsize=9)
    axes[1].imshow(image.mean(axis=2) if image.ndim == 3 else image, cmap="gray")
    axes[1].imshow(np.ma.masked_less(sample["shrink_map"], 0.5), cmap="autumn", alpha=0.6, vmin=0, vmax=1)
    axes[1].set_title("shrink_map over the scene", fontsize=9)
    for ax in axes[:2]:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax, key in zip(axes[2:], MAP_STYLES):
        draw_map(ax, sample[key], key)
    fig.tight_layout()
    return fig
