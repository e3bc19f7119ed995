"""Head registry: YAML `Head.name` -> class."""
from __future__ import annotations

from ocrcourse.registry import build

from .cls_head import ClsHead
from .ctc_head import CTCHead
from .db_head import DBHead
from .multi_head import MultiHead
from .sar_head import SARHead

HEADS: dict = {"DBHead": DBHead, "CTCHead": CTCHead, "ClsHead": ClsHead, "MultiHead": MultiHead,
               "SARHead": SARHead}


def build_head(cfg: dict, in_channels, **wired):
    return build(HEADS, cfg, kind="Head", in_channels=in_channels, **wired)
