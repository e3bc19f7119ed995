"""PFHeadLocal: the DB head of the PP-OCRv4 detection teacher, with a local refinement branch.

YAML: `Head: {name: PFHeadLocal, k: 50, mode: large}` (configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_teacher.yml;
the mobile student keeps the plain DBHead). Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.heads.db_head import DBHead, step_function
from ocrcourse.models.layers import ConvBNLayer

__all__ = ["LocalModule", "PFHeadLocal"]


class LocalModule(nn.Layer):
    """conv3x3+BN+ReLU on [coarse map, features] -> 1x1 conv to one channel (a refinement logit).

    Shapes: features (N, in_c, H, W) and init_map (N, 1, H, W) -> (N, 1, H, W).
    """

    def __init__(self, in_c: int, mid_c: int):
        super().__init__()
        self.last_3 = ConvBNLayer(in_c + 1, mid_c, 3, 1, 1, act="relu")
        self.last_1 = nn.Conv2D(mid_c, 1, 1, 1, 0)

    def forward(self, x, init_map):
        return self.last_1(self.last_3(paddle.concat([init_map, x], axis=1)))


class PFHeadLocal(DBHead):
    """DB head whose probability map is refined from the binarize branch's own last features.

    PP-OCR strategy: PFHead (parallel-fusion head, 并行融合头) of PP-OCRv4 detection: the binarize
    branch's features before its last deconv (H/2, C/4 channels) are upsampled x2, joined with the
    coarse probability map P and turned by LocalModule into a second map P'. At inference the
    head returns 0.5 * (P + sigmoid(P')); in training P' takes P's place as the first DB map (the
    DB loss supervises it), while the approximate binary map is still built from the coarse P.
    Paper: PP-OCRv4 technical notes (PaddleOCR docs, 2023); DB, arXiv:1911.08947.

    Args:
        in_channels: width of the neck output (256 for the LKPAN teacher).
        k: DB step-function factor (50).
        mode: "large" (LocalModule width C/4, the teacher) or "small" (C/8).
        kernel_list: kernel sizes of the DB branches, as DBHead.

    Returns:
        eval: {"maps": 0.5 * (P + sigmoid(P')), "cbn_maps": sigmoid(P')}, each (N, 1, H, W);
        training: {"maps": concat[sigmoid(P'), T, B_hat], "distance_maps": sigmoid(P'),
        "cbn_maps": B_hat} (PaddleOCR's key names, kept as they are).
    """

    def __init__(self, in_channels: int, k: float = 50, mode: str = "small", kernel_list=(3, 2, 2)):
        super().__init__(in_channels, k, kernel_list)
        if mode not in ("large", "small"):
            raise ConfigError(f"PFHeadLocal: mode must be 'large' or 'small', got {mode!r}")
        self.mode = mode
        self.cbn_layer = LocalModule(in_channels // 4, in_channels // 4 if mode == "large" else in_channels // 8)

    def _binarize_with_features(self, x):
        b = self.binarize
        f = b.conv_bn2(b.conv2(b.conv_bn1(b.conv1(x))))      # (N, C/4, H/2, W/2)
        return F.sigmoid(b.conv3(f)), f

    def forward(self, x, targets=None):
        shrink_maps, f = self._binarize_with_features(x)
        up = F.interpolate(f, scale_factor=2, mode="nearest")
        cbn_maps = F.sigmoid(self.cbn_layer(up, shrink_maps))
        if not self.training:
            return {"maps": 0.5 * (shrink_maps + cbn_maps), "cbn_maps": cbn_maps}
        threshold_maps = self.thresh(x)
        binary_maps = step_function(shrink_maps, threshold_maps, self.k)
        return {"maps": paddle.concat([cbn_maps, threshold_maps, binary_maps], axis=1),
                "distance_maps": cbn_maps, "cbn_maps": binary_maps}
