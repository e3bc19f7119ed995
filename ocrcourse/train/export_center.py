"""Class centers for the Enhanced CTC loss: the file CenterLoss loads from `center_file_path`.

PP-OCRv2 trains its recogniser with CTC + 0.05 x CenterLoss, which pulls each time step's
feature towards the center of the class predicted there. The centers are not learned: they
come from a model trained before, over the training set:

    for every sample the model recognises correctly (greedy CTC text == label),
        for every time step t (blanks included):
            center[argmax(logits[t])] <- running mean of features[t]

and are saved as a pickle {class_index: vector}. `ocrcourse export-center -c CONFIG
-o Global.pretrained_model=...` (or `tools/export_center.py`) writes it.

How the features are reached, without touching the model's code: PaddleOCR's tool leaves the
model in train() mode so that a CTCHead with `return_feats` hands back (features, logits), and
learners with a multi-head or distillation model end up editing the head's `training` flag. Here
`ctc_features` runs the CTC path of the network explicitly — backbone, neck (or the MultiHead's
`ctc_encoder`), then the CTC head's fc layers — in eval() mode, so BatchNorm uses its running
statistics (PaddleOCR's train-mode pass uses batch statistics: a deliberate departure).
It works for a plain CRNN, for a PP-OCRv3 MultiHead model, and for one sub-model of a
DistillationModel (`model_name`, default "Student").

PP-OCR strategy: Enhanced CTC loss (增强CTC损失), PP-OCRv2, arXiv:2109.03144.
Lesson: lessons/14_enhanced_ctc.ipynb.
"""
from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

import numpy as np
import paddle

from ..errors import ConfigError
from ..postprocess.ctc_decode import decode_ctc
from .checkpoint import atomic_write, unwrap

__all__ = ["ctc_features", "accumulate_centers", "export_centers", "save_centers"]

logger = logging.getLogger(__name__)


def _ctc_head_features(head, x):
    """(features, logits) of a CTCHead: fc1 output and fc2 logits, or head input and fc logits."""
    if getattr(head, "mid_channels", None) is not None:
        feats = head.fc1(x)
        return feats, head.fc2(feats)
    return x, head.fc(x)


def ctc_features(model: paddle.nn.Layer, images: paddle.Tensor, model_name: str | None = "Student"):
    """Run the CTC path of a rec model on `images`; returns (features (N,T,D), logits (N,T,C)).

    `model` is a BaseModel (CTCHead or MultiHead) or a DistillationModel, whose sub-model
    `model_name` is used. Call it under `paddle.no_grad()` and `model.eval()`.
    """
    model = unwrap(model)
    if getattr(model, "model_names", None):                        # DistillationModel
        if model_name not in model.model_names:
            raise ConfigError(f"export_center: no sub-model {model_name!r}; available: {model.model_names}")
        model = getattr(model, model_name)
    x = model.backbone(images)
    if getattr(model, "use_neck", False):
        x = model.neck(x)
    head = model.head
    if hasattr(head, "ctc_head"):                                  # PP-OCRv3 MultiHead: CTC branch
        return _ctc_head_features(head.ctc_head, head.ctc_encoder(x))
    if hasattr(head, "fc") or hasattr(head, "fc1"):               # CTCHead
        return _ctc_head_features(head, x)
    raise ConfigError(f"export_center needs a CTC recogniser; the head is {type(head).__name__}")


def accumulate_centers(centers: dict, counts: dict, feats: np.ndarray, logits: np.ndarray,
                       labels: np.ndarray) -> int:
    """Add one batch to running per-class means; returns how many samples were correct.

    Args:
        centers, counts: running means {class: vector} and sample counts {class: n}, updated in place.
        feats: (N, T, D); logits: (N, T, C); labels: (N, L) label indices padded with 0 (blank).
    """
    best = logits.argmax(axis=2)
    correct = 0
    for b in range(len(best)):
        predicted, _ = decode_ctc(best[b], remove_duplicate=True)
        target, _ = decode_ctc(labels[b], remove_duplicate=False)
        if not np.array_equal(predicted, target):
            continue
        correct += 1
        for t, cls in enumerate(best[b].tolist()):
            n = counts.get(cls, 0)
            prev = centers.get(cls, 0.0)
            centers[cls] = (prev * n + feats[b, t]) / (n + 1)
            counts[cls] = n + 1
    return correct


def save_centers(centers: dict, path: str | os.PathLike) -> Path:
    """Pickle {class_index: float vector} atomically (the `center_file_path` format)."""
    path = Path(path)
    data = {int(k): np.asarray(v, dtype="float32") for k, v in sorted(centers.items())}

    def write(tmp):
        with open(tmp, "wb") as f:
            pickle.dump(data, f)
    atomic_write(path, write)
    return path


def export_centers(model: paddle.nn.Layer, loader, out_path: str | os.PathLike | None = None,
                   model_name: str | None = "Student") -> dict:
    """Class centers of `model` over `loader` (batches [image, label, ...]); optionally saved.

    Returns {class_index: vector}. Logs how many samples were recognised correctly: with an
    untrained model there are none, and the result is empty.
    """
    was_training = model.training
    model.eval()
    centers: dict = {}
    counts: dict = {}
    seen = correct = 0
    with paddle.no_grad():
        for batch in loader:
            feats, logits = ctc_features(model, batch[0], model_name)
            correct += accumulate_centers(centers, counts, feats.numpy(), logits.numpy(), batch[1].numpy())
            seen += len(batch[0])
    if was_training:
        model.train()
    logger.info("export_center: %d of %d samples recognised correctly, %d classes with a center",
                correct, seen, len(centers))
    if correct == 0:
        logger.warning("export_center: no sample was recognised correctly; train the model first "
                       "(the centers file would be empty)")
    if out_path is not None:
        save_centers(centers, out_path)
    return centers
