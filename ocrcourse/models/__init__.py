"""Models: `build_model(cfg["Architecture"])` returns a BaseModel or a DistillationModel.

`build_from_config(cfg)` does the same from a whole YAML dict and, as PaddleOCR's tools/train.py,
first sets a rec head's class count from the dictionary of the config's PostProcess (blank and
space included), so `Architecture` need not spell it out.

Where is X:
    layers.py          ConvBNLayer, SEModule, ResidualUnit, make_divisible (MobileNetV3 blocks)
    base_model.py      BaseModel: Backbone -> Neck -> Head
    distillation.py    DistillationModel: Student / Student2 / Teacher sub-models
    reparam.py         reparameterize(model): fuse PP-LCNetV3's training branches (PP-OCRv4 export)
    pretrained.py      load_pretrained(model, path) for plain and distillation checkpoints
    weight_origin.py   weight_origin(state, sources, parts): which file each part's weights came from
    backbones/, necks/, heads/: one file per YAML name; registries in each `__init__.py`
"""
from __future__ import annotations

from typing import Mapping

from ocrcourse.errors import ConfigError

from .base_model import ARCHITECTURE_KEYS, BaseModel
from .distillation import DistillationModel
from .reparam import is_reparameterized, reparameterize

__all__ = ["ARCHITECTURES", "build_model", "build_from_config", "BaseModel", "DistillationModel",
           "reparameterize", "is_reparameterized"]

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


def build_from_config(cfg: Mapping):
    """Build the model of a whole config (`load_config`'s dict), head sizes wired (never mutated).

    A rec head gets `out_channels` = the number of classes of `PostProcess` with `Global`'s
    `character_dict_path` / `use_space_char` (a MultiHead its CTC and SAR sizes), as
    `train.trainer.wire_dictionary_size` does before training; det and cls heads are left as written.
    The weights are fresh: load a checkpoint or official weights afterwards.
    """
    from ..postprocess import build_postprocess
    from ..train.trainer import wire_dictionary_size

    if not isinstance(cfg, Mapping) or "Architecture" not in cfg:
        raise ConfigError("build_from_config takes a whole config (with an Architecture section); "
                          "for the Architecture section alone use build_model")
    post_process = build_postprocess(cfg["PostProcess"], cfg.get("Global") or {}) if cfg.get("PostProcess") else None
    arch, _ = wire_dictionary_size({**cfg, "Loss": cfg.get("Loss") or {}}, post_process)
    return build_model(arch)
