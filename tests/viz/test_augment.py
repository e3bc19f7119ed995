"""viz.show_op: a before / after figure with original (red) and pasted (blue) polygons."""
from __future__ import annotations

import random

import numpy as np
from matplotlib.figure import Figure

from ocrcourse.data.transforms.copy_paste import CopyPaste
from ocrcourse.data.transforms.db_targets import MakeShrinkMap
from ocrcourse.viz import show_op
from ocrcourse.viz.augment import ORIGINAL, PASTED, display_image


def _sample():
    img = np.full((120, 160, 3), 90, np.uint8)
    ext_img = np.zeros((100, 100, 3), np.uint8)
    ext_img[10:30, 10:50] = 255
    quad = np.array([[[10, 10], [50, 10], [50, 30], [10, 30]]], np.float32)
    ext = {"image": ext_img, "polys": quad, "texts": ["x"], "ignore_tags": np.array([False])}
    return {"image": img, "polys": quad.copy(), "texts": ["a"], "ignore_tags": np.array([False]), "ext_data": [ext]}


def test_copy_paste_figure_colours_pasted_polygons_blue():
    random.seed(1)
    np.random.seed(1)
    sample = _sample()
    fig = show_op(sample, CopyPaste())
    assert isinstance(fig, Figure)
    before, after = fig.axes[:2]
    assert [line.get_color() for line in before.lines] == [ORIGINAL]
    colours = [line.get_color() for line in after.lines]
    assert colours[0] == ORIGINAL and set(colours[1:]) <= {PASTED}
    assert len(sample["polys"]) == 1                   # the sample itself is untouched


def test_label_maps_get_their_own_panels():
    fig = show_op(_sample(), MakeShrinkMap(min_text_size=4))
    titles = [ax.get_title().split("\n")[0] for ax in fig.axes]     # second line: what 0 / 1 mean
    assert titles == ["before", "after MakeShrinkMap", "shrink_map", "shrink_mask"]


def test_display_image_handles_normalised_chw():
    img = display_image(np.random.default_rng(0).normal(size=(3, 8, 10)).astype(np.float32))
    assert img.shape == (8, 10, 3) and 0 <= img.min() and img.max() <= 1


def test_image_grid_has_one_titled_panel_per_image_and_blank_rest():
    from ocrcourse.viz.augment import image_grid

    images = [np.zeros((8, 20, 3), np.uint8), np.ones((10, 30, 3), np.uint8) * 255, np.zeros((5, 5), np.uint8)]
    fig = image_grid(images, titles=["a", "b", "c"], ncols=2)
    assert len(fig.axes) == 4
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", ""]
    assert len(fig.axes[3].images) == 0 and all(len(ax.images) == 1 for ax in fig.axes[:3])


def test_show_draws_rows_are_seeded_and_draw_what_the_op_gives():
    from ocrcourse.settings import seed_everything
    from ocrcourse.viz.augment import show_draws

    def jitter(img):                                   # a random op on an image array
        return (img.astype(np.int16) + np.random.randint(0, 50, img.shape)).clip(0, 255).astype(np.uint8)

    word = np.full((10, 40, 3), 100, np.uint8)
    fig = show_draws(word, {"a": jitter, "b": jitter}, n=2, seed=4)
    axes = np.array(fig.axes).reshape(2, 3)
    seed_everything(4)
    first, second = jitter(word), jitter(word)
    for row in axes:                                   # every row re-seeds: both rows are the same draws
        np.testing.assert_array_equal(row[0].images[0].get_array(), word[:, :, ::-1])
        np.testing.assert_array_equal(row[1].images[0].get_array(), first[:, :, ::-1])
        np.testing.assert_array_equal(row[2].images[0].get_array(), second[:, :, ::-1])
    assert not np.array_equal(first, second)
    assert [ax.get_title() for ax in axes[0]] == ["a\noriginal 10x40", "\ndraw 1: 10x40", "\ndraw 2: 10x40"]


def test_show_draws_on_a_data_dict_keeps_the_sample_and_colours_pasted_boxes():
    from ocrcourse.viz.augment import show_draws

    sample = _sample()
    fig = show_draws(sample, CopyPaste(), n=2, seed=1)
    assert len(sample["polys"]) == 1 and "pasted" not in sample      # the sample itself is untouched
    original, *draws = fig.axes
    assert [line.get_color() for line in original.lines] == [ORIGINAL]
    for ax in draws:
        colours = [line.get_color() for line in ax.lines]
        assert colours[0] == ORIGINAL and set(colours[1:]) <= {PASTED}
        assert ax.get_xlim() == (-0.5, 159.5) and ax.get_ylim() == (119.5, -0.5)   # the panel is the image
