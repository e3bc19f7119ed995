"""CombinedLoss: a weighted sum of losses, as written in a `Loss.loss_config_list`."""
from __future__ import annotations

import paddle
from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.registry import accepted_keys

__all__ = ["CombinedLoss"]


def _build_entry(table: dict, name: str, params: dict) -> nn.Layer:
    """Build one entry. Not through `registry.build`: here `name` is a constructor argument
    of the sub-loss (the key prefix, e.g. `name: dml_ctc`), not the registry name."""
    if name not in table:
        raise ConfigError(f"CombinedLoss: unknown loss {name!r}; available: {sorted(table)}")
    accepted = accepted_keys(table[name])
    unknown = set(params) - accepted
    if unknown:
        raise ConfigError(f"CombinedLoss entry {name}: unknown keys {sorted(unknown)}; "
                          f"valid keys: {sorted(accepted | {'weight'})}")
    return table[name](**params)


class CombinedLoss(nn.Layer):
    """Weighted sum of several losses, every term kept in the returned dict for logging.

    PP-OCR strategy: how the distillation recipes are assembled (CML for det, U-DML for rec,
    Enhanced CTC = CTC + Center loss); the training loop sees one loss like any other.
    Lesson: lessons/11_distillation_basics.ipynb.

    Args:
        loss_config_list: [{LossName: {weight: w, <constructor keys>}}, ...], each LossName
            from `ocrcourse.losses.LOSSES`.

    For each sub-loss: every entry of its dict is multiplied by its weight; if the dict has a
    `loss` entry that is added to the total, otherwise all its entries are. All entries are
    merged into one dict and `loss` is finally set to the total. Quirk kept: a sub-loss
    that returns a bare tensor is logged under `loss_{str(tensor)}_{idx}` (none of ours do).
    With the det DML term the total is an (N,) vector (see `DMLLoss`).
    """

    def __init__(self, loss_config_list: list):
        super().__init__()
        # Imported here: the registry in __init__.py imports this module too.
        from ocrcourse.losses import LOSSES

        if not isinstance(loss_config_list, list) or not loss_config_list:
            raise ConfigError("CombinedLoss: loss_config_list must be a non-empty list of "
                              "{LossName: {weight: w, ...}} entries")
        self.loss_weight = []
        funcs = []
        for entry in loss_config_list:
            if not isinstance(entry, dict) or len(entry) != 1:
                raise ConfigError(f"CombinedLoss: each entry must be one {{LossName: {{...}}}} "
                                  f"mapping, got {entry!r}")
            (name, params), = entry.items()
            params = dict(params or {})
            if "weight" not in params:
                raise ConfigError(f"CombinedLoss: {name} has no 'weight' (keys: {sorted(params)})")
            self.loss_weight.append(params.pop("weight"))
            funcs.append(_build_entry(LOSSES, name, params))
        self.loss_func = nn.LayerList(funcs)

    def forward(self, predicts, batch: list) -> dict:
        loss_dict = {}
        loss_all = 0.0
        for idx, (loss_func, weight) in enumerate(zip(self.loss_func, self.loss_weight)):
            loss = loss_func(predicts, batch)
            if isinstance(loss, paddle.Tensor):
                loss = {f"loss_{loss}_{idx}": loss}
            loss = {key: value * weight for key, value in loss.items()}
            if "loss" in loss:
                loss_all = loss_all + loss["loss"]
            else:
                loss_all = loss_all + paddle.add_n(list(loss.values()))
            loss_dict.update(loss)
        loss_dict["loss"] = loss_all
        return loss_dict
