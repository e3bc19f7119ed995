"""Head registry: YAML `Head.name` -> class."""
from __future__ import annotations

from ocrcourse.registry import build

from .cls_head import ClsHead
from .ctc_head import CTCHead
from .db_head import DBHead
from .multi_head import MultiHead
from .pf_head import PFHeadLocal
from .sar_head import SARHead

HEADS: dict = {"DBHead": DBHead, "CTCHead": CTCHead, "ClsHead": ClsHead, "MultiHead": MultiHead,
               "SARHead": SARHead, "PFHeadLocal": PFHeadLocal}


# An official rec YAML has no class count: PaddleOCR's tools/train.py sets it from the dictionary.
_FROM_DICTIONARY = ("a rec head's class count, which comes from the dictionary (Global.character_dict_path, "
                    "use_space_char), not from the YAML: build the whole config with "
                    "models.build_from_config(cfg), or fill it in with "
                    "train.trainer.wire_dictionary_size(cfg, post_process) before build_model")


def build_head(cfg: dict, in_channels, **wired):
    return build(HEADS, cfg, kind="Head", in_channels=in_channels, **wired,
                 missing_hints={"out_channels": _FROM_DICTIONARY, "out_channels_list": _FROM_DICTIONARY})
