"""Neck registry: YAML `Neck.name` -> class."""
from __future__ import annotations

from ocrcourse.registry import build

NECKS: dict = {}


def build_neck(cfg: dict, in_channels):
    return build(NECKS, cfg, kind="Neck", in_channels=in_channels)
