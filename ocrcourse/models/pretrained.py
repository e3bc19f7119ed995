"""Load `.pdparams` weights into a model: plain checkpoints and distillation checkpoints alike.

Official PP-OCR training checkpoints come in two shapes:

    plain          backbone.conv.conv.weight, neck..., head...          (one model)
    distillation   Student.backbone..., Student2.backbone..., Teacher.backbone...

`load_pretrained(model, path)` takes either. Into a plain model, a distillation checkpoint gives
its `Student` (or the sub-model named by `prefix=`); into a DistillationModel, keys match as they
are. Missing and unexpected keys are reported, never silently ignored, and a wrong shape or an
unreadable file raises `WeightsError` with what to do about it.

Lesson: lessons/11_distillation_basics.ipynb (and every lesson that starts from official weights).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import paddle

from ocrcourse.errors import WeightsError

__all__ = ["LoadReport", "load_pretrained", "read_state_dict", "resolve_weights_path",
           "submodel_prefixes"]

logger = logging.getLogger(__name__)


@dataclass(repr=False)   # a notebook shows the short summary, not hundreds of key names
class LoadReport:
    """What `load_pretrained` did: which keys were loaded, which the model kept as they were
    (`missing` from the file), which file entries had no place in the model (`unexpected`),
    and, with `skip_mismatched=True`, which were skipped for their shape (`mismatched`)."""

    source: str
    prefix: str | None = None
    loaded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every model key was loaded and every file key was used."""
        return not self.missing and not self.unexpected and not self.mismatched

    def __str__(self) -> str:
        via = f" (sub-model {self.prefix!r})" if self.prefix else ""
        lines = [f"loaded {len(self.loaded)} tensors from {self.source}{via}"]
        for what, keys in (("missing (kept their initial values)", self.missing),
                           ("unexpected (ignored)", self.unexpected),
                           ("skipped for their shape (kept their initial values)", self.mismatched)):
            if keys:
                shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
                lines.append(f"  {len(keys)} {what}: {shown}")
        return "\n".join(lines)

    __repr__ = __str__


def resolve_weights_path(path: str | os.PathLike) -> Path:
    """`path` itself or `path + ".pdparams"` (PaddleOCR configs omit the extension)."""
    path = Path(path)
    if path.is_file():
        return path
    with_ext = Path(str(path) + ".pdparams")
    if with_ext.is_file():
        return with_ext
    raise WeightsError(f"weights file not found: tried {path} and {with_ext}. Check the path "
                       f"(PaddleOCR configs give it without .pdparams); official weights are "
                       f"prepared by `ocrcourse weights`")


def read_state_dict(path: str | os.PathLike) -> tuple[Path, dict[str, np.ndarray]]:
    """Read a `.pdparams` file as {key: numpy array}; WeightsError if it is unreadable."""
    path = resolve_weights_path(path)
    try:
        state = paddle.load(str(path), return_numpy=True)
    except Exception as err:   # truncated pickles raise EOFError, UnpicklingError, ValueError, ...
        raise WeightsError(f"cannot read {path} ({type(err).__name__}: {err}); the file is truncated "
                           f"or not a Paddle .pdparams file: download or export it again") from err
    if not isinstance(state, Mapping) or not state:
        raise WeightsError(f"{path} does not hold a state dict (got {type(state).__name__}); "
                           f"expected the .pdparams file written by paddle.save(model.state_dict())")
    return path, {str(k): np.asarray(v) for k, v in state.items()}


def submodel_prefixes(keys) -> list[str]:
    """First dotted components in file order, e.g. ['Student', 'Student2', 'Teacher']."""
    return list(dict.fromkeys(k.split(".", 1)[0] for k in keys if "." in k))


