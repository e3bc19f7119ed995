"""SimpleDataSet: PaddleOCR label files -> sample dicts run through the transform ops.

A label file has one sample per line, `image_path<TAB>label`, paths relative to `data_dir`:

    images/img_1.jpg	[{"transcription": "PP-OCR", "points": [[10, 12], [98, 12], [98, 40], [10, 40]]}]
    images/word_1.png	PP-OCR
    images/word_2.png	180

(det: JSON polygons; rec: the text; cls: the angle). Malformed lines are errors found at load
time (`LabelFormatError` with file and line); missing or corrupt images are found while training,
skipped (another sample is used), logged, and counted in `skipped` (see `report()`).
"""
from __future__ import annotations

import collections
import json
import logging
import multiprocessing
import os
import random

import numpy as np
import paddle

from ocrcourse.errors import ConfigError, DataError, LabelFormatError
from .operators import create_operators
from .transforms.decode import DecodeImage
from .transforms.iaa_augment import apply_pending_warp

__all__ = ["SimpleDataSet", "parse_label_line"]

log = logging.getLogger(__name__)
_COUNTS = ("missing", "corrupt", "dropped")     # what `skipped` counts
EXT_TRIES = 100                                 # random samples tried per extra sample, then DataError


def parse_label_line(path: str, n: int, raw: bytes, delimiter: str = "\t", checks: list = ()) -> tuple:
    """Line `n` of label file `path` (raw bytes) -> (image, label, "path:n"), as training reads it.

    Only the text between the first and second `delimiter` is the label. `checks` are the label
    ops' `check_label` functions (DetLabelEncode's JSON check). Raises LabelFormatError.
    Also used by `ocrcourse check-data`, so its report matches what training would do.
    """
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise LabelFormatError(path, n, "the line is not UTF-8 text") from None
    parts = line.split(delimiter)
    if len(parts) < 2 or not parts[0]:
        raise LabelFormatError(path, n, f"expected 'image_path{delimiter!r}label' "
                               "(a tab between the image path and its label)", line)
    for check in checks:
        try:
            check(parts[1])
        except ValueError as exc:
            raise LabelFormatError(path, n, str(exc), line) from None
    return parts[0], parts[1], f"{path}:{n}"


