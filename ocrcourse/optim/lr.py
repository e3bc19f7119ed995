"""Learning-rate schedules of PP-OCR, as pure functions and as Paddle schedulers.

Every schedule is counted in **iterations**: a config gives epochs, and the builders turn
them into steps with `step_each_epoch` (batches per epoch). The scheduler is stepped once
after every iteration, so the value read at iteration i is what that iteration trains with.

Warmup is Paddle's `LinearWarmup` from 0 to the base rate over W = round(warmup_epoch ·
step_each_epoch) iterations; after it the wrapped schedule restarts its own count at 0, so
its boundaries move W iterations later. Iteration 0 trains with lr 0.
Read the current value with `scheduler()` or `optimizer.get_lr()`: Paddle's
`scheduler.get_lr()` *recomputes* it (recursively for a bare cosine) and drifts.

The pure functions (`cosine_warmup_lr`, ...) give the same numbers for lessons and tests;
the builders (`Cosine`, `Piecewise`, `Linear`, `Const`, named after the YAML `lr.name`)
compose Paddle's own schedulers exactly as PaddleOCR does, so checkpoints resume the same way.
"""
from __future__ import annotations

import math

from paddle.optimizer import lr as paddle_lr

__all__ = ["cosine_warmup_lr", "piecewise_warmup_lr", "linear_warmup_lr", "const_warmup_lr",
           "Cosine", "Piecewise", "Linear", "Const", "ConstantLR"]


# ---------------------------------------------------------------- pure functions (per step)

def _warmup(step: int, target_lr: float, warmup_steps: int) -> float | None:
    """The linear warmup value, or None once warmup is over."""
    if step < warmup_steps:
        return target_lr * step / warmup_steps
    return None


def cosine_warmup_lr(step: int, base_lr: float, total_steps: int, warmup_steps: int = 0) -> float:
    """PaddleOCR `Cosine`: linear ramp from 0, then cosine annealing with T_max = all steps.

    T_max is *not* reduced by the warmup, so the run ends before the cosine reaches 0 (with
    base 1e-3, 50 steps, warmup 20 the last value is 3.757e-4). Past T_max it rises again.
    """
    warm = _warmup(step, base_lr, warmup_steps)
    if warm is not None:
        return warm
    t = step - warmup_steps           # LinearWarmup restarts the inner schedule at 0 ...
    return 0.5 * base_lr * (1 + math.cos(math.pi * t / total_steps))   # ... with T_max = all


def piecewise_warmup_lr(step: int, boundaries: list[int], values: list[float],
                        warmup_steps: int = 0) -> float:
    """PaddleOCR `Piecewise`: warmup to values[0], then values[k] while (step - W) is below
    boundaries[k]; values[-1] after the last boundary. Effective boundaries are W + b."""
    warm = _warmup(step, values[0], warmup_steps)
    if warm is not None:
        return warm
    t = step - warmup_steps
    for boundary, value in zip(boundaries, values):
        if t < boundary:
            return value
    return values[-1]


def linear_warmup_lr(step: int, base_lr: float, total_steps: int, warmup_steps: int = 0,
                     end_lr: float = 0.0, power: float = 1.0) -> float:
    """PaddleOCR `Linear` (Paddle's PolynomialDecay, cycle off): from base_lr down to end_lr
    over `total_steps`, then end_lr; with power 1 a straight line."""
    warm = _warmup(step, base_lr, warmup_steps)
    if warm is not None:
        return warm
    t = min(step - warmup_steps, total_steps)
    return (base_lr - end_lr) * (1 - t / total_steps) ** power + end_lr


def const_warmup_lr(step: int, base_lr: float, warmup_steps: int = 0) -> float:
    """PaddleOCR `Const`: optional warmup, then base_lr for ever."""
    warm = _warmup(step, base_lr, warmup_steps)
    return base_lr if warm is None else warm


# ---------------------------------------------------------------- Paddle schedulers

