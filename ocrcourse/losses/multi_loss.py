"""CTC + an attention guide together for a model with a `MultiHead`: guided training of CTC.

PP-OCR strategy: GTC, guided training of CTC by an attention head (注意力机制引导CTC训练),
PP-OCRv3 (arXiv:2206.03001, SAR guide) and PP-OCRv4 (NRTR guide, GTC-NRTR). The guide branch only
exists while training; it shapes the shared backbone, then is dropped at export.
Lessons: lessons/10_pplcnet_and_svtr.ipynb, lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build

__all__ = ["MultiLoss", "branch_inputs", "branch_output"]

_OTHER_LABELS = {"ctc": 2, "sar": 1, "nrtr": 1}     # batch index of the labels the branch must not see
_BRANCHES = {"CTCLoss": "ctc", "SARLoss": "sar", "NRTRLoss": "nrtr"}
_WEIGHTS = {"CTCLoss": "weight_1", "SARLoss": "weight_2", "NRTRLoss": "weight_2"}


def branch_output(predicts: dict, branch: str):
    """A MultiHead training output's branch. "gtc" and "nrtr" name the same NRTR branch: PaddleOCR's
    MultiHead and MultiLoss say "nrtr" while its v4 distillation losses read "gtc" (so its
    ch_PP-OCRv4_rec_distill.yml stops with a KeyError there; here either name works)."""
    if branch in ("gtc", "nrtr") and branch not in predicts:
        branch = "nrtr" if branch == "gtc" else "gtc"
    if branch not in predicts:
        raise ConfigError(f"the model output has no {branch!r} branch (it has {sorted(predicts)}); "
                          "check the MultiHead head_list against the loss")
    return predicts[branch]


def branch_inputs(predicts: dict, batch: list, branch: str) -> tuple:
    """A MultiHead branch's output and its batch, for batch = [image, label_ctc, label_gtc, length,
    valid_ratio] (MultiLabelEncode + KeepKeys): CTC skips label_gtc (label_sar in PP-OCRv3), the
    SAR or NRTR guide ("sar", "nrtr" or "gtc") skips label_ctc."""
    skip = _OTHER_LABELS["nrtr" if branch == "gtc" else branch]
    return branch_output(predicts, branch), list(batch[:skip]) + list(batch[skip + 1:])


class MultiLoss(nn.Layer):
    """Weighted sum of a CTC loss on `predicts["ctc"]` and a guide loss on `predicts["sar"]` (SARLoss)
    or `predicts["nrtr"]` (NRTRLoss).

    Args:
        loss_config_list: `[{"CTCLoss": {...} or None}, {"SARLoss": {...} or None}]`, as in
            PaddleOCR's `ch_PP-OCRv3_rec.yml`, or `[{"CTCLoss": None}, {"NRTRLoss": None}]` as in
            `ch_PP-OCRv4_rec.yml`. The trainer sets SARLoss's `ignore_index` to the padding index
            (dictionary size + 1), as PaddleOCR's tools/train.py does; NRTR pads with 0.
        weight_1: weight of the CTC loss. weight_2: weight of the SAR or NRTR loss.

    Returns {"CTCLoss": weighted CTC, "SARLoss"/"NRTRLoss": weighted guide, "loss": their sum},
    PaddleOCR's keys.
    """

    def __init__(self, loss_config_list: list, weight_1: float = 1.0, weight_2: float = 1.0):
        super().__init__()
        from . import LOSSES   # the registry imports this module

        weights = {"weight_1": weight_1, "weight_2": weight_2}
        self.weights = {name: weights[key] for name, key in _WEIGHTS.items()}
        self.names = []
        for entry in loss_config_list:
            if not isinstance(entry, dict) or len(entry) != 1:
                raise ConfigError(f"MultiLoss: each loss_config_list entry is one {{LossName: params}}, got {entry!r}")
            (name, params), = entry.items()
            if name not in _BRANCHES:
                raise ConfigError(f"MultiLoss: unknown branch loss {name!r}; valid: {sorted(_BRANCHES)}")
            self.add_sublayer(name, build(LOSSES, {"name": name, **(params or {})}, kind="MultiLoss entry"))
            self.names.append(name)

    def forward(self, predicts: dict, batch: list) -> dict:
        out, total = {}, 0.0
        for name in self.names:
            value = getattr(self, name)(*branch_inputs(predicts, batch, _BRANCHES[name]))["loss"] * self.weights[name]
            out[name] = value
            total = total + value
        out["loss"] = total
        return out
