"""Data transforms: the ops of a PaddleOCR `Train/Eval.dataset.transforms` list.

Each op is a small class named exactly as in PaddleOCR's YAML; `__call__(data: dict)` returns the
updated dict, or `None` to drop the sample. `ocrcourse.data.create_operators` builds a list of ops
from the YAML through the `TRANSFORMS` registry below (YAML name -> class), and
`ocrcourse.data.transform` runs them.
"""
from __future__ import annotations

from .cls_label_encode import ClsLabelEncode
from .copy_paste import CopyPaste
from .ctc_label_encode import CTCLabelEncode
from .db_targets import MakeBorderMap, MakeShrinkMap
from .decode import DecodeImage
from .det_label_encode import DetLabelEncode
from .det_resize import DetResizeForTest
from .iaa_augment import IaaAugment
from .keep_keys import KeepKeys
from .multi_label_encode import MultiLabelEncode
from .nrtr_label_encode import NRTRLabelEncode
from .normalize import NormalizeImage, ToCHWImage
from .random_crop import EastRandomCropData, RandomCropImgMask
from .rand_augment import RandAugment
from .rec_aug import BaseDataAugmentation, RecAug
from .rec_con_aug import RecConAug
from .rec_resize import ClsResizeImg, RecResizeImg
from .sar_label_encode import SARLabelEncode

TRANSFORMS = {
    # shared and detection training (decode.py, normalize.py, keep_keys.py, det_label_encode.py,
    # copy_paste.py, iaa_augment.py, random_crop.py, db_targets.py)
    "DecodeImage": DecodeImage, "NormalizeImage": NormalizeImage, "ToCHWImage": ToCHWImage,
    "KeepKeys": KeepKeys, "DetLabelEncode": DetLabelEncode, "CopyPaste": CopyPaste,
    "IaaAugment": IaaAugment, "EastRandomCropData": EastRandomCropData,
    "RandomCropImgMask": RandomCropImgMask, "MakeBorderMap": MakeBorderMap, "MakeShrinkMap": MakeShrinkMap,
    # recognition / classification (rec_*.py, rand_augment.py, *_label_encode.py)
    "ClsLabelEncode": ClsLabelEncode, "SARLabelEncode": SARLabelEncode,
    "RecAug": RecAug, "BaseDataAugmentation": BaseDataAugmentation, "RandAugment": RandAugment,
    "RecConAug": RecConAug, "RecResizeImg": RecResizeImg, "ClsResizeImg": ClsResizeImg,
    "MultiLabelEncode": MultiLabelEncode, "NRTRLabelEncode": NRTRLabelEncode,
    "CTCLabelEncode": CTCLabelEncode,
    # detection at test time (det_resize.py)
    "DetResizeForTest": DetResizeForTest,
}

__all__ = ["TRANSFORMS"]
