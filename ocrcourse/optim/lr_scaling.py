"""Scale the learning rate to your total batch: cards x batch_size_per_card.

PaddleOCR's official configs are tuned for several GPUs: the PP-OCRv4 det student's
`learning_rate: 0.001` carries the comment `#(8*8c)`, i.e. 8 images per card on 8 cards, a
total batch of 64. Each optimiser step then averages the gradient of 64 images. Train the same
config on one card and every step averages 8 images: the gradient is noisier and there are 8x
more steps per epoch, so the same learning rate is effectively much larger. The linear scaling
rule (Goyal et al., "Accurate, Large Minibatch SGD", arXiv:1706.02677) keeps training comparable:

    lr = reference_lr * total_batch / reference_batch          (rule "linear")

For Adam a gentler square-root rule is also common (Hoffer et al., arXiv:1705.08741):
`lr = reference_lr * sqrt(total_batch / reference_batch)` (rule "sqrt"). Warm-up length is given
in epochs, so it needs no change.

A config states the batch its learning rate was tuned for in `Global.reference_batch_size` (an
ocrcourse key; PaddleOCR writes it in a YAML comment). `check_lr_scaling(cfg)` prints a warning
with the scaled value and the `-o` override when your total batch differs; with
`Global.auto_scale_lr: true` `ocrcourse train` applies `scale_lr_config` itself.
Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import copy
import logging
import math
import os

from ocrcourse.errors import ConfigError

__all__ = ["scale_lr", "total_batch_size", "world_size", "lr_scaling_report", "check_lr_scaling",
           "scale_lr_config", "lr_for_your_batch"]

log = logging.getLogger(__name__)

RULES = ("linear", "sqrt")
_LR_VALUE_KEYS = ("learning_rate", "values")    # Cosine / Linear / Const: learning_rate; Piecewise: values


def scale_lr(reference_lr: float, reference_batch: int, batch: int, rule: str = "linear") -> float:
    """The learning rate for total batch `batch`, given one tuned for `reference_batch`."""
    if rule not in RULES:
        raise ConfigError(f"lr scaling rule must be one of {RULES}, got {rule!r}")
    if reference_batch <= 0 or batch <= 0:
        raise ConfigError(f"batch sizes must be positive, got reference {reference_batch}, yours {batch}")
    ratio = batch / reference_batch
    return reference_lr * (ratio if rule == "linear" else math.sqrt(ratio))


def world_size() -> int:
    """Number of training processes (cards): PADDLE_TRAINERS_NUM as set by paddle.distributed.launch."""
    return max(1, int(os.environ.get("PADDLE_TRAINERS_NUM", "1")))


def total_batch_size(cfg: dict, cards: int | None = None) -> int:
    """cards x Train.loader.batch_size_per_card (cards: `world_size()` unless given)."""
    per_card = ((cfg.get("Train") or {}).get("loader") or {}).get("batch_size_per_card")
    if not per_card:
        raise ConfigError("Train.loader.batch_size_per_card is missing: the total batch is cards x this")
    return int(per_card) * (world_size() if cards is None else int(cards))


def _lr_section(cfg: dict) -> dict:
    lr = (cfg.get("Optimizer") or {}).get("lr")
    if not isinstance(lr, dict):
        raise ConfigError("Optimizer.lr is missing or not a mapping (e.g. {name: Cosine, learning_rate: 0.001})")
    return lr


def lr_scaling_report(cfg: dict, cards: int | None = None, rule: str = "linear") -> dict | None:
    """What scaling would do: reference and total batch, configured and scaled lr, the `-o` override.

    None when the config has no `Global.reference_batch_size`.
    """
    reference = (cfg.get("Global") or {}).get("reference_batch_size")
    if not reference:
        return None
    batch = total_batch_size(cfg, cards)
    lr = _lr_section(cfg)
    if "learning_rate" in lr:
        key, old = "learning_rate", float(lr["learning_rate"])
        new = scale_lr(old, int(reference), batch, rule)
    elif "values" in lr:
        key, old = "values", [float(v) for v in lr["values"]]
        new = [scale_lr(v, int(reference), batch, rule) for v in old]
    else:
        raise ConfigError(f"Optimizer.lr has neither learning_rate nor values: {sorted(lr)}")
    override = f"Optimizer.lr.{key}={new!r}" if key == "learning_rate" else \
        f"Optimizer.lr.values=[{', '.join(f'{v:.6g}' for v in new)}]"
    return {"reference_batch": int(reference), "total_batch": batch, "rule": rule, "key": key,
            "configured": old, "scaled": new, "differs": batch != int(reference), "override": override}


def check_lr_scaling(cfg: dict, cards: int | None = None, rule: str = "linear") -> dict | None:
    """Print (and log) a warning when your total batch is not the one the learning rate was tuned for."""
    report = lr_scaling_report(cfg, cards, rule)
    if report and report["differs"]:
        message = (f"WARNING: the learning rate {report['configured']} was tuned for a total batch of "
                   f"{report['reference_batch']} (Global.reference_batch_size); yours is {report['total_batch']} "
                   f"({world_size() if cards is None else cards} card(s) x batch_size_per_card). The {rule} scaling "
                   f"rule gives {report['scaled']}: add `-o {report['override']}`, or "
                   f"`-o Global.auto_scale_lr=true` to apply it.")
        if int(os.environ.get("PADDLE_TRAINER_ID", "0")) == 0:    # once, not once per card
            print(message)
        log.debug(message)
    return report


def scale_lr_config(cfg: dict, cards: int | None = None, rule: str = "linear") -> dict:
    """A copy of `cfg` whose Optimizer.lr is scaled to your total batch (unchanged without a reference)."""
    report = lr_scaling_report(cfg, cards, rule)
    out = copy.deepcopy(cfg)
    if report and report["differs"]:
        out["Optimizer"]["lr"][report["key"]] = report["scaled"]
    return out


def lr_for_your_batch(cfg: dict, cards: int | None = None) -> dict:
    """What `ocrcourse train` does: with `Global.auto_scale_lr: true` return the scaled config (and say
    so), otherwise return `cfg` unchanged after `check_lr_scaling`'s warning."""
    if not (cfg.get("Global") or {}).get("auto_scale_lr"):
        check_lr_scaling(cfg, cards)
        return cfg
    report = lr_scaling_report(cfg, cards)
    if report and report["differs"] and int(os.environ.get("PADDLE_TRAINER_ID", "0")) == 0:
        print(f"Global.auto_scale_lr: Optimizer.lr.{report['key']} {report['configured']} -> {report['scaled']} "
              f"(total batch {report['total_batch']} instead of {report['reference_batch']}, linear rule)")
    return scale_lr_config(cfg, cards)
