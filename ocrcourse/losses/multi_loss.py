"""CTC + SAR together for a model with a `MultiHead`: PP-OCRv3's guided training of CTC.

PP-OCR strategy: GTC, guided training of CTC by an attention head (注意力机制引导CTC训练),
PP-OCRv3 (arXiv:2206.03001). The SAR branch only exists while training; it shapes the shared
backbone, then is dropped at export. Lesson: lessons/10_pplcnet_and_svtr.ipynb.
"""
from __future__ import annotations

from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build

__all__ = ["MultiLoss", "branch_inputs"]

_OTHER_LABELS = {"ctc": 2, "sar": 1}     # batch index of the labels the branch must not see
_BRANCHES = {"CTCLoss": "ctc", "SARLoss": "sar"}


def branch_inputs(predicts: dict, batch: list, branch: str) -> tuple:
    """A MultiHead branch's output and its batch, for batch = [image, label_ctc, label_sar, length,
    valid_ratio] (MultiLabelEncode + KeepKeys): CTC skips label_sar, SAR skips label_ctc."""
    skip = _OTHER_LABELS[branch]
    return predicts[branch], list(batch[:skip]) + list(batch[skip + 1:])


class MultiLoss(nn.Layer):
    """Weighted sum of a CTC loss on `predicts["ctc"]` and a SAR loss on `predicts["sar"]`.

    Args:
        loss_config_list: `[{"CTCLoss": {...} or None}, {"SARLoss": {...} or None}]`, as in
            PaddleOCR's `ch_PP-OCRv3_rec.yml`. The trainer sets SARLoss's `ignore_index` to the
            padding index (dictionary size + 1), as PaddleOCR's tools/train.py does.
        weight_1: weight of the CTC loss. weight_2: weight of the SAR loss.

    Returns {"CTCLoss": weighted CTC, "SARLoss": weighted SAR, "loss": their sum}, PaddleOCR's keys.
    """

    def __init__(self, loss_config_list: list, weight_1: float = 1.0, weight_2: float = 1.0):
        super().__init__()
        from . import LOSSES   # the registry imports this module

        self.weights = {"CTCLoss": weight_1, "SARLoss": weight_2}
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