class ConstantLR(paddle_lr.LRScheduler):
    """A scheduler whose value never changes, so every config yields a scheduler object.
    (PaddleOCR's `Const` without warmup returns a bare float instead.)"""

    def get_lr(self) -> float:
        return self.base_lr


def _with_warmup(inner, target_lr: float, warmup_steps: int, last_epoch: int):
    if warmup_steps <= 0:
        return inner
    return paddle_lr.LinearWarmup(learning_rate=inner, warmup_steps=warmup_steps,
                                  start_lr=0.0, end_lr=target_lr, last_epoch=last_epoch)


def Cosine(learning_rate: float, epochs: int, step_each_epoch: int, warmup_epoch: float = 0,
           last_epoch: int = -1) -> paddle_lr.LRScheduler:
    """Cosine decay per iteration, T_max = epochs · step_each_epoch, with optional warmup.

    PP-OCR strategy: cosine learning-rate decay (余弦学习率下降) + warmup (学习率预热), two
    of the PP-OCR training tricks. Papers: SGDR, arXiv:1608.03983; PP-OCR, arXiv:2009.09941.
    `epochs` and `step_each_epoch` are wired by the trainer (Global.epoch_num, len(loader)).
    Lesson: lessons/05_lr_and_regularization.ipynb.
    """
    warmup_steps = round(warmup_epoch * step_each_epoch)
    inner = paddle_lr.CosineAnnealingDecay(learning_rate=learning_rate,
                                           T_max=step_each_epoch * epochs, last_epoch=last_epoch)
    return _with_warmup(inner, learning_rate, warmup_steps, last_epoch)


def Piecewise(values: list[float], decay_epochs: list[float], epochs: int, step_each_epoch: int,
              warmup_epoch: float = 0, last_epoch: int = -1) -> paddle_lr.LRScheduler:
    """Step-wise constant rate: values[k] until decay_epochs[k], with optional warmup.

    PP-OCR strategy: the piecewise decay of the PP-OCRv2/v3 rec distillation recipes
    (decay_epochs [700, 800], values [lr, lr/10], warmup 5 epochs).

    Paddle 2.x accepted len(values) == len(decay_epochs), as the official configs give, and
    returned values[-1] past the last boundary; Paddle 3 requires one value more than
    boundaries, so in that case values[-1] is appended (same numbers).

    Args:
        epochs: accepted for a uniform builder signature; the boundaries alone decide.
    """
    boundaries = [step_each_epoch * e for e in decay_epochs]
    values = list(values)
    if len(values) == len(boundaries):
        values.append(values[-1])
    inner = paddle_lr.PiecewiseDecay(boundaries=boundaries, values=values, last_epoch=last_epoch)
    return _with_warmup(inner, values[0], round(warmup_epoch * step_each_epoch), last_epoch)


def Linear(learning_rate: float, epochs: int, step_each_epoch: int, end_lr: float = 0.0,
           power: float = 1.0, warmup_epoch: float = 0,
           last_epoch: int = -1) -> paddle_lr.LRScheduler:
    """Polynomial (power 1: linear) decay to end_lr over epochs · step_each_epoch steps."""
    inner = paddle_lr.PolynomialDecay(learning_rate=learning_rate,
                                      decay_steps=epochs * step_each_epoch, end_lr=end_lr,
                                      power=power, last_epoch=last_epoch)
    return _with_warmup(inner, learning_rate, round(warmup_epoch * step_each_epoch), last_epoch)


def Const(learning_rate: float, epochs: int, step_each_epoch: int, warmup_epoch: float = 0,
          last_epoch: int = -1) -> paddle_lr.LRScheduler:
    """A constant rate, with optional warmup (also used when `lr` has no `name`).

    Args:
        epochs: accepted for a uniform builder signature; unused.
    """
    inner = ConstantLR(learning_rate=learning_rate, last_epoch=last_epoch)
    return _with_warmup(inner, learning_rate, round(warmup_epoch * step_each_epoch), last_epoch)
