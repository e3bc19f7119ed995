"""Cut one sub-model out of a distillation checkpoint, e.g. the Student for inference/export.

Every PP-OCR distillation tutorial repeats this by hand: load `best_accuracy.pdparams` of a CML
or U-DML run, keep the keys `Student.*`, drop the prefix, save. Here it is one call:

    extract_submodel("output/ch_PP-OCRv3_det_cml/best_accuracy", "Student")
    # -> output/ch_PP-OCRv3_det_cml/best_accuracy_student.pdparams, loads into the plain student

Lesson: lessons/11_distillation_basics.ipynb.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import paddle

from ocrcourse.errors import WeightsError
from ocrcourse.models.pretrained import read_state_dict, submodel_prefixes

__all__ = ["extract_submodel"]


def extract_submodel(path: str | os.PathLike, name: str = "Student",
                     out_path: str | os.PathLike | None = None) -> Path:
    """Write the parameters of sub-model `name` with the `name.` prefix removed.

    Args:
        path: distillation checkpoint (`.pdparams`, extension optional).
        name: sub-model to keep: "Student", "Student2" or "Teacher".
        out_path: output file; default `<checkpoint>_<name lower-cased>.pdparams` next to it.

    Returns:
        The path written (atomically: a crash never leaves half a file).
    """
    path, state = read_state_dict(path)
    sub = {k[len(name) + 1:]: v for k, v in state.items() if k.startswith(name + ".")}
    if not sub:
        raise WeightsError(f"{path} has no sub-model {name!r}; it has {submodel_prefixes(state)} "
                           f"(a plain checkpoint has backbone/neck/head and needs no extraction)")
    if out_path is None:
        stem = path.name[: -len(".pdparams")] if path.name.endswith(".pdparams") else path.name
        out_path = path.with_name(f"{stem}_{name.lower()}.pdparams")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    os.close(fd)
    try:
        paddle.save(sub, tmp)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return out_path
