"""Run a model straight from its training config and checkpoint on image files (tools/infer_det.py,
tools/infer_rec.py, tools/infer_cls.py): the quick check after training, before exporting.

As in PaddleOCR, the images go through the config's `Eval` transforms with the label encoders
removed and `KeepKeys` reduced to what inference has (`image`, plus `shape` for det), the model
runs in eval mode, and the config's `PostProcess` turns outputs into boxes, texts or directions.

    results = infer_images(cfg, ["img_1.jpg", "img_2.jpg"])
    # det: [{"file": ..., "boxes": [[[x, y] * 4], ...]}]   (a dict per sub-model for distillation)
    # rec / cls: [{"file": ..., "text" / "label": ..., "score": ...}]
"""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import numpy as np
import paddle

from ..errors import ConfigError, DataError

__all__ = ["list_images", "inference_transforms", "infer_images", "write_results"]

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif", ".webp"}


def list_images(path: str | os.PathLike) -> list[Path]:
    """One image file, or every image in a directory (sorted)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    raise DataError(f"{path} is neither an image file nor a directory (set Global.infer_img=PATH)")


def inference_transforms(cfg: dict) -> list:
    """The Eval transforms without label encoders, KeepKeys = image (+ shape for det)."""
    keep = ["image", "shape"] if cfg["Architecture"].get("model_type") == "det" else ["image"]
    ops = []
    for entry in copy.deepcopy(cfg["Eval"]["dataset"]["transforms"]):
        (name, params), = entry.items()
        if name.endswith("LabelEncode"):
            continue
        if name == "KeepKeys":
            params = {"keep_keys": keep}
        ops.append({name: params})
    return ops


def _batch(sample: list) -> list:
    """KeepKeys output [image(, shape)] -> a batch of one: [image tensor (1, C, H, W)(, shape (1, 4))]."""
    return [paddle.to_tensor(np.expand_dims(sample[0], 0))] + [np.expand_dims(s, 0) for s in sample[1:]]


def _jsonable(result):
    if isinstance(result, dict):
        return {k: _jsonable(v) for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return [_jsonable(v) for v in result]
    if isinstance(result, np.ndarray):
        return result.tolist()
    if isinstance(result, (np.floating, np.integer)):
        return result.item()
    return result


def infer_images(cfg: dict, images: list, model=None) -> list[dict]:
    """Predict every image file in `images` with the config's model (weights from
    `Global.checkpoints` / `Global.pretrained_model`, unless `model` is given)."""
    from ..data import create_operators, transform
    from ..postprocess import build_postprocess
    from .trainer import build_for_export

    if not cfg.get("Eval") or not cfg.get("PostProcess"):
        raise ConfigError("inference from a training config needs its Eval transforms and PostProcess")
    model = model if model is not None else build_for_export(cfg)
    model.eval()
    ops = create_operators(inference_transforms(cfg), cfg["Global"])
    post = build_postprocess(cfg["PostProcess"], cfg["Global"])
    det = cfg["Architecture"].get("model_type") == "det"
    results = []
    for path in images:
        with open(path, "rb") as f:
            sample = transform({"image": f.read(), "img_path": str(path)}, ops)
        if sample is None:
            raise DataError(f"{path}: the Eval transforms dropped this image")
        batch = _batch(sample)
        with paddle.no_grad():
            preds = model(batch[0])
        if det:
            out = post(preds, batch[1])
            boxes = {k: v[0]["points"] for k, v in out.items()} if isinstance(out, dict) else out[0]["points"]
            results.append({"file": str(path), "boxes": _jsonable(boxes)})
        else:
            out = post(preds)
            out = {k: v[0] for k, v in out.items()} if isinstance(out, dict) else out[0]
            results.append({"file": str(path), "result": _jsonable(out)})
    return results


def write_results(results: list[dict], path: str | os.PathLike) -> Path:
    """PaddleOCR's save_res_path format: `file<TAB>json` per line."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in results:
            body = {k: v for k, v in r.items() if k != "file"}
            f.write(f"{r['file']}\t{json.dumps(body, ensure_ascii=False)}\n")
    return path
