"""Mixed precision as PaddleOCR's tools/train.py and tools/program.py set it up (GPU only).

`Global` keys: `use_amp`, `amp_level` (O1 or O2, default O2), `amp_dtype` (float16 or bfloat16,
default float16), `amp_custom_black_list` / `amp_custom_white_list` (ops kept in / forced to low
precision; the PP-OCRv2 CML config keeps `exp` in float32), `scale_loss` (initial loss scale,
default 1.0) and `use_dynamic_loss_scaling` (default false).

What each piece does, as in PaddleOCR:
- O2 decorates the model and optimizer once (`paddle.amp.decorate(level="O2", master_weight=True)`):
  parameters in low precision, a float32 master copy updated by the optimizer;
- the forward pass runs under `paddle.amp.auto_cast(level, custom_black_list, custom_white_list,
  dtype)`; the predictions are cast to float32 and the loss is computed *outside* auto_cast;
- the loss is scaled, back-propagated and applied with `GradScaler.minimize`;
- evaluation runs the forward pass under the same auto_cast (without the white list, as
  PaddleOCR's `eval`) and casts the predictions to float32 before post-processing.

Paddle's auto_cast only acts on CUDA / XPU / custom devices: on a CPU (checked with Paddle 3.3.1,
float16 and bfloat16 alike) it warns and does nothing, `decorate(level="O2")` leaves the parameters
in float32 and GradScaler disables itself. So `setup_amp` returns None without a GPU and training
runs in float32, with an info message; tests/train/test_amp.py runs every path on CPU past that check.
Lesson: lessons/07_train_db.ipynb (the `Global` keys of a training config).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import paddle

from ..errors import ConfigError
from ..settings import device

__all__ = ["AmpConfig", "setup_amp", "to_float32", "AMP_LEVELS", "AMP_DTYPES"]

logger = logging.getLogger(__name__)

AMP_LEVELS = ("O1", "O2")
AMP_DTYPES = ("float16", "bfloat16")


def to_float32(preds):
    """Cast the half-precision tensors in (nested dicts / lists of) predictions to float32, as
    PaddleOCR's `to_float32` does before the loss; returns the same container type."""
    if isinstance(preds, dict):
        return {k: to_float32(v) for k, v in preds.items()}
    if isinstance(preds, (list, tuple)):
        return type(preds)(to_float32(v) for v in preds)
    if isinstance(preds, paddle.Tensor) and preds.dtype in (paddle.float16, paddle.bfloat16):
        return preds.astype("float32")
    return preds


@dataclass
class AmpConfig:
    """What the loop needs for mixed precision: the scaler and the auto_cast arguments."""

    scaler: object
    level: str = "O2"
    dtype: str = "float16"
    custom_black_list: list = field(default_factory=list)
    custom_white_list: list = field(default_factory=list)

    def autocast(self, training: bool = True):
        """The auto_cast context of a training (or, `training=False`, an evaluation) forward pass."""
        white = self.custom_white_list if training else None     # PaddleOCR's eval passes no white list
        return paddle.amp.auto_cast(level=self.level, custom_black_list=self.custom_black_list or None,
                                    custom_white_list=white or None, dtype=self.dtype)


def _check(g: dict) -> tuple[str, str]:
    level, dtype = str(g.get("amp_level", "O2")).upper(), str(g.get("amp_dtype", "float16"))
    if level not in AMP_LEVELS:
        raise ConfigError(f"Global.amp_level must be one of {list(AMP_LEVELS)}, got {g.get('amp_level')!r}")
    if dtype not in AMP_DTYPES:
        raise ConfigError(f"Global.amp_dtype must be one of {list(AMP_DTYPES)}, got {dtype!r}")
    for key in ("amp_custom_black_list", "amp_custom_white_list"):
        if not isinstance(g.get(key) or [], (list, tuple)):
            raise ConfigError(f"Global.{key} must be a list of op names, e.g. ['exp'], got {g.get(key)!r}")
    return level, dtype


def setup_amp(g: dict, model, optimizer, on_device: str | None = None):
    """(model, optimizer, AmpConfig | None) for the `Global` section `g`.

    Without `use_amp`, or on a machine without a GPU, returns the model and optimizer unchanged
    and None. With O2 the pair comes back from `paddle.amp.decorate(master_weight=True)`: call it
    after loading weights and before wrapping the model in DataParallel, as PaddleOCR does.
    """
    if not g.get("use_amp"):
        return model, optimizer, None
    level, dtype = _check(g)
    if (on_device or device()) != "gpu":
        logger.info("Global.use_amp is set but there is no GPU: training in float32 on CPU "
                    "(Paddle's auto_cast only acts on GPU / XPU)")
        return model, optimizer, None
    scaler = paddle.amp.GradScaler(init_loss_scaling=float(g.get("scale_loss", 1.0)),
                                   use_dynamic_loss_scaling=bool(g.get("use_dynamic_loss_scaling", False)))
    if level == "O2":
        model, optimizer = paddle.amp.decorate(models=model, optimizers=optimizer, level="O2",
                                               master_weight=True, dtype=dtype)
    amp = AmpConfig(scaler, level, dtype, list(g.get("amp_custom_black_list") or []),
                    list(g.get("amp_custom_white_list") or []))
    return model, optimizer, amp
