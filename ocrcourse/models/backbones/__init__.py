"""Backbone registry. PaddleOCR reuses YAML names across model types (`MobileNetV3` in det and
in rec), so the registry is keyed by `model_type` first; the Python classes carry a prefix
(`DetMobileNetV3`, `RecMobileNetV3`) so "go to definition" lands on the code that runs."""
from __future__ import annotations

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build

# model_type -> {YAML name -> class}; filled by the imports above as families are added.
BACKBONES: dict[str, dict] = {"det": {}, "rec": {}, "cls": {}}


def build_backbone(cfg: dict, model_type: str, in_channels: int = 3):
    if model_type not in BACKBONES:
        raise ConfigError(f"Architecture.model_type {model_type!r} unknown; valid: {sorted(BACKBONES)}")
    return build(BACKBONES[model_type], cfg, kind=f"Backbone ({model_type})", in_channels=in_channels)
