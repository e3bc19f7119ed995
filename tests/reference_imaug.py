"""Load modules of `paddleocr==2.10.0`'s `ppocr/data/imaug/` that use relative imports.

`reference.ppocr_module` loads one file standalone, which fails for files such as
`rec_img_aug.py` (`from .text_image_aug import ...`) or `label_ops.py` (imports
`ppocr.data.imaug.vqa`). Here the packages `ppocr`, `ppocr.data`, `ppocr.data.imaug` and
`ppocr.data.imaug.vqa` are registered *without running their `__init__.py`* (which would import
lmdb and many optional dependencies), so the submodule and its small relative imports load normally:

    RecResizeImg = ppocr_imaug("rec_img_aug").RecResizeImg

Test-only: the library never imports the reference.
"""
from __future__ import annotations

import importlib
import sys
import types

from reference import paddleocr_root


def _bare_package(name: str, path) -> None:
    if name in sys.modules:
        return
    pkg = types.ModuleType(name)
    pkg.__path__ = [str(path)]
    sys.modules[name] = pkg


def ppocr_imaug(module: str):
    """`ppocr.data.imaug.<module>` from paddleocr 2.10, without its package __init__ files."""
    root = paddleocr_root()
    if str(root) not in sys.path:
        sys.path.append(str(root))
    _bare_package("ppocr", root / "ppocr")
    _bare_package("ppocr.data", root / "ppocr" / "data")
    _bare_package("ppocr.data.imaug", root / "ppocr" / "data" / "imaug")
    _bare_package("ppocr.data.imaug.vqa", root / "ppocr" / "data" / "imaug" / "vqa")
    return importlib.import_module(f"ppocr.data.imaug.{module}")