class SimpleDataSet(paddle.io.Dataset):
    """Samples listed in PaddleOCR label files, decoded and transformed on access.

    PP-OCR strategy: the data reader (数据读取) of every PP-OCR det, rec and cls config.

    Args:
        data_dir: folder the image paths of the label files are relative to.
        label_file_list: one or more label files (a single path is accepted too).
        transforms: the YAML list of ops (see `create_operators`).
        ratio_list: fraction of each label file to use (one number for all files); in training
            (or when < 1) a seeded random subset of that size is drawn, as in PaddleOCR. With a
            ratio < 1 `need_reset` is true and the training loop calls `resample(epoch)` before
            every epoch, so each epoch sees a new subset (PaddleOCR rebuilds its loader with the
            epoch as seed).
        ext_op_transform_idx: how many of the first ops prepare the extra samples an op such as
            CopyPaste (`ext_data_num = 1`) or RecConAug asks for (2: decode + label encode).
        delimiter: separator between image path and label.
        shuffle, seed: shuffle the lines once at start in training (the loader shuffles too).
        mode: "train", "eval" or "test" (PaddleOCR's Train / Eval / Test sections).
        global_config: the YAML `Global` section, passed to the ops (see `create_operators`).

    `data[i]` is what the last op returns (a list after KeepKeys). `skipped` counts missing and
    corrupt images and samples dropped by an op, across DataLoader worker processes.
    """

    def __init__(self, data_dir: str, label_file_list, transforms: list | None = None, ratio_list=1.0,
                 ext_op_transform_idx: int = 2, delimiter: str = "\t", shuffle: bool = False,
                 seed: int | None = None, mode: str = "train", global_config: dict | None = None):
        super().__init__()
        self.data_dir = data_dir
        self.mode = mode.lower()
        self.delimiter = delimiter
        files = [label_file_list] if isinstance(label_file_list, str) else list(label_file_list)
        ratios = [float(ratio_list)] * len(files) if np.isscalar(ratio_list) else list(ratio_list)
        if len(ratios) != len(files):
            raise ConfigError(f"ratio_list has {len(ratios)} entries but label_file_list has {len(files)}; "
                              "give one ratio per label file (or a single number)")
        self.ops = create_operators(transforms or [], global_config)
        checks = [op.check_label for op in self.ops if hasattr(op, "check_label")]
        self.label_files = files
        self._ratios, self._checks, self._shuffle = ratios, checks, shuffle
        self.need_reset = any(r < 1.0 for r in ratios)     # PaddleOCR's name: a new subset per epoch
        self.resample(seed)
        self.ext_op_transform_idx = ext_op_transform_idx
        self.ext_data_num = next((op.ext_data_num for op in self.ops if hasattr(op, "ext_data_num")), 0)
        self._counts = multiprocessing.Array("l", len(_COUNTS))   # shared with worker processes

    # ---- loading the label files -------------------------------------------------------------
    def resample(self, seed: int | None) -> None:
        """(Re)draw the lines of every label file with `seed`: the ratio_list subset, then the
        shuffle in training. PaddleOCR draws both with the same seed, the epoch number from the
        second build on; `fit` calls this with the epoch when `need_reset` is true."""
        self.samples = self._read_label_files(self.label_files, self._ratios, seed, self._checks)
        if self.mode == "train" and self._shuffle:
            random.Random(seed).shuffle(self.samples)

    def _read_label_files(self, files: list, ratios: list, seed, checks: list) -> list:
        samples = []
        for path, ratio in zip(files, ratios):
            if not os.path.isfile(path):
                raise DataError(f"label file {path} does not exist; build the data with `make data` "
                                "or fix label_file_list in the config")
            with open(path, "rb") as f:
                lines = [(n, raw) for n, raw in enumerate(f, start=1) if raw.strip()]
            if self.mode == "train" or ratio < 1.0:
                lines = random.Random(seed).sample(lines, round(len(lines) * ratio))
            samples.extend(self._parse_line(path, n, raw, checks) for n, raw in lines)
        return samples

    def _parse_line(self, path: str, n: int, raw: bytes, checks: list) -> tuple:
        return parse_label_line(path, n, raw, self.delimiter, checks)

    # ---- reading one sample ------------------------------------------------------------------
    def _read(self, k: int):
        """(data with the raw image bytes, None) or (None, (reason, message)) for sample k."""
        name, label, where = self.samples[k]
        if name.startswith("["):                 # several images share one label: pick one
            try:
                name = random.choice(json.loads(name))
            except (ValueError, IndexError):
                pass
        img_path = os.path.join(self.data_dir, name)
        try:
            with open(img_path, "rb") as f:
                raw = f.read()
        except OSError:
            return None, ("missing", f"{where}: image {img_path} cannot be read")
        return {"img_path": img_path, "filename": img_path, "label": label, "image": raw}, None

    def _run(self, k: int, ops: list, ext_data: list | None = None):
        """Read sample k and run `ops`; (data, None) or (None, (reason, message))."""
        data, problem = self._read(k)
        if data is None:
            return None, problem
        if ext_data is not None:
            data["ext_data"] = ext_data
        for op in ops:
            try:
                data = op(data)
            except Exception as exc:
                raise DataError(f"{type(op).__name__} failed on {self.samples[k][2]} "
                                f"({data['img_path'] if isinstance(data, dict) else ''}): {exc}") from exc
            if data is None:
                reason = "corrupt" if isinstance(op, DecodeImage) else "dropped"
                return None, (reason, f"{self.samples[k][2]}: dropped by {type(op).__name__}")
        return apply_pending_warp(data), None

    def _ext_data(self) -> list:
        """The extra samples (decoded + label-encoded) that CopyPaste / RecConAug mix in.

        As in PaddleOCR, a det sample whose polygons do not have 4 points is never an extra sample:
        CopyPaste cuts the pasted text out with a 4-point perspective crop, and one curved
        (e.g. 14-point) line pads every polygon of its image to that count. PaddleOCR draws random
        samples until one fits, forever if none does; here, after EXT_TRIES draws per extra sample,
        a DataError names the label files and what was wrong with the samples drawn.
        """
        ext, load_ops, why = [], self.ops[:self.ext_op_transform_idx], collections.Counter()
        for _ in range(EXT_TRIES * self.ext_data_num):
            data, problem = self._run(np.random.randint(len(self.samples)), load_ops)
            points = np.asarray(data["polys"]).shape[1] if data is not None and "polys" in data else 4
            if data is None:
                why["dropped by an op" if problem[0] == "dropped" else f"with a {problem[0]} image"] += 1
            elif points != 4:
                why[f"with {points}-point polygons"] += 1
            else:
                ext.append(data)
                if len(ext) == self.ext_data_num:
                    return ext
        op = next(type(op).__name__ for op in self.ops if hasattr(op, "ext_data_num"))
        raise DataError(f"{op} needs {self.ext_data_num} extra sample(s) but found {len(ext)} in "
                        f"{EXT_TRIES * self.ext_data_num} random samples of {', '.join(self.label_files)} "
                        f"({', '.join(f'{n} {reason}' for reason, n in why.most_common())}). A det extra "
                        "sample must have only 4-point polygons (CopyPaste cuts text out with a 4-point crop; "
                        "one curved line pads every polygon of its image): add images labelled with 4-point "
                        f"boxes, or remove {op} from the config")

    def __getitem__(self, idx: int):
        for _ in range(min(len(self.samples), 1000)):
            data, problem = self._run(idx, self.ops, self._ext_data() if self.ext_data_num else [])
            if data is not None:
                return data
            kind, message = problem
            self._counts[_COUNTS.index(kind)] += 1
            (log.debug if kind == "dropped" else log.warning)("skipped %s", message)
            # training: any other sample; evaluation: the next one, so evaluation is repeatable
            idx = np.random.randint(len(self)) if self.mode == "train" else (idx + 1) % len(self)
        raise DataError(f"no usable sample found in {self.data_dir}: every image tried was missing, "
                        f"corrupt or dropped ({self.skipped}); check the label files and images")

    def __len__(self) -> int:
        return len(self.samples)

    # ---- the per-epoch report ------------------------------------------------------------------
    @property
    def skipped(self) -> dict:
        """{"missing": n, "corrupt": n, "dropped": n} since the last `report()`."""
        return {kind: int(self._counts[i]) for i, kind in enumerate(_COUNTS)}

    def report(self, reset: bool = True) -> dict:
        """Log and return `skipped` (call once per epoch); reset the counters unless told not to."""
        counts = self.skipped
        if any(counts.values()):
            log.warning("%s: skipped %s", self.data_dir, ", ".join(f"{v} {k}" for k, v in counts.items() if v))
        if reset:
            for i in range(len(_COUNTS)):
                self._counts[i] = 0
        return counts
