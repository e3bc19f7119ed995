"""Training checkpoints in PaddleOCR's layout, written atomically.

A checkpoint is three files sharing one prefix inside `Global.save_model_dir`:

    {save_model_dir}/{prefix}.pdparams   model.state_dict()   (what `pretrained_model` loads)
    {save_model_dir}/{prefix}.pdopt      optimizer.state_dict() (Adam moments, LR scheduler state)
    {save_model_dir}/{prefix}.states     pickle of {"epoch", "global_step", "best_model_dict", ...}

with `prefix` one of `best_accuracy` (best eval metric so far), `latest` (end of every epoch) and
`iter_epoch_{N}` (every `save_epoch_step` epochs) — the names PaddleOCR's tools and guides use, so
`-o Global.checkpoints=./output/x/latest` resumes and `Global.pretrained_model=./output/x/best_accuracy`
fine-tunes, exactly as in the official commands.

Departure from PaddleOCR, on purpose: all three files are first written completely to temporary
files in the same directory, then moved into place with `os.replace` (atomic on POSIX and Windows),
`.states` last. A run killed while serialising leaves the previous checkpoint intact. `.states` also
records the sha256 of the `.pdparams` / `.pdopt` it belongs to, so the one remaining window — a kill
between the three renames — is detected at resume instead of silently mixing two epochs.
"""
from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path
from typing import Any, Callable

import paddle

from ..atomic import atomic_write, sha256_of, stage
from ..errors import WeightsError

__all__ = ["atomic_write", "save_checkpoint", "load_checkpoint", "checkpoint_files", "unwrap"]

logger = logging.getLogger(__name__)

SUFFIXES = (".pdparams", ".pdopt", ".states")


def unwrap(model: paddle.nn.Layer) -> paddle.nn.Layer:
    """The Layer inside a `paddle.DataParallel` wrapper (or the model itself)."""
    return getattr(model, "_layers", model)


def checkpoint_files(prefix: str | os.PathLike) -> dict[str, Path]:
    """`{".pdparams": Path, ".pdopt": Path, ".states": Path}` for a prefix such as `output/x/latest`."""
    prefix = _strip_suffix(str(prefix))
    return {s: Path(prefix + s) for s in SUFFIXES}


def _strip_suffix(prefix: str) -> str:
    for s in SUFFIXES:
        if prefix.endswith(s):
            return prefix[: -len(s)]
    return prefix


def _param_names(model) -> dict[str, str]:
    """state_dict key -> Paddle's internal parameter name (`linear_3.w_0`), which keys `.pdopt`."""
    return {key: p.name for key, p in unwrap(model).named_parameters()}


def _rename_optimizer_state(opt_state: dict, saved_names: dict, model) -> dict:
    """Re-key `.pdopt` entries from the saved run's parameter names to this model's.

    Paddle keys optimizer state by internal names such as `linear_3.w_0_moment1_0`, numbered by a
    process-wide counter: the same model built second in a notebook is `linear_7`. We map
    old -> new name through the state_dict keys both runs share.
    """
    mapping = {saved_names[k]: new for k, new in _param_names(model).items() if k in saved_names}
    if all(old == new for old, new in mapping.items()):
        return opt_state
    olds = sorted(mapping, key=len, reverse=True)       # longest first: linear_10.w_0 before linear_1.w_0
    renamed = {}
    for key, value in opt_state.items():
        old = next((o for o in olds if key == o or key.startswith(o + "_")), None)
        renamed[mapping[old] + key[len(old):] if old else key] = value
    return renamed


def _paddle_save(obj: Any) -> Callable[[str], None]:
    return lambda tmp: paddle.save(obj, tmp)


def _pickle_save(obj: Any) -> Callable[[str], None]:
    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            pickle.dump(obj, f, protocol=2)     # protocol 2, as PaddleOCR writes `.states`
    return write


def save_checkpoint(model: paddle.nn.Layer, optimizer, save_dir: str | os.PathLike, prefix: str, *,
                    epoch: int, global_step: int, best_model_dict: dict | None = None,
                    lr_scheduler=None, **extra) -> Path:
    """Write `{save_dir}/{prefix}.pdparams/.pdopt/.states` atomically; returns the prefix path.

    Args:
        model: the (possibly DataParallel-wrapped) model; keys are saved without a wrapper prefix,
            so a `DistillationModel` gives `Student.` / `Student2.` / `Teacher.` keys.
        optimizer: its `state_dict()` goes to `.pdopt` (None skips the file).
        epoch: the last *completed* epoch (1-based, as PaddleOCR); a resume starts at epoch + 1.
            A run stopped inside an epoch (by `max_steps`) also passes `step_in_epoch=k`: the
            resume skips the k batches of epoch + 1 it has already trained on.
        global_step: optimiser steps taken so far.
        best_model_dict: the best eval metrics so far (PaddleOCR's `best_model_dict`).
        lr_scheduler: its state is stored in `.states` too, so resuming never depends on whether the
            optimizer embedded it.
        **extra: further picklable entries for `.states` (e.g. `step_in_epoch`, `config`).
    """
    prefix_path = Path(save_dir) / prefix
    files = checkpoint_files(prefix_path)
    states = {"epoch": int(epoch), "global_step": int(global_step),
              "best_model_dict": dict(best_model_dict or {}), **extra,
              "param_names": _param_names(model)}
    if lr_scheduler is not None and hasattr(lr_scheduler, "state_dict"):
        states["lr_scheduler"] = lr_scheduler.state_dict()
    staged: list[tuple[str, Path]] = []
    try:
        staged.append((stage(files[".pdparams"], _paddle_save(unwrap(model).state_dict())), files[".pdparams"]))
        if optimizer is not None:
            staged.append((stage(files[".pdopt"], _paddle_save(optimizer.state_dict())), files[".pdopt"]))
        states["file_sha256"] = {path.suffix: sha256_of(tmp) for tmp, path in staged}
        staged.append((stage(files[".states"], _pickle_save(states)), files[".states"]))
        for tmp, path in staged:           # everything is on disk: publish, `.states` last
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.remove(tmp)
    within = f" + {extra['step_in_epoch']} batches of epoch {epoch + 1}" if extra.get("step_in_epoch") else ""
    logger.info("saved checkpoint %s (after epoch %d%s, step %d)", prefix_path, epoch, within, global_step)
    return prefix_path


