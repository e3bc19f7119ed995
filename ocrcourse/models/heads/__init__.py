"""Head registry: YAML `Head.name` -> class."""
from __future__ import annotations

from ocrcourse.registry import build

HEADS: dict = {}


def build_head(cfg: dict, in_channels, **wired):
    return build(HEADS, cfg, kind="Head", in_channels=in_channels, **wired)
