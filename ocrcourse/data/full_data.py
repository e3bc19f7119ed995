"""Which detection data full mode trains and evaluates on: ICDAR2015 when present, else a larger synthetic set.

PP-OCR's detectors are trained on real scene photos; ICDAR2015 (1000 train / 500 test images,
https://rrc.cvc.uab.es/?ch=4) is the set PaddleOCR's det configs name. It needs a registration, so
the course cannot download it; when you have it, full mode uses it. Where it is looked for, in order:

1. `OCRCOURSE_ICDAR2015_DIR`: a folder in PaddleOCR's layout (`train_icdar2015_label.txt`,
   `test_icdar2015_label.txt` and the images they name, relative to the folder);
2. `<data root>/icdar2015/text_localization/`, what `data_scripts/download_icdar2015.py` writes
   (data root: `OCRCOURSE_DATA`, default `./train_data`);
3. AI Studio's mounted datasets, `/home/aistudio/data/data*/` and up to two folders below them
   (e.g. `.../data46088/icdar2015/text_localization/`), when already unzipped there.

Otherwise full mode uses `<data root>/synth_full/det` (1000 train / 500 eval synthetic scenes, the
sizes of ICDAR2015), built by `make data FULL=1` (`ocrcourse prepare-data --full`) or on first use.
`det_dataset_for_full_mode()` returns the paths as config overrides plus a label the lesson prints.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from .synth import default_data_root

__all__ = ["ICDAR_TRAIN_LABEL", "ICDAR_TEST_LABEL", "AISTUDIO_DATA", "FULL_DET_SIZES", "DetData",
           "find_icdar2015", "build_full_synthetic", "det_dataset_for_full_mode"]

ICDAR_TRAIN_LABEL = "train_icdar2015_label.txt"
ICDAR_TEST_LABEL = "test_icdar2015_label.txt"
AISTUDIO_DATA = "/home/aistudio/data"
FULL_DET_SIZES = {"det": (1000, 500), "rec": (0, 0), "cls": (0, 0)}   # ICDAR2015's split sizes


@dataclass
class DetData:
    """A det dataset in PaddleOCR's label format: where it is and what to call it."""
    label: str              # "ICDAR2015" or "synthetic (large)"
    data_dir: str
    train_label: str
    eval_label: str

    def overrides(self) -> list[str]:
        """`-o` overrides pointing a det config's Train and Eval at this dataset."""
        return [f"Train.dataset.data_dir={self.data_dir}", f"Train.dataset.label_file_list=['{self.train_label}']",
                f"Eval.dataset.data_dir={self.data_dir}", f"Eval.dataset.label_file_list=['{self.eval_label}']"]


def _icdar_layout(folder: Path) -> DetData | None:
    train, test = folder / ICDAR_TRAIN_LABEL, folder / ICDAR_TEST_LABEL
    if train.is_file() and test.is_file():
        return DetData("ICDAR2015", str(folder), str(train), str(test))
    return None


def find_icdar2015(root=None, aistudio: str = AISTUDIO_DATA) -> DetData | None:
    """The first ICDAR2015 copy in PaddleOCR's layout (see the module docstring), or None."""
    if os.environ.get("OCRCOURSE_ICDAR2015_DIR"):
        folder = Path(os.environ["OCRCOURSE_ICDAR2015_DIR"]).expanduser()
        found = _icdar_layout(folder)
        if found is None:
            raise FileNotFoundError(f"OCRCOURSE_ICDAR2015_DIR={folder} holds no {ICDAR_TRAIN_LABEL} and "
                                    f"{ICDAR_TEST_LABEL}; run data_scripts/download_icdar2015.py --help")
        return found
    candidates = [Path(root or default_data_root()) / "icdar2015" / "text_localization"]
    for pattern in ("data*", "data*/*", "data*/*/*"):
        candidates += [Path(p) for p in sorted(glob.glob(os.path.join(aistudio, pattern))) if os.path.isdir(p)]
    for folder in candidates:
        if found := _icdar_layout(folder):
            return found
    return None


def build_full_synthetic(root=None, force: bool = False, progress=None) -> dict:
    """Build `<root>/synth_full/det` (idempotent, stamped like `make data`): what `make data FULL=1` runs."""
    from .synth import build_synthetic_dataset

    return build_synthetic_dataset(Path(root or default_data_root()) / "synth_full", FULL_DET_SIZES, seed=0,
                                   force=force, progress=progress)


def det_dataset_for_full_mode(root=None, build: bool = True, aistudio: str = AISTUDIO_DATA) -> DetData:
    """ICDAR2015 if present, else the large synthetic set (built now if missing and `build`)."""
    found = find_icdar2015(root, aistudio)
    if found is not None:
        return found
    folder = Path(root or default_data_root()) / "synth_full" / "det"
    if build:
        build_full_synthetic(root)
    elif not (folder / "train.txt").is_file():
        raise FileNotFoundError(f"{folder} is missing; build it with `make data FULL=1`")
    return DetData("synthetic (large)", str(folder), str(folder / "train.txt"), str(folder / "eval.txt"))
