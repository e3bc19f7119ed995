"""reparameterize(model): fold every re-parameterisable layer into its single inference conv.

PP-OCRv4's PP-LCNetV3 trains each conv as a sum of parallel conv+BN branches (more capacity
while learning) and, before export, replaces the sum by the one conv it equals (no extra cost
at inference). PaddleOCR's export script does this by calling `rep()` on every sub-layer that
has one; so does this function. The fused model gives the same outputs in eval mode (BN uses
its running statistics) and cannot be trained back into branches: keep the training
checkpoint. Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

from paddle import nn

__all__ = ["reparameterize", "is_reparameterized"]


def reparameterize(model: nn.Layer) -> int:
    """Call `rep()` on each sub-layer that has one and is not fused yet; returns how many were fused.

    Run it inside the same `paddle.utils.unique_name.guard()` as the model's construction when
    static parameter names matter (the fused convs then continue the `conv2d_N` count).
    """
    todo = [layer for layer in model.sublayers(include_self=True)
            if callable(getattr(layer, "rep", None)) and not getattr(layer, "is_repped", True)]
    for layer in todo:
        layer.rep()
    return len(todo)


def is_reparameterized(model: nn.Layer) -> bool:
    """True when no sub-layer is left in its multi-branch training form."""
    return not any(callable(getattr(layer, "rep", None)) and not getattr(layer, "is_repped", True)
                   for layer in model.sublayers(include_self=True))