def load_checkpoint(prefix: str | os.PathLike, model: paddle.nn.Layer, optimizer=None,
                    lr_scheduler=None, strict: bool = False) -> dict:
    """Resume from `prefix` (`Global.checkpoints`): restore model, optimizer, LR scheduler.

    As PaddleOCR's `load_model`, a model tensor missing from the file or of another shape keeps
    its initial value and the rest loads, with one warning giving the counts and the first keys.
    `strict=True` (`Global.strict_load: true`) raises WeightsError instead, so that a resume is
    exact or fails loudly; use `models.pretrained.load_pretrained` to fine-tune from other weights.

    Returns:
        The `.states` dict plus `start_epoch` (the epoch to run next) and `step_in_epoch`
        (batches of that epoch already trained on); just those two when there is no `.states`.
    """
    files = checkpoint_files(prefix)
    if not files[".pdparams"].is_file():
        raise WeightsError(f"checkpoint {files['.pdparams']} not found; Global.checkpoints takes a prefix "
                           f"such as ./output/my_run/latest (without .pdparams)")
    states: dict = {}
    if files[".states"].is_file():
        with open(files[".states"], "rb") as f:
            states = pickle.load(f)
    for suffix, digest in states.get("file_sha256", {}).items():
        if not files[suffix].is_file() or sha256_of(files[suffix]) != digest:
            raise WeightsError(
                f"checkpoint {prefix} is torn: {files[suffix].name} does not belong to {files['.states'].name} "
                f"(the run was killed while publishing a new checkpoint). Resume from an earlier one, e.g. "
                f"iter_epoch_N or best_accuracy in the same folder, or restart the run")
    state = paddle.load(str(files[".pdparams"]))
    own = unwrap(model).state_dict()
    missing = sorted(set(own) - set(state))
    bad = sorted(k for k in own if k in state and list(own[k].shape) != list(state[k].shape))
    if (missing or bad) and strict:
        raise WeightsError(f"checkpoint {files['.pdparams']} does not match the model: missing keys "
                           f"{missing[:5]}{'...' if len(missing) > 5 else ''}, shape mismatches {bad[:5]}; "
                           f"was it saved from this config? To fine-tune use Global.pretrained_model instead")
    if missing or bad:
        logger.warning("checkpoint %s does not match the model: %d of %d tensors keep their initial values "
                       "(%d missing from the file, e.g. %s; %d of another shape, e.g. %s); the other %d loaded. "
                       "Set Global.strict_load: true to stop instead", files[".pdparams"], len(missing) + len(bad),
                       len(own), len(missing), missing[:3], len(bad), bad[:3], len(own) - len(missing) - len(bad))
    if missing or bad:        # tensor by tensor: Paddle's set_state_dict warns once per missing key
        for k in set(own) - set(missing) - set(bad):
            own[k].set_value(state[k])
    else:
        unwrap(model).set_state_dict(state)
    if optimizer is not None and bad:
        logger.warning("%s not loaded: its moments belong to tensors of another shape; the optimizer "
                       "starts fresh", files[".pdopt"])
    elif optimizer is not None and files[".pdopt"].is_file():
        opt_state = paddle.load(str(files[".pdopt"]))
        if states.get("param_names"):
            opt_state = _rename_optimizer_state(opt_state, states["param_names"], model)
        optimizer.set_state_dict(opt_state)
    elif optimizer is not None:
        logger.warning("%s missing: optimizer starts fresh", files[".pdopt"])
    if lr_scheduler is not None and "lr_scheduler" in states:
        lr_scheduler.set_state_dict(states["lr_scheduler"])
    epoch = int(states.get("epoch", 0))
    states["start_epoch"] = epoch + 1
    states.setdefault("step_in_epoch", 0)
    logger.info("resumed from %s: epoch %d, step %d", prefix, epoch, states.get("global_step", 0))
    return states
