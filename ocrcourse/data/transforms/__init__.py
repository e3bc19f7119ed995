"""Data transforms: the ops of a PaddleOCR `Train/Eval.dataset.transforms` list.

Each op is a small class named exactly as in PaddleOCR's YAML; `__call__(data: dict)` returns the
updated dict, or `None` to drop the sample. `ocrcourse.data.create_operators` builds a list of ops
from the YAML through the `TRANSFORMS` registry below (YAML name -> class), and
`ocrcourse.data.transform` runs them.
"""
from __future__ import annotations

from .cls_label_encode import ClsLabelEncode
from .ctc_label_encode import CTCLabelEncode
from .det_resize import DetResizeForTest
from .rand_augment import RandAugment
from .rec_aug import BaseDataAugmentation, RecAug
from .rec_con_aug import RecConAug
from .rec_resize import ClsResizeImg, RecResizeImg
from .sar_label_encode import SARLabelEncode

TRANSFORMS = {
    # recognition / classification (rec_*.py, rand_augment.py, *_label_encode.py)
    "ClsLabelEncode": ClsLabelEncode, "SARLabelEncode": SARLabelEncode,
    "RecAug": RecAug, "BaseDataAugmentation": BaseDataAugmentation, "RandAugment": RandAugment,
    "RecConAug": RecConAug, "RecResizeImg": RecResizeImg, "ClsResizeImg": ClsResizeImg,
    "CTCLabelEncode": CTCLabelEncode,
    # detection at test time (det_resize.py)
    "DetResizeForTest": DetResizeForTest,
}

__all__ = ["TRANSFORMS"]
