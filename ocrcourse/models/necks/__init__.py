"""Neck registry: YAML `Neck.name` -> class."""
from __future__ import annotations

from ocrcourse.registry import build

from .db_fpn import DBFPN
from .lk_pan import LKPAN
from .rse_fpn import RSEFPN
from .sequence_encoder import SequenceEncoder

NECKS: dict = {"DBFPN": DBFPN, "RSEFPN": RSEFPN, "LKPAN": LKPAN, "SequenceEncoder": SequenceEncoder}


def build_neck(cfg: dict, in_channels):
    return build(NECKS, cfg, kind="Neck", in_channels=in_channels)
