"""A cheap guard that turns a silent NaN loss into an error a learner can act on.

A single NaN or Inf in a prediction makes every loss that touches it NaN, and training then
quietly produces garbage weights. Each loss in this package calls `check_finite` on the
predictions it receives, so the problem is reported where it first appears, with a hint.
"""
from __future__ import annotations

import paddle

from ocrcourse.errors import NonFiniteError

__all__ = ["NonFiniteError", "check_finite", "as_tensor"]


def check_finite(tensor: paddle.Tensor, where: str) -> None:
    """Raise `NonFiniteError` if `tensor` holds a NaN or an Inf.

    Args:
        tensor: a prediction (logits, probability maps, features).
        where: what it is, for the message, e.g. "DBLoss: predicts['maps']".
    """
    if not bool(paddle.isfinite(tensor).all()):
        n_nan = int(paddle.isnan(tensor).astype("int64").sum())
        raise NonFiniteError(
            f"{where} contains {n_nan} NaN value(s) and/or Inf. The model diverged or its input "
            "was broken: lower the learning rate (Optimizer.lr.learning_rate), check that images "
            "are normalised and labels are valid, and restart from the last good checkpoint.")


def as_tensor(value) -> paddle.Tensor:
    """A batch entry as a Tensor (loaders give Tensors, lessons may pass numpy arrays)."""
    return value if isinstance(value, paddle.Tensor) else paddle.to_tensor(value)
