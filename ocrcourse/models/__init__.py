"""Models: `build_model(cfg["Architecture"])` returns a BaseModel or a DistillationModel.

Where is X:
    layers.py          ConvBNLayer, SEModule, ResidualUnit, make_divisible (MobileNetV3 blocks)
    base_model.py      BaseModel: Backbone -> Neck -> Head
    distillation.py    DistillationModel: Student / Student2 / Teacher sub-models
    pretrained.py      load_pretrained(model, path) for plain and distillation checkpoints
    weight_origin.py   weight_origin(state, sources, parts): which file each part's weights came from
    backbones/, necks/, heads/: one file per YAML name; registries in each `__init__.py`
"""
from __future__ import annotations

from typing import Mapping

from ocrcourse.errors import ConfigError

from .base_model import ARCHITECTURE_KEYS, BaseModel
from .distillation import DistillationModel

__all__ = ["ARCHITECTURES", "build_model", "BaseModel", "DistillationModel"]

# `Architecture.name` -> class; without a name PaddleOCR builds a BaseModel.
ARCHITECTURES = {"BaseModel": BaseModel, "DistillationModel": DistillationModel}


def build_model(arch_cfg: Mapping):
    """Build the network described by a config's `Architecture` section (never mutated).

    The class is picked by `Architecture.name` (default BaseModel), never by `algorithm`.
    """
    if not isinstance(arch_cfg, Mapping):
        raise ConfigError(f"Architecture must be a mapping, got {type(arch_cfg).__name__}")
    unknown = set(arch_cfg) - set(ARCHITECTURE_KEYS)
    if unknown:
        raise ConfigError(f"Architecture: unknown keys {sorted(unknown)}; "
                          f"valid keys: {sorted(ARCHITECTURE_KEYS)}")
    name = arch_cfg.get("name", "BaseModel")
    if name not in ARCHITECTURES:
        raise ConfigError(f"Architecture: unknown name {name!r}; available: {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[name](dict(arch_cfg))
