"""Optimiser and learning-rate schedule of a PaddleOCR `Optimizer` section.

    Optimizer:
      name: Adam                      # -> OPTIMIZERS
      beta1: 0.9
      lr: {name: Cosine, learning_rate: 0.001, warmup_epoch: 2}     # -> LR_SCHEDULES
      regularizer: {name: L2, factor: 5.0e-05}                      # coupled L2, see optimizer.py

`build_optimizer(cfg, epochs, step_each_epoch, model)` returns (optimizer, lr_scheduler); the
training loop calls `lr_scheduler.step()` once after every iteration.
"""
from __future__ import annotations

import copy

from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build

from .lr import (Const, ConstantLR, Cosine, Linear, Piecewise, const_warmup_lr, cosine_warmup_lr,
                 linear_warmup_lr, piecewise_warmup_lr)
from .optimizer import (SGD, Adam, AdamW, Momentum, grad_clip_from_config,
                        weight_decay_from_regularizer)

__all__ = ["LR_SCHEDULES", "OPTIMIZERS", "build_lr", "build_optimizer", "lr_curve", "Cosine",
           "Piecewise", "Linear", "Const", "ConstantLR", "cosine_warmup_lr", "piecewise_warmup_lr",
           "linear_warmup_lr", "const_warmup_lr", "Adam", "AdamW", "Momentum", "SGD"]

LR_SCHEDULES = {"Cosine": Cosine, "Piecewise": Piecewise, "Linear": Linear, "Const": Const}

OPTIMIZERS = {"Adam": Adam, "AdamW": AdamW, "Momentum": Momentum, "SGD": SGD}


def build_lr(cfg: dict, epochs: int, step_each_epoch: int):
    """Build the Paddle LR scheduler of an `Optimizer.lr` section, stepped once per iteration.

    An `lr` without `name` (just `learning_rate: 0.001`) is a constant rate (`Const`).
    """
    cfg = dict(cfg)
    cfg.setdefault("name", "Const")
    return build(LR_SCHEDULES, cfg, kind="Optimizer.lr", epochs=epochs,
                 step_each_epoch=step_each_epoch)


def lr_curve(cfg: dict, epochs: int, step_each_epoch: int) -> list[float]:
    """The learning rate of every iteration of a run, read from the scheduler `build_lr` builds.

    Iteration i trains with `values[i]`: the value is read before `step()`, as the trainer does.
    Used for the schedule plots of lessons/05_lr_and_regularization.ipynb.
    """
    scheduler = build_lr(cfg, epochs, step_each_epoch)
    values = []
    for _ in range(epochs * step_each_epoch):
        values.append(float(scheduler()))     # scheduler(), not get_lr(): see lr.py
        scheduler.step()
    return values


def build_optimizer(cfg: dict, epochs: int, step_each_epoch: int, model: nn.Layer):
    """Build (optimizer, lr_scheduler) from an `Optimizer` section; the config is not changed.

    `regularizer` becomes the optimiser's weight decay (an `L2` factor is a float: coupled
    L2), `clip_norm` / `clip_norm_global` a gradient clip; a `weight_decay` key given
    directly (AdamW configs) is used when there is no `regularizer`.
    """
    cfg = copy.deepcopy(dict(cfg))
    if "lr" not in cfg:
        raise ConfigError("Optimizer: missing `lr` section, e.g. lr: {name: Cosine, "
                          "learning_rate: 0.001, warmup_epoch: 2}")
    lr_scheduler = build_lr(cfg.pop("lr"), epochs, step_each_epoch)
    weight_decay = weight_decay_from_regularizer(cfg.pop("regularizer", None))
    if "weight_decay" in cfg:
        direct = cfg.pop("weight_decay")
        if weight_decay is not None:
            raise ConfigError("Optimizer: give `regularizer` or `weight_decay`, not both")
        weight_decay = direct
    grad_clip = grad_clip_from_config(cfg.pop("clip_norm", None), cfg.pop("clip_norm_global", None))
    optimizer = build(OPTIMIZERS, cfg, kind="Optimizer", model=model, learning_rate=lr_scheduler,
                      weight_decay=weight_decay, grad_clip=grad_clip)
    return optimizer, lr_scheduler
