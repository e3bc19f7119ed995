"""Optimisers of PP-OCR with PaddleOCR's regulariser and gradient-clipping conventions.

Each builder is named after the YAML `Optimizer.name` and returns a `paddle.optimizer`
over the model's trainable parameters. `ocrcourse.optim.build_optimizer` wires in the
learning-rate scheduler, the weight decay and the gradient clip computed from the config.

**L2 regulariser semantics** (`regularizer: {name: L2, factor: f}`): PaddleOCR turns it into
the float `weight_decay=f`. For Adam, Momentum and SGD a float means *coupled* L2
(grad += f·param before the update, not AdamW's decoupled decay): with Adam, lr 0.1, f 0.5
and a zero gradient, the first step moves every weight by -0.1·sign(w). A parameter that
carries its own `ParamAttr(regularizer=...)` keeps it and ignores f (Paddle 3.3 checked):
the CTC head's `fc_decay` (L2Decay(4e-4 / 1e-5)) and MobileNetV1Enhance's BN L2Decay(0).
AdamW is different: its decoupled decay f applies to every parameter (except those named
by `no_weight_decay_name` / 1-D ones), and a ParamAttr regulariser is added on top.
"""
from __future__ import annotations

import paddle
from paddle import nn

from ocrcourse.errors import ConfigError

__all__ = ["Adam", "AdamW", "Momentum", "SGD", "weight_decay_from_regularizer",
           "grad_clip_from_config", "trainable_parameters"]


def trainable_parameters(model: nn.Layer) -> list:
    """Parameters the optimiser updates (BN running statistics are not trainable)."""
    return [p for p in model.parameters() if p.trainable]


def weight_decay_from_regularizer(regularizer: dict | None):
    """`{name: L2, factor: f}` -> float f (coupled L2); `{name: L1, factor: f}` -> L1Decay(f)."""
    if not regularizer:
        return None
    reg = dict(regularizer)
    name = reg.pop("name", None)
    factor = float(reg.pop("factor", 0.0))
    if reg:
        raise ConfigError(f"Optimizer.regularizer: unknown keys {sorted(reg)}; valid: name, factor")
    if name == "L2":
        return factor
    if name == "L1":
        return paddle.regularizer.L1Decay(factor)
    raise ConfigError(f"Optimizer.regularizer: name {name!r} is not supported; use L2 or L1")


def grad_clip_from_config(clip_norm: float | None = None, clip_norm_global: float | None = None):
    """`clip_norm` -> per-tensor ClipGradByNorm; `clip_norm_global` -> ClipGradByGlobalNorm."""
    if clip_norm is not None and clip_norm_global is not None:
        raise ConfigError("Optimizer: give clip_norm or clip_norm_global, not both")
    if clip_norm is not None:
        return nn.ClipGradByNorm(clip_norm=clip_norm)
    if clip_norm_global is not None:
        return nn.ClipGradByGlobalNorm(clip_norm=clip_norm_global)
    return None


def Adam(model: nn.Layer, learning_rate, beta1: float = 0.9, beta2: float = 0.999,
         epsilon: float = 1e-8, weight_decay=None, grad_clip=None, lazy_mode: bool = False,
         name: str | None = None) -> paddle.optimizer.Adam:
    """Adam with coupled L2 (`weight_decay` float) -- every PP-OCR det and rec recipe.

    PP-OCR strategy: L2 decay (L2正则化) with Adam; paper: Kingma & Ba, arXiv:1412.6980.
    Lesson: lessons/05_lr_and_regularization.ipynb.
    """
    return paddle.optimizer.Adam(learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                                 epsilon=epsilon, parameters=trainable_parameters(model),
                                 weight_decay=weight_decay, grad_clip=grad_clip,
                                 lazy_mode=lazy_mode, name=name)


def AdamW(model: nn.Layer, learning_rate, beta1: float = 0.9, beta2: float = 0.999,
          epsilon: float = 1e-8, weight_decay=None, grad_clip=None,
          no_weight_decay_name: str | None = None, one_dim_param_no_weight_decay: bool = False,
          multi_precision: bool = False, lazy_mode: bool = False,
          name: str | None = None) -> paddle.optimizer.AdamW:
    """AdamW (decoupled decay). As in PaddleOCR, no weight decay given means 0.01.

    Args:
        no_weight_decay_name: space-separated substrings of parameter names exempt from decay.
        one_dim_param_no_weight_decay: also exempt every 1-D parameter (biases, norms).
    """
    patterns = no_weight_decay_name.split() if no_weight_decay_name else []
    exempt = {p.name for n, p in model.named_parameters() if any(s in n for s in patterns)}
    if one_dim_param_no_weight_decay:
        exempt |= {p.name for p in model.parameters() if len(p.shape) == 1}
    return paddle.optimizer.AdamW(
        learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon,
        parameters=trainable_parameters(model),
        weight_decay=0.01 if weight_decay is None else weight_decay,
        apply_decay_param_fun=lambda param_name: param_name not in exempt,
        grad_clip=grad_clip, multi_precision=multi_precision, lazy_mode=lazy_mode, name=name)


def Momentum(model: nn.Layer, learning_rate, momentum: float = 0.9, weight_decay=None,
             grad_clip=None) -> paddle.optimizer.Momentum:
    """SGD with momentum and coupled L2 (the PP-OCR v1 / DB ResNet recipes)."""
    return paddle.optimizer.Momentum(learning_rate=learning_rate, momentum=momentum,
                                     parameters=trainable_parameters(model),
                                     weight_decay=weight_decay, grad_clip=grad_clip)


def SGD(model: nn.Layer, learning_rate, weight_decay=None, grad_clip=None) -> paddle.optimizer.SGD:
    """Plain SGD with coupled L2."""
    return paddle.optimizer.SGD(learning_rate=learning_rate,
                                parameters=trainable_parameters(model),
                                weight_decay=weight_decay, grad_clip=grad_clip)
