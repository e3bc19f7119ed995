"""Distillation losses: they pair the outputs of named sub-models of a `DistillationModel`.

A `DistillationModel` returns {"Student": out, "Student2": out, "Teacher": out}; each loss
here picks outputs by model name (and by `key`, e.g. "maps", "head_out", "backbone_out"),
applies a plain loss and names the result so that `CombinedLoss` can log every term.

- `DMLLoss`, `DistanceLoss`: the plain two-tensor losses.
- `DistillationDMLLoss`: mutual learning between two models (det maps or rec logits).
- `DistillationDistanceLoss`: feature distance (rec `backbone_out`).
- `DistillationDBLoss`, `DistillationCTCLoss`, `DistillationSARLoss`, `DistillationNRTRLoss`:
  the ordinary ground-truth loss applied to each listed model.
- `DistillationDilaDBLoss`: a student learns the teacher's dilated, binarised shrink map.

Key names, including PaddleOCR's spellings ('thrink_maps', the '_l2' suffix), are kept so
that training logs compare line by line with PaddleOCR's.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError

from .checks import as_tensor, check_finite
from .ctc_loss import CTCLoss
from .db_loss import DBLoss
from .multi_loss import branch_inputs
from .nrtr_loss import NRTRLoss
from .sar_loss import SARLoss

__all__ = ["DMLLoss", "DistanceLoss", "DistillationDMLLoss", "DistillationDistanceLoss",
           "DistillationDBLoss", "DistillationCTCLoss", "DistillationSARLoss", "DistillationNRTRLoss",
           "DistillationDilaDBLoss", "dilate_teacher_map"]

# DB head channels by the names DistillationDMLLoss accepts ('thrink' [sic] is PaddleOCR's).
_MAP_CHANNELS = {"thrink_maps": 0, "threshold_maps": 1, "binary_maps": 2}


def _sum_loss(loss_dict: dict) -> dict:
    """Add a `loss` entry (the sum of all entries) unless there is one already."""
    if "loss" not in loss_dict:
        loss_dict["loss"] = sum(loss_dict.values())
    return loss_dict


def _pairs(model_name_pairs) -> list:
    """[[A, B], [C, D]] stays as is; a single flat pair [A, B] is wrapped into a list."""
    if not isinstance(model_name_pairs, list) or not model_name_pairs:
        return []
    if isinstance(model_name_pairs[0], (list, tuple)):
        return [list(p) for p in model_name_pairs]
    return [list(model_name_pairs)]


def _symmetric_kl(p1, p2, eps: float = 1e-5):
    """½[p2·log((p2+ε)/(p1+ε)+ε) + p1·log((p1+ε)/(p2+ε)+ε)], averaged over axes 1 and 2."""
    loss = p2 * paddle.log((p2 + eps) / (p1 + eps) + eps)
    loss = loss + p1 * paddle.log((p1 + eps) / (p2 + eps) + eps)
    return paddle.mean(0.5 * loss, axis=[1, 2])


class DMLLoss(nn.Layer):
    """Symmetric KL divergence between the predictions of two peer models.

    PP-OCR strategy: Deep Mutual Learning (深度互学习 DML), the core of U-DML (PP-OCRv2 rec)
    and of CML (协同互学习, PP-OCRv2/v3 det). Paper: Zhang et al., "Deep Mutual Learning",
    CVPR 2018; PP-OCRv2, arXiv:2109.03144. Lesson: lessons/11_distillation_basics.ipynb.

    - act: 'softmax' (last axis), 'sigmoid' or None (inputs are already probabilities);
      after it, 1e-10 is added to both inputs.
    - use_log=True (rec logits): ½[KL(p2‖p1) + KL(p1‖p2)] with
      KL(t‖p) = Σ t·(log(t + 1e-10) - log p) / N, summed over every element (N = dim 0).
    - use_log=False (det maps): the eps-smoothed symmetric KL of `_symmetric_kl`.
      Quirk kept: it needs (N, H, W) inputs and returns a **vector of shape (N,)**, not a
      scalar. Inside `CombinedLoss` the det-CML total therefore becomes an (N,) vector and
      Paddle's backward() seeds it with ones: the objective is effectively N·(scalar terms)
      + Σ_n DML_n.

    Shapes: (N, T, C) logits -> scalar (use_log); (N, H, W) maps -> (N,) (det).
    """

    def __init__(self, act: str | None = None, use_log: bool = False):
        super().__init__()
        if act not in (None, "softmax", "sigmoid"):
            raise ConfigError(f"DMLLoss: act {act!r} is not supported; use softmax, sigmoid or null")
        self.act = act
        self.use_log = use_log

    @staticmethod
    def _kldiv(log_p, target):
        loss = target * (paddle.log(target + 1e-10) - log_p)
        return paddle.sum(loss) / loss.shape[0]          # batch mean of the per-sample sums

    def forward(self, out1, out2):
        check_finite(out1, "DMLLoss: first prediction")
        check_finite(out2, "DMLLoss: second prediction")
        if self.act == "softmax":
            out1, out2 = F.softmax(out1, axis=-1) + 1e-10, F.softmax(out2, axis=-1) + 1e-10
        elif self.act == "sigmoid":
            out1, out2 = F.sigmoid(out1) + 1e-10, F.sigmoid(out2) + 1e-10
        if self.use_log:
            log1, log2 = paddle.log(out1), paddle.log(out2)
            return (self._kldiv(log1, out2) + self._kldiv(log2, out1)) / 2.0
        return _symmetric_kl(out1, out2)


class DistanceLoss(nn.Layer):
    """Mean distance between two feature tensors: 'l1' (MAE), 'l2' (MSE) or 'smooth_l1'
    (Huber, δ = 1).

    PP-OCR strategy: feature-map distillation of U-DML (统一深度互学习), PP-OCRv2/v3 rec.

    Shapes: two tensors of the same shape -> scalar.
    """

    def __init__(self, mode: str = "l2"):
        super().__init__()
        losses = {"l1": nn.L1Loss, "l2": nn.MSELoss, "smooth_l1": nn.SmoothL1Loss}
        if mode not in losses:
            raise ConfigError(f"DistanceLoss: mode {mode!r} is not supported; use {sorted(losses)}")
        self.mode = mode
        self.loss_func = losses[mode]()

    def forward(self, x, y):
        check_finite(x, "DistanceLoss: first input")
        check_finite(y, "DistanceLoss: second input")
        return self.loss_func(x, y)


class DistillationDMLLoss(DMLLoss):
    """`DMLLoss` between each pair of models, on one DB map or on the rec logits.

    PP-OCR strategy: DML inside CML (det, `maps_name: thrink_maps`) and U-DML (rec, softmax
    + use_log; with `multi_head`, on the 'ctc' or the 'sar' branch of PP-OCRv3's MultiHead).

    Args:
        model_name_pairs: [[A, B], ...]; a single flat [A, B] is accepted.
        act, use_log: as in `DMLLoss`.
        key: output entry of each model to compare ('maps', 'head_out'); None = whole output.
        multi_head: the output is a dict of heads; compare `dis_head` ('ctc' or 'sar').
        dis_head: head used with multi_head.
        maps_name: DB channel(s): 'thrink_maps' [sic, PaddleOCR's spelling for the shrink
            map], 'threshold_maps', 'binary_maps'; a string or a list. (PaddleOCR silently
            ignores a list; we compute every listed map.)
        name: key prefix.

    Keys: `{name}_{idx}` per pair, or `{name}_{map}_{idx}` with maps_name (e.g.
    `dml_thrink_maps_0`), plus `loss`, their sum.
    """

    def __init__(self, model_name_pairs: list | tuple = (), act: str | None = None,
                 use_log: bool = False, key: str | None = None, multi_head: bool = False,
                 dis_head: str = "ctc", maps_name: str | list | None = None, name: str = "dml"):
        super().__init__(act=act, use_log=use_log)
        self.model_name_pairs = _pairs(list(model_name_pairs))
        self.key = key
        self.multi_head = multi_head
        self.dis_head = dis_head
        self.maps_name = [maps_name] if isinstance(maps_name, str) else maps_name
        unknown = set(self.maps_name or []) - set(_MAP_CHANNELS)
        if unknown:
            raise ConfigError(f"DistillationDMLLoss: unknown maps_name {sorted(unknown)}; "
                              f"use {sorted(_MAP_CHANNELS)}")
        self.name = name

    def forward(self, predicts: dict, batch: list) -> dict:
        loss_dict = {}
        for idx, (a, b) in enumerate(self.model_name_pairs):
            out1, out2 = predicts[a], predicts[b]
            if self.key is not None:
                out1, out2 = out1[self.key], out2[self.key]
            if self.maps_name is None:
                if self.multi_head:
                    out1, out2 = out1[self.dis_head], out2[self.dis_head]
                loss_dict[f"{self.name}_{idx}"] = super().forward(out1, out2)
                continue
            for map_name in self.maps_name:
                c = _MAP_CHANNELS[map_name]
                loss_dict[f"{self.name}_{map_name}_{idx}"] = super().forward(
                    out1[:, c, :, :], out2[:, c, :, :])
        return _sum_loss(loss_dict)


class DistillationDistanceLoss(DistanceLoss):
    """`DistanceLoss` between each pair of models, e.g. on `backbone_out`.

    PP-OCR strategy: U-DML feature supervision (PP-OCRv2/v3 rec, mode l2, weight 1).
    Lesson: lessons/13_udml_recognition.ipynb.

    Quirk kept: '_l2' is appended to `name` whatever the mode, so keys read
    `loss_distance_l2_{A}_{B}_{idx}`. No `loss` key is added (CombinedLoss sums the entries).
    """

    def __init__(self, mode: str = "l2", model_name_pairs: list | tuple = (), key: str | None = None,
                 name: str = "loss_distance"):
        super().__init__(mode=mode)
        self.model_name_pairs = _pairs(list(model_name_pairs))
        self.key = key
        self.name = name + "_l2"

    def forward(self, predicts: dict, batch: list) -> dict:
        loss_dict = {}
        for idx, (a, b) in enumerate(self.model_name_pairs):
            out1, out2 = predicts[a], predicts[b]
            if self.key is not None:
                out1, out2 = out1[self.key], out2[self.key]
            loss_dict[f"{self.name}_{a}_{b}_{idx}"] = super().forward(out1, out2)
        return loss_dict


class DistillationDBLoss(DBLoss):
    """The ground-truth `DBLoss` for each listed model (e.g. both CML students).

    Keys: `{name}_{model}_loss_shrink_maps` (and _threshold_, _binary_) plus `loss`.
    PaddleOCR 2.6 ignores the DB arguments here (its constructor calls the parent with
    defaults); official configs use the defaults, so passing them through changes nothing
    for them and makes non-default values work.
    """

    def __init__(self, model_name_list: list | tuple = (), balance_loss: bool = True,
                 main_loss_type: str = "DiceLoss", alpha: float = 5, beta: float = 10,
                 ohem_ratio: float = 3, eps: float = 1e-6, name: str = "db"):
        super().__init__(balance_loss=balance_loss, main_loss_type=main_loss_type,
                         alpha=alpha, beta=beta, ohem_ratio=ohem_ratio, eps=eps)
        self.model_name_list = list(model_name_list)
        self.name = name

    def forward(self, predicts: dict, batch: list) -> dict:
        loss_dict = {}
        for model_name in self.model_name_list:
            for key, value in super().forward(predicts[model_name], batch).items():
                if key != "loss":
                    loss_dict[f"{self.name}_{model_name}_{key}"] = value
        return _sum_loss(loss_dict)


def _ground_truth_per_model(loss, base_forward, predicts: dict, batch: list, branch: str) -> dict:
    """Run a ground-truth loss (`base_forward`: CTCLoss / SARLoss / NRTRLoss .forward) on each listed
    model's output; with `multi_head`, on its `branch` ("ctc" / "sar" / "gtc") as MultiLoss does."""
    loss_dict = {}
    for idx, model_name in enumerate(loss.model_name_list):
        out = predicts[model_name]
        if loss.key is not None:
            out = out[loss.key]
        if loss.multi_head:
            out, batch_used = branch_inputs(out, batch, branch)
        else:
            batch_used = batch
        loss_dict[f"{loss.name}_{model_name}_{idx}"] = base_forward(loss, out, batch_used)["loss"]
    return loss_dict


class DistillationCTCLoss(CTCLoss):
    """The ground-truth `CTCLoss` for each listed model.

    With `multi_head` (PP-OCRv3), the 'ctc' branch is used and the batch
    [image, label_ctc, label_sar, length, valid_ratio] loses its label_sar entry.
    Keys: `{name}_{model}_{idx}`; no `loss` key (CombinedLoss sums the entries).
    """

    def __init__(self, model_name_list: list | tuple = (), key: str | None = None,
                 multi_head: bool = False, name: str = "loss_ctc"):
        super().__init__()
        self.model_name_list = list(model_name_list)
        self.key = key
        self.multi_head = multi_head
        self.name = name

    def forward(self, predicts: dict, batch: list) -> dict:
        return _ground_truth_per_model(self, CTCLoss.forward, predicts, batch, branch="ctc")


class DistillationSARLoss(SARLoss):
    """The ground-truth `SARLoss` for each listed model (PP-OCRv3 GTC branch).

    With `multi_head`, the 'sar' branch is used and the batch loses its label_ctc entry
    ([image, label_sar, length, valid_ratio]). Keys: `{name}_{model}_{idx}`.
    """

    def __init__(self, model_name_list: list | tuple = (), key: str | None = None,
                 multi_head: bool = False, name: str = "loss_sar", ignore_index: int = 92):
        super().__init__(ignore_index=ignore_index)
        self.model_name_list = list(model_name_list)
        self.key = key
        self.multi_head = multi_head
        self.name = name

    def forward(self, predicts: dict, batch: list) -> dict:
        return _ground_truth_per_model(self, SARLoss.forward, predicts, batch, branch="sar")


class DistillationNRTRLoss(NRTRLoss):
    """The ground-truth NRTR cross-entropy for each listed model (PP-OCRv4 GTC-NRTR branch).

    With `multi_head`, the 'gtc' branch (the NRTR guide) is used and the batch loses its label_ctc
    entry ([image, label_gtc, length, valid_ratio]). Keys: `{name}_{model}_{idx}`.

    Quirk kept: PaddleOCR builds this on its CELoss, whose plain (smoothing: false, as in
    ch_PP-OCRv4_rec_distill.yml) cross-entropy ignores no class: the padding steps after </s>
    (target 0) count in the mean. Hence `ignore_index` -1 here, unlike `NRTRLoss` (0).
    """

    def __init__(self, model_name_list: list | tuple = (), key: str | None = None, multi_head: bool = False,
                 smoothing: bool = True, name: str = "loss_nrtr", ignore_index: int = -1):
        super().__init__(smoothing=smoothing, ignore_index=ignore_index)
        self.model_name_list = list(model_name_list)
        self.key = key
        self.multi_head = multi_head
        self.name = name

    def forward(self, predicts: dict, batch: list) -> dict:
        return _ground_truth_per_model(self, NRTRLoss.forward, predicts, batch, branch="gtc")


def dilate_teacher_map(shrink_map: paddle.Tensor, thresh: float = 0.3) -> paddle.Tensor:
    """Binarise a teacher probability map (> thresh) and dilate it with a 2×2 kernel of ones.

    Same result as PaddleOCR's per-image `cv2.dilate(binary, np.ones((2, 2)))`, whose anchor
    is the kernel centre (1, 1): each output pixel is the max over itself and its upper,
    left and upper-left neighbours. Written with a padded max-pool so it stays in Paddle.
    No gradient flows into the teacher.

    Shapes: (N, H, W) probabilities -> (N, H, W) float32 of 0/1.
    """
    binary = (shrink_map.detach() > thresh).astype("float32").unsqueeze(1)    # (N, 1, H, W)
    padded = F.pad(binary, [1, 0, 1, 0], mode="constant", value=0.0)         # left, top
    return F.max_pool2d(padded, kernel_size=2, stride=1).squeeze(1)


class DistillationDilaDBLoss(DBLoss):
    """A student learns the teacher's binarised and dilated shrink map (CML teacher term).

    For each (student, teacher) pair: target = `dilate_teacher_map(teacher channel 0)`,
    loss = alpha·BalanceLoss(student shrink map, target, shrink_mask)
    + Dice(student binary map (channel 2), target, shrink_mask), with the ground-truth
    shrink_mask of the batch. (With DiceLoss the balanced term is plain Dice, see BalanceLoss.)

    PP-OCR strategy: CML, Collaborative Mutual Learning (协同互学习), teacher-to-student
    supervision of the PP-OCRv2/v3 det distillation. Paper: PP-OCRv2, arXiv:2109.03144.
    Lesson: lessons/12_cml_detection.ipynb.

    Keys: `{name}_{student}_{teacher}` per pair, plus `loss`. As for `DistillationDBLoss`,
    PaddleOCR ignores the DB arguments; we pass them through (same values by default).
    """

    def __init__(self, model_name_pairs: list | tuple = (), key: str | None = None,
                 balance_loss: bool = True, main_loss_type: str = "DiceLoss",
                 alpha: float = 5, beta: float = 10, ohem_ratio: float = 3, eps: float = 1e-6,
                 name: str = "dila_dbloss"):
        super().__init__(balance_loss=balance_loss, main_loss_type=main_loss_type,
                         alpha=alpha, beta=beta, ohem_ratio=ohem_ratio, eps=eps)
        self.model_name_pairs = _pairs(list(model_name_pairs))
        self.key = key
        self.name = name

    def forward(self, predicts: dict, batch: list) -> dict:
        loss_dict = {}
        shrink_mask = as_tensor(batch[4])
        for student, teacher in self.model_name_pairs:
            stu, tch = predicts[student], predicts[teacher]
            if self.key is not None:
                stu, tch = stu[self.key], tch[self.key]
            check_finite(stu, f"DistillationDilaDBLoss: {student} maps")
            target = dilate_teacher_map(tch[:, 0, :, :])
            shrink_loss = self.alpha * self.bce_loss(stu[:, 0, :, :], target, shrink_mask)
            binary_loss = self.dice_loss(stu[:, 2, :, :], target, shrink_mask)
            loss_dict[f"{self.name}_{student}_{teacher}"] = shrink_loss + binary_loss
        return _sum_loss(loss_dict)