def _select(state: dict, model_keys: set[str], prefix: str | None, source: str, allow_no_match: bool = False):
    """The part of `state` meant for the model, with the sub-model prefix removed.

    With `allow_no_match`, a file of which no key fits gives ({}, None) instead of an error."""
    if prefix is None:
        if model_keys & set(state):
            return state, None
        # a distillation checkpoint for a plain model: find the sub-models whose keys fit
        fitting = [p for p in submodel_prefixes(state)
                   if any(k[len(p) + 1:] in model_keys for k in state if k.startswith(p + "."))]
        if "Student" in fitting:
            prefix = "Student"
        elif len(fitting) == 1:
            prefix = fitting[0]
        elif fitting:
            raise WeightsError(f"{source} holds several sub-models that fit this model {fitting}; "
                               f"choose one with load_pretrained(model, path, prefix=...)")
        elif allow_no_match:
            return {}, None
        else:
            raise WeightsError(f"no key of {source} matches the model (file: {next(iter(state))!r}, "
                               f"model: {sorted(model_keys)[0]!r}); is it a checkpoint of another "
                               f"architecture? A DistillationModel sub-model loads with "
                               f"load_pretrained(model.Student, path)")
        logger.info("%s is a distillation checkpoint; loading its %r sub-model", source, prefix)
    selected = {k[len(prefix) + 1:]: v for k, v in state.items() if k.startswith(prefix + ".")}
    if not selected:
        raise WeightsError(f"{source} has no keys starting with {prefix + '.'!r}; "
                           f"its sub-models are {submodel_prefixes(state)}")
    return selected, prefix


def load_pretrained(model: paddle.nn.Layer, path_or_state_dict, prefix: str | None = None,
                    skip_mismatched: bool = False, allow_no_match: bool = False) -> LoadReport:
    """Copy matching tensors from a checkpoint into `model`; return a LoadReport.

    Args:
        model: a BaseModel, DistillationModel or any Layer.
        path_or_state_dict: a `.pdparams` path (extension optional) or a {key: array} dict.
        prefix: take only the keys `prefix + "."` of a distillation checkpoint (e.g. "Teacher").
            By default a plain model gets the `Student` of a distillation checkpoint.
        skip_mismatched: instead of raising, leave tensors whose shape differs at their initial
            values and list them in `report.mismatched`. This is how PaddleOCR fine-tunes an
            official recogniser on a new dictionary: everything loads but the last fc.
        allow_no_match: instead of raising when no key of the file fits the model, load nothing
            and return a report with an empty `loaded` (PaddleOCR's rule: warn and train from
            scratch, e.g. an ImageNet backbone file given to a DistillationModel).

    Raises:
        WeightsError: unreadable / truncated file, nothing matches, or (unless skip_mismatched)
            any shape differs: another config (scale, out_channels, dictionary size...).
    """
    if isinstance(path_or_state_dict, Mapping):
        source = "the given state dict"
        state = {str(k): np.asarray(v.numpy() if hasattr(v, "numpy") else v)
                 for k, v in path_or_state_dict.items()}
    else:
        path, state = read_state_dict(path_or_state_dict)
        source = str(path)
    own = model.state_dict()
    n_file = len(state)
    state, prefix = _select(state, set(own), prefix, source, allow_no_match)

    mismatched = [k for k, v in state.items() if k in own and list(v.shape) != list(own[k].shape)]
    if mismatched and not skip_mismatched:
        shown = "; ".join(f"{k}: file {list(state[k].shape)} vs model {list(own[k].shape)}"
                          for k in mismatched[:5])
        raise WeightsError(f"{len(mismatched)} tensors of {source} have the wrong shape for this "
                           f"model, e.g. {shown}. Build the model from the config the weights were "
                           f"trained with (or pass skip_mismatched=True to fine-tune on purpose)")
    report = LoadReport(source=source, prefix=prefix,
                        loaded=[k for k in own if k in state and k not in mismatched],
                        missing=[k for k in own if k not in state],
                        unexpected=[k for k in state if k not in own],
                        mismatched=mismatched)
    for k in report.loaded:   # in place, tensor by tensor: the model keeps its missing keys
        own[k].set_value(state[k].astype(str(own[k].dtype).replace("paddle.", "")))
    if not report.loaded:
        logger.warning("no tensor of %s fits the model (%d keys in the file, %d in the model): nothing "
                       "was loaded, the model keeps its initial values\n%s", source, n_file, len(own), report)
    elif not report.complete:
        logger.warning("%s", report)
    return report
