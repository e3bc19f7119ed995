"""Effective receptive field: which input pixels move one output pixel, and how far they reach.

Lesson 03 compares the necks (DBFPN, RSE-FPN, LK-PAN) by how much of the image the centre pixel of
their output "sees". The theoretical receptive field of a deep network is huge; what matters is
the *effective* one (Luo et al., "Understanding the Effective Receptive Field in Deep
Convolutional Neural Networks", NeurIPS 2016, arXiv:1701.04128): the magnitude of the gradient of
one output pixel with respect to every input pixel.

    erf = viz.effective_receptive_field(nn.Sequential(backbone, neck), image_size=(320, 320))
    viz.receptive_field_radius(erf)      # radius (px) holding 90 % of the gradient mass

`paddle.grad` is taken with respect to the input only, so no parameter gradient is written.
"""
from __future__ import annotations

import numpy as np
import paddle
from paddle import nn

__all__ = ["effective_receptive_field", "receptive_field_radius"]


def _first_map(out):
    """The (N, C, h, w) tensor of a layer's output: a tensor, `{"maps": ...}`, or a list's last item."""
    if isinstance(out, dict):
        out = out["maps"]
    if isinstance(out, (list, tuple)):
        out = out[-1]
    return out


def effective_receptive_field(layer: nn.Layer, image_size=(320, 320), in_channels: int = 3,
                              seed: int = 0) -> np.ndarray:
    """|d out[:, :, h/2, w/2] / d input|, summed over channels, scaled to a maximum of 1.

    Args:
        layer: any Layer taking an image batch (N, in_channels, H, W) and returning a map
            (N, C, h, w), `{"maps": map}` or a list of maps (the last, deepest one is used).
        image_size: (H, W) of the random input.
        in_channels: channels of the input.
        seed: seed of the standard-normal input image (the layer's weights are not touched).

    Returns:
        float32 array (H, W) in [0, 1]. The layer runs in eval mode; its mode is restored.
    """
    generator = np.random.default_rng(seed)
    x = paddle.to_tensor(generator.standard_normal((1, in_channels, *image_size)).astype("float32"))
    x.stop_gradient = False
    was_training = layer.training
    layer.eval()
    try:
        out = _first_map(layer(x))
        h, w = out.shape[2:]
        (grad,) = paddle.grad(out[:, :, h // 2, w // 2].sum(), x)
    finally:
        if was_training:
            layer.train()
    erf = grad.abs().sum(axis=1)[0].numpy()
    return (erf / max(float(erf.max()), 1e-30)).astype(np.float32)


def receptive_field_radius(erf: np.ndarray, mass: float = 0.9) -> float:
    """Radius (px) of the disc around the image centre that holds `mass` of the ERF's total."""
    h, w = erf.shape
    yy, xx = np.mgrid[:h, :w]
    radius = np.hypot(yy - h // 2, xx - w // 2).ravel()
    order = np.argsort(radius, kind="stable")
    cumulative = np.cumsum(erf.ravel()[order], dtype=np.float64)
    index = int(np.searchsorted(cumulative / cumulative[-1], mass))
    return float(radius[order][min(index, len(order) - 1)])
