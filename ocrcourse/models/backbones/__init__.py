"""Backbone registry. PaddleOCR reuses YAML names across model types (`MobileNetV3` in det and
in rec), so the registry is keyed by `model_type` first; the Python classes carry a prefix
(`DetMobileNetV3`, `RecMobileNetV3`) so "go to definition" lands on the code that runs."""
from __future__ import annotations

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build

from .det_mobilenet_v3 import DetMobileNetV3
from .det_resnet import ResNet
from .det_resnet_vd import ResNet_vd
from .rec_lcnetv3 import PPLCNetV3
from .rec_mobilenet_v3 import RecMobileNetV3
from .rec_mv1_enhance import MobileNetV1Enhance

# model_type -> {YAML name -> class}; filled by the imports above as families are added.
BACKBONES: dict[str, dict] = {
    "det": {"MobileNetV3": DetMobileNetV3, "ResNet_vd": ResNet_vd, "ResNet": ResNet, "PPLCNetV3": PPLCNetV3},
    "rec": {"MobileNetV3": RecMobileNetV3, "MobileNetV1Enhance": MobileNetV1Enhance, "PPLCNetV3": PPLCNetV3},
    "cls": {"MobileNetV3": RecMobileNetV3, "MobileNetV1Enhance": MobileNetV1Enhance},
}


def build_backbone(cfg: dict, model_type: str, in_channels: int = 3):
    if model_type not in BACKBONES:
        raise ConfigError(f"Architecture.model_type {model_type!r} unknown; valid: {sorted(BACKBONES)}")
    return build(BACKBONES[model_type], cfg, kind=f"Backbone ({model_type})", in_channels=in_channels)
