"""Center loss on the recogniser's per-time-step features (PP-OCRv2 Enhanced CTC)."""
from __future__ import annotations

import logging
import os
import pickle

import numpy as np
import paddle
from paddle import nn

from ocrcourse.errors import ConfigError

from .checks import check_finite

__all__ = ["CenterLoss"]

logger = logging.getLogger(__name__)


def _load_centers(centers: paddle.Tensor, center_file_path: str) -> paddle.Tensor:
    """Overwrite the rows of `centers` listed in a pickle {class_index: feature vector}.

    Raises ConfigError when the file is missing or does not fit the centers (another
    dictionary size or feature width), instead of training against wrong centers.
    """
    if not os.path.exists(center_file_path):
        raise ConfigError(
            f"CenterLoss: center_file_path {center_file_path!r} does not exist; create it with "
            "`ocrcourse export-center -c <rec config>` (it writes the file the config names), or "
            "leave center_file_path empty to train against random, fixed centers")
    with open(center_file_path, "rb") as f:
        char_dict = pickle.load(f)
    num_classes, feat_dim = centers.shape
    if not isinstance(char_dict, dict):
        raise ConfigError(f"CenterLoss: {center_file_path} holds a {type(char_dict).__name__}, not the "
                          "{class_index: vector} dict that `ocrcourse export-center` writes")
    values = centers.numpy()
    for index, vector in char_dict.items():
        vector = np.asarray(vector, dtype="float64").reshape(-1)
        if not 0 <= int(index) < num_classes or vector.shape != (feat_dim,):
            raise ConfigError(
                f"CenterLoss: {center_file_path} does not fit num_classes={num_classes}, "
                f"feat_dim={feat_dim}: class {index} has a vector of {vector.size} numbers. Export the "
                "centers again from a model with this config's dictionary and head "
                "(`ocrcourse export-center -c <rec config>`)")
        values[int(index)] = vector
    return paddle.to_tensor(values, dtype="float64")


class CenterLoss(nn.Layer):
    """Mean squared distance between each time-step feature and the center of the class
    the model *predicts* at that step.

    PP-OCR strategy: Enhanced CTC loss (增强CTC损失函数, CTC + Center Loss) of PP-OCRv2: it
    pulls features of one character together so that similar-looking characters separate.
    Papers: Wen et al., "A Discriminative Feature Learning Approach for Deep Face
    Recognition", ECCV 2016; PP-OCRv2, arXiv:2109.03144, Sec. 3.2.
    Lesson: lessons/14_enhanced_ctc.ipynb.

    Quirks kept from PaddleOCR (they define what training optimises):
    - `centers` is a plain float64 tensor, not a parameter: training never updates it. Good
      centers come from a previous model through `center_file_path` (export_center).
    - As PaddleOCR >= 2.4, the file is loaded whenever `center_file_path` is set (older releases
      needed `init_center: true`; the key is still accepted, see below).
    - The label of step t is argmax(logits[t]) -- the prediction, blank (0) included -- not
      the ground truth, which has no per-step alignment under CTC.
    - The loss is Σ clip(d, 1e-12, 1e12) / (N·T) over the whole masked distance matrix, so
      each of the (N·T)·(C-1) masked-out zeros adds 1e-12 (≈ 1e-8 total for C = 6625).

    Args:
        num_classes: rows of `centers` (6625 = dictionary + blank + space for v2).
        feat_dim: feature width (96 = the CTC head input of PP-OCRv2 rec).
        init_center: PaddleOCR < 2.4's switch, kept as an old alias. `true` requires
            `center_file_path`; `false` no longer stops a set path from loading (PaddleOCR >= 2.4
            dropped the key and loads the file whenever the path is set; the official config
            still carries `init_center: false` next to its path).
        center_file_path: pickle {class_index: vector of feat_dim}; empty keeps randn centers.

    Call: `loss((features, logits), batch)` with features (N, T, D) and logits (N, T, C)
    (a CTCHead with `return_feats: true`). Returns {"loss_center": scalar float64}.
    """

    def __init__(self, num_classes: int = 6625, feat_dim: int = 96, init_center: bool | None = None,
                 center_file_path: str | None = None):
        super().__init__()
        self.num_classes = num_classes
        self.feat_dim = feat_dim
        self.centers = paddle.randn([num_classes, feat_dim]).astype("float64")
        if init_center and not center_file_path:
            raise ConfigError("CenterLoss: init_center is true but center_file_path is empty; create the "
                              "file with `ocrcourse export-center -c <rec config>` and set center_file_path")
        if center_file_path:
            if init_center is False:
                logger.info("CenterLoss: init_center: false is obsolete and ignored; %s is loaded because "
                            "center_file_path is set (as PaddleOCR >= 2.4). Leave center_file_path empty "
                            "for random centers", center_file_path)
            self.centers = _load_centers(self.centers, center_file_path)

    def forward(self, predicts, batch: list) -> dict:
        if not isinstance(predicts, (list, tuple)) or len(predicts) != 2:
            raise ConfigError("CenterLoss needs (features, logits): set `return_feats: true` "
                              "in the CTCHead config (Architecture.Head)")
        features, logits = predicts
        check_finite(features, "CenterLoss: features")
        feats = features.reshape([-1, features.shape[-1]]).astype("float64")     # (N·T, D)
        label = paddle.argmax(logits, axis=2).reshape([-1])                      # (N·T,)
        n = feats.shape[0]

        # ||f - c||² = ||f||² + ||c||² - 2 f·c for every (step, class) pair: (N·T, C)
        square_feat = paddle.sum(paddle.square(feats), axis=1, keepdim=True)
        square_center = paddle.sum(paddle.square(self.centers), axis=1, keepdim=True)
        distmat = square_feat + square_center.transpose([1, 0]) - 2.0 * paddle.matmul(
            feats, self.centers.transpose([1, 0]))

        classes = paddle.arange(self.num_classes, dtype="int64").unsqueeze(0)   # (1, C)
        mask = (label.unsqueeze(1).astype("int64") == classes).astype("float64")
        loss = paddle.sum(paddle.clip(distmat * mask, min=1e-12, max=1e12)) / n
        return {"loss_center": loss}
