"""effective_receptive_field / receptive_field_radius on layers whose receptive field is known."""
from __future__ import annotations

import numpy as np
import paddle
from paddle import nn

from ocrcourse.viz.receptive_field import effective_receptive_field, receptive_field_radius


def test_a_3x3_conv_sees_exactly_its_window_and_writes_no_param_grad():
    paddle.seed(0)
    conv = nn.Conv2D(3, 4, 3, padding=1)
    conv.train()
    erf = effective_receptive_field(conv, image_size=(9, 11))
    assert erf.shape == (9, 11) and erf.max() == 1.0
    rows, cols = np.nonzero(erf)
    assert set(rows) == {3, 4, 5} and set(cols) == {4, 5, 6}    # around the centre (4, 5)
    assert conv.training and conv.weight.grad is None


def test_stacked_convs_and_dict_or_list_outputs():
    paddle.seed(0)

    class TwoLevels(nn.Layer):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2D(1, 1, 3, padding=1)
            self.b = nn.Conv2D(1, 1, 5, padding=2)

        def forward(self, x):
            y = self.a(x)
            return {"maps": [y, self.b(y)]}          # the last map: 3x3 then 5x5 -> 7x7 window

    erf = effective_receptive_field(TwoLevels(), image_size=(15, 15), in_channels=1)
    rows, cols = np.nonzero(erf)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (4, 10, 4, 10)


def test_radius_of_a_point_and_of_a_uniform_disc():
    point = np.zeros((21, 21), np.float32)
    point[10, 10] = 1
    assert receptive_field_radius(point) == 0.0
    yy, xx = np.mgrid[:41, :41]
    disc = (np.hypot(yy - 20, xx - 20) <= 10).astype(np.float32)
    assert 9 <= receptive_field_radius(disc, mass=0.9) <= 10
    assert receptive_field_radius(disc, mass=0.25) < receptive_field_radius(disc, mass=0.9)
