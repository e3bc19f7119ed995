"""Recognised texts next to their labels, for every line of a data loader.

`evaluate` (train/loop.py) reduces a pass over the Eval set to two numbers; error analysis needs
the texts themselves — which lines failed, and how (see metrics/char_confusion.py):

    model, loader, post_process, _ = build_for_eval(cfg)       # train/trainer.py
    rows = predict_rec_texts(model, loader, post_process)      # [(label, prediction), ...]

Lesson: lessons/14_enhanced_ctc.ipynb (look-alike characters before and after Enhanced CTC).
"""
from __future__ import annotations

import numpy as np
import paddle

from .checkpoint import unwrap

__all__ = ["predict_rec_texts"]


def predict_rec_texts(model, loader, post_process, model_name: str | None = "Student") -> list[tuple[str, str]]:
    """Run a rec model in eval mode over `loader`; returns [(label text, predicted text)] in order.

    Args:
        model: a rec BaseModel or DistillationModel (its `model_name` sub-model's texts are kept).
        loader: batches [image, label, length, ...] as the rec Eval pipeline's KeepKeys gives them.
        post_process: CTCLabelDecode or DistillationCTCLabelDecode of the same config.
        model_name: sub-model to read from a distillation post-process output.
    """
    model = unwrap(model)
    was_training = model.training
    model.eval()
    rows = []
    try:
        with paddle.no_grad():
            for batch in loader:
                preds = model(batch[0])
                label = batch[1].numpy() if hasattr(batch[1], "numpy") else np.asarray(batch[1])
                decoded = post_process(preds, label)
                if isinstance(decoded, dict):          # distillation: {name: (texts, labels)}
                    decoded = decoded[model_name]
                texts, labels = decoded
                rows += [(lab[0], pred[0]) for pred, lab in zip(texts, labels)]
    finally:
        if was_training:
            model.train()
    return rows
