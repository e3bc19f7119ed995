"""The training loop of every PP-OCR recipe: one step, one epoch, evaluation, and `fit`.

Lesson: lessons/07_train_db.ipynb (and every training lesson after it).

Detection, recognition, classification and distillation (CML, DML, U-DML) all run through the
same code: the model is a `BaseModel` or a `DistillationModel`, the loss a plain loss or a
`CombinedLoss`, the metric a metric or a `DistillationMetric`. Nothing here looks at algorithm
names. `Trainer.from_config` (train/trainer.py) builds the pieces from a YAML; lessons may also
call `fit` directly with their own objects.

What PaddleOCR's `tools/program.py` does and we keep:
- the model is called as `model(images, data=batch[1:])` (heads that need targets, like SAR,
  read them; others ignore them); the loss as `loss(preds, batch)` and must return `"loss"`;
- the LR scheduler is stepped once after every optimiser step; the logged lr is read before;
- evaluation `model.eval()` + `paddle.no_grad()`, post-process `(preds, batch[1])`, metric
  `(post_result, batch)`; a new best `main_indicator` (>=) saves `best_accuracy`;
- `latest` after every epoch, `iter_epoch_N` every `save_epoch_step` epochs, rank 0 only;
- a frozen sub-model (`freeze_params`) gets no gradients but stays in train() mode;
- `eval_batch_step: [start, every]` evaluates after optimiser step N when N > start and
  (N - start) % every == 0 (the counter is incremented, then tested); an int means [0, every];
- logged values are medians over `log_smooth_window` steps (train/stats.py), printed every
  `print_batch_step` steps and at an epoch's last batch;
- with AMP (train/amp.py) the forward pass runs under auto_cast, the loss outside it on float32
  predictions, and evaluation under auto_cast too;
- with `ratio_list < 1` the train dataset draws a new subset before every epoch, seeded with
  the epoch number, as PaddleOCR's loader rebuilt with `seed=epoch`.

Departures, on purpose (README, "Departures from PaddleOCR"):
- A resumed run keeps `global_step` from the checkpoint (PaddleOCR restarts it at 0), so the
  eval / print / `max_steps` cadence and the history continue where the run stopped.
- Every epoch re-seeds Python / NumPy / Paddle with `seed + epoch`, so an epoch's data order,
  augmentation and dropout do not depend on what ran before: a resumed run repeats an
  uninterrupted one exactly (see tests/train/test_loop.py).
- A NaN / Inf loss stops training with `NonFiniteError` naming the step and every loss part,
  before the optimiser step, so the parameters and the last checkpoint stay good.
- A sample that raises in the data loader (data/loader.py turns it into a `DataError` instead
  of a hang) stops training with the epoch and step added to the message; nothing is saved
  for the unfinished epoch, so the last checkpoint stays as it was.
- After each epoch the dataset's `report()` logs how many images it skipped (missing, corrupt,
  dropped by a transform); PaddleOCR logs each skipped sample but never the total.
- `max_steps` (course addition) stops after N optimiser steps and saves `latest` with the
  position inside the epoch, so `Global.checkpoints=.../latest` continues from there.
"""
from __future__ import annotations

import inspect
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import paddle

from ..errors import DataError
from ..losses.checks import NonFiniteError
from ..settings import seed_everything
from .amp import AmpConfig, to_float32
from .checkpoint import save_checkpoint, unwrap
from .stats import SmoothedStats

__all__ = ["TrainState", "train_step", "train_one_epoch", "evaluate", "fit", "eval_schedule"]

logger = logging.getLogger(__name__)


@dataclass
class TrainState:
    """Where training is; handed to the `on_step` / `on_eval` callbacks after each step / eval.

    `step` counts optimiser steps (PaddleOCR's `global_step`), `epoch` is 1-based.
    `losses` holds the mean of every loss part of the last step; `metrics` the last eval.
    It is one object updated in place: a callback keeps values (`s.step`, `s.losses["loss"]`),
    not `s` itself.
    """
    epoch: int = 1
    step: int = 0
    lr: float = 0.0
    losses: dict = field(default_factory=dict)
    train_metrics: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    best: dict = field(default_factory=dict)
    step_in_epoch: int = 0


def eval_schedule(eval_batch_step) -> tuple[int, int]:
    """`[start, every]` or `every` -> (start, every)."""
    if isinstance(eval_batch_step, (list, tuple)):
        if len(eval_batch_step) >= 2:
            return int(eval_batch_step[0]), int(eval_batch_step[1])
        return 0, int(eval_batch_step[0])
    return 0, int(eval_batch_step)


def _forward(model, batch):
    """model(images, data=batch[1:]) when the model's forward takes `data`, else model(images)."""
    if "data" in inspect.signature(unwrap(model).forward).parameters:
        return model(batch[0], data=batch[1:])
    return model(batch[0])


def _mean(value) -> float:
    return float(value.astype("float64").mean()) if isinstance(value, paddle.Tensor) else float(value)


def _check_finite(losses: dict, step: int) -> None:
    total = losses["loss"]
    if not bool(paddle.isfinite(total).all()):
        parts = ", ".join(f"{k}={_mean(v):.6g}" for k, v in losses.items())
        raise NonFiniteError(
            f"the loss is not finite at optimiser step {step + 1}: {parts}. Training stopped before "
            "updating the weights; the last saved checkpoint is intact. Lower "
            "Optimizer.lr.learning_rate, check the data (labels, normalisation), then resume with "
            "-o Global.checkpoints=<save_model_dir>/latest")


def _losses(loss_fn, preds, batch, step: int) -> dict:
    try:
        losses = loss_fn(preds, batch)
    except NonFiniteError as err:          # a loss found NaN / Inf in the predictions themselves
        raise NonFiniteError(f"at optimiser step {step + 1}: {err}") from err
    _check_finite(losses, step)
    return losses


def train_step(model, batch: list, loss_fn, optimizer, lr_scheduler=None, step: int = 0,
               amp: AmpConfig | None = None) -> tuple[object, dict, float]:
    """One optimiser step on one batch; returns (predictions, loss dict, lr used for this step).

    With `amp` (train/amp.py, GPU only) the forward pass runs under auto_cast and the loss, as in
    PaddleOCR, outside it on the predictions cast to float32; the loss is scaled by `amp.scaler`.
    """
    lr = float(optimizer.get_lr())
    if amp is not None:                                  # mixed precision (GPU only)
        with amp.autocast():
            preds = _forward(model, batch)
        preds = to_float32(preds)
        losses = _losses(loss_fn, preds, batch, step)
        scaled = amp.scaler.scale(losses["loss"])
        scaled.backward()
        amp.scaler.minimize(optimizer, scaled)
    else:
        preds = _forward(model, batch)
        losses = _losses(loss_fn, preds, batch, step)
        losses["loss"].backward()     # a (B,) det-CML total is seeded with ones, as in PaddleOCR
        optimizer.step()
    optimizer.clear_grad()
    if lr_scheduler is not None:
        lr_scheduler.step()
    return preds, losses, lr


def _metric_preds(preds):
    """A MultiHead's training output is {"ctc", "ctc_neck", "sar"}: the metric reads the CTC branch."""
    if isinstance(preds, dict) and "ctc" in preds:
        return preds["ctc"]
    return preds


def _numpy_batch(batch: list) -> list:
    return [b.numpy() if isinstance(b, paddle.Tensor) else b for b in batch]


def train_one_epoch(model, loader, loss_fn, optimizer, lr_scheduler, state: TrainState, *,
                    max_steps: int | None = None, skip: int = 0, post_process=None, metric=None,
                    after_step: Callable[[TrainState], None] | None = None, amp: AmpConfig | None = None,
                    progress: bool = True) -> bool:
    """Train on every batch of `loader` once (minus the first `skip`, already trained on).

    `state` is updated in place; `after_step(state)` runs after each optimiser step (evaluation,
    logging, callbacks). With `post_process` and `metric` the training metric is computed on
    each batch (`cal_metric_during_train`). Returns True if `max_steps` was reached.
    """
    from tqdm.auto import tqdm

    model.train()
    total = len(loader) if hasattr(loader, "__len__") else None
    # One iterator, made here, and a bar that does not wrap the loader: wrapping a Paddle
    # DataLoader in tqdm starts a second prefetch thread, and two threads drawing from NumPy's
    # random state make the data order and augmentation irreproducible.
    bar = tqdm(total=total, desc=f"epoch {state.epoch}", disable=not progress, leave=False)
    batches = iter(loader)
    state.step_in_epoch = 0
    try:
        for batch in batches:
            state.step_in_epoch += 1
            bar.update(1)
            if state.step_in_epoch <= skip:       # resuming inside an epoch: these batches are done
                continue
            preds, losses, lr = train_step(model, batch, loss_fn, optimizer, lr_scheduler, state.step, amp)
            state.step += 1
            state.lr = lr
            state.losses = {k: _mean(v) for k, v in losses.items()}
            if post_process is not None and metric is not None:
                numpy_batch = _numpy_batch(batch)
                metric(post_process(_metric_preds(preds), numpy_batch[1]), numpy_batch)
                state.train_metrics = metric.get_metric()
            bar.set_postfix(loss=f"{state.losses['loss']:.4f}", lr=f"{lr:.2e}")
            if after_step is not None:
                after_step(state)
            if max_steps is not None and state.step >= max_steps:
                return True
        return False
    finally:
        bar.close()
        del batches        # stops the prefetch thread now, not when garbage collection gets to it


def evaluate(model, loader, post_process, metric, amp: AmpConfig | None = None) -> dict:
    """Run `model` in eval mode over `loader`; returns `metric.get_metric()`.

    With `amp` the forward pass runs under auto_cast and the predictions are cast to float32
    before post-processing, as PaddleOCR's `eval` does when training with AMP."""
    was_training = model.training
    model.eval()
    if hasattr(metric, "reset"):
        metric.reset()
    with paddle.no_grad():
        for batch in loader:
            if amp is not None:
                with amp.autocast(training=False):
                    preds = _forward(model, batch)
                preds = to_float32(preds)
            else:
                preds = _forward(model, batch)
            numpy_batch = _numpy_batch(batch)
            metric(post_process(preds, numpy_batch[1]), numpy_batch)
    result = metric.get_metric()
    if was_training:
        model.train()
    return {k: (float(v) if isinstance(v, (int, float, np.floating, np.integer)) else v) for k, v in result.items()}


def _eval_due(step: int, start: int, every: int) -> bool:
    return step > start and (step - start) % every == 0


def _log_step(s: TrainState, print_batch_step: int, visualdl, stats: SmoothedStats,
              last_in_epoch: bool = False) -> None:
    """Smooth lr, losses and training metrics; send them to VisualDL and print every
    `print_batch_step` steps and at an epoch's last batch (PaddleOCR's medians and cadence)."""
    metrics = {k: v for k, v in s.train_metrics.items() if isinstance(v, (int, float))}
    stats.update({"lr": s.lr, **s.losses, **metrics})
    smoothed = stats.get()
    if visualdl is not None:
        for k, v in smoothed.items():
            visualdl.add_scalar(f"TRAIN/{k}", v, s.step)
    if print_batch_step and (s.step % print_batch_step == 0 or last_in_epoch):
        lr = smoothed.pop("lr")
        logger.info("epoch %d step %d lr %.6g %s", s.epoch, s.step, lr,
                    " ".join(f"{k}: {v:.6f}" for k, v in smoothed.items()))


def _dataset(loader):
    """The dataset behind a loader (build_dataloader wraps it in a guard), or None."""
    dataset = getattr(loader, "dataset", None)
    return getattr(dataset, "dataset", dataset)


def _report_skipped(loader) -> None:
    """Log the images the dataset skipped this epoch (SimpleDataSet.report: missing, corrupt, dropped)."""
    dataset = getattr(loader, "dataset", None)
    dataset = getattr(dataset, "dataset", dataset)       # build_dataloader's guard wraps the dataset
    if hasattr(dataset, "report"):
        dataset.report()


def _log_eval(s: TrainState, visualdl) -> None:
    logger.info("eval at step %d: %s", s.step, s.metrics)
    if visualdl is not None:
        for k, v in s.metrics.items():
            if isinstance(v, float):
                visualdl.add_scalar(f"EVAL/{k}", v, s.step)


def fit(model, train_loader, loss_fn, optimizer, lr_scheduler=None, *, epochs: int,
        eval_loader=None, post_process=None, metric=None, main_indicator: str | None = None,
        save_model_dir: str | None = None, eval_batch_step=(0, 2000), print_batch_step: int = 10,
        save_epoch_step: int = 1, max_steps: int | None = None, cal_metric_during_train: bool = False,
        log_smooth_window: int = 20,
        seed: int = 1024, resume: dict | None = None, on_step: Callable | None = None,
        on_eval: Callable | None = None, amp: AmpConfig | None = None, visualdl=None, config: dict | None = None,
        progress: bool = True):
    """Train for `epochs` epochs (or `max_steps` steps); returns the history as a DataFrame.

    Args:
        model, train_loader, loss_fn, optimizer, lr_scheduler: built objects (see Trainer).
        eval_loader, post_process, metric: evaluation (skipped when any is None).
        main_indicator: the metric key that picks `best_accuracy` (default: metric.main_indicator).
        save_model_dir: where checkpoints, `train.log`'s companion `history.csv` go (None: nowhere).
        eval_batch_step, print_batch_step, save_epoch_step, max_steps, cal_metric_during_train,
        log_smooth_window: the `Global` keys of the same names (logged values are medians over
            the last `log_smooth_window` steps, as PaddleOCR's; the history keeps raw values).
        seed: each epoch starts with `seed_everything(seed + epoch)`.
        resume: the dict `load_checkpoint` returned (start_epoch, global_step, step_in_epoch,
            best_model_dict), to continue a run.
        on_step(state), on_eval(state): callbacks, e.g. to draw live curves in a notebook.
        amp: mixed precision settings from `train.amp.setup_amp` (GPU), else None: training and
            evaluation forward passes run under its auto_cast.
        visualdl: a VisualDL `LogWriter` or None.

    Returns:
        pandas.DataFrame with one row per optimiser step: step, epoch, lr, every loss part,
        training metrics if computed, and `eval_<metric>` columns on the steps that evaluated.
    """
    import pandas as pd

    rank = paddle.distributed.get_rank()
    main_indicator = main_indicator or getattr(metric, "main_indicator", None)
    start_eval, every = eval_schedule(eval_batch_step)
    can_eval = eval_loader is not None and post_process is not None and metric is not None and every > 0
    resume = resume or {}
    state = TrainState(epoch=int(resume.get("start_epoch", 1)), step=int(resume.get("global_step", 0)),
                       best=dict(resume.get("best_model_dict") or {}))
    if main_indicator and main_indicator not in state.best:
        state.best[main_indicator] = 0.0
    rows: list[dict] = []
    stats = SmoothedStats(log_smooth_window)
    n_batches = len(train_loader) if hasattr(train_loader, "__len__") else None
    out_dir = Path(save_model_dir) if save_model_dir and rank == 0 else None

    def save(prefix: str, epoch_done: int, step_in_epoch: int = 0):
        if out_dir is not None:
            save_checkpoint(model, optimizer, out_dir, prefix, epoch=epoch_done, global_step=state.step,
                            best_model_dict=state.best, lr_scheduler=lr_scheduler,
                            step_in_epoch=step_in_epoch, config=config)

    def write_history():
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            pd.DataFrame(rows).to_csv(out_dir / "history.csv", index=False)

    def after_step(s: TrainState):
        row = {"step": s.step, "epoch": s.epoch, "lr": s.lr, **s.losses, **s.train_metrics}
        rows.append(row)
        _log_step(s, print_batch_step, visualdl if rank == 0 else None, stats,
                  last_in_epoch=n_batches is not None and s.step_in_epoch >= n_batches)
        if on_step is not None:
            on_step(s)
        if can_eval and rank == 0 and _eval_due(s.step, start_eval, every):
            s.metrics = evaluate(unwrap(model), eval_loader, post_process, metric, amp)   # rank 0 alone
            row.update({f"eval_{k}": v for k, v in s.metrics.items()})
            _log_eval(s, visualdl)
            if main_indicator and s.metrics.get(main_indicator, -math.inf) >= s.best.get(main_indicator, 0.0):
                s.best.update(s.metrics, best_epoch=s.epoch)      # PaddleOCR: a tie also counts as best
                save("best_accuracy", s.epoch - 1, s.step_in_epoch)
            write_history()
            if on_eval is not None:
                on_eval(s)

    skip = int(resume.get("step_in_epoch", 0))
    train_pair = (post_process, metric) if cal_metric_during_train else (None, None)
    for epoch in range(state.epoch, epochs + 1):
        state.epoch = epoch
        seed_everything(seed + epoch)
        dataset = _dataset(train_loader)
        if getattr(dataset, "need_reset", False):
            dataset.resample(epoch)            # ratio_list < 1: a new subset, seeded with the epoch
        sampler = getattr(train_loader, "batch_sampler", None)
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(epoch)           # DistributedBatchSampler: a new shuffle per epoch
        try:
            stopped = train_one_epoch(model, train_loader, loss_fn, optimizer, lr_scheduler, state,
                                      max_steps=max_steps, skip=skip, post_process=train_pair[0],
                                      metric=train_pair[1], after_step=after_step, amp=amp,
                                      progress=progress and rank == 0)
        except DataError as err:
            write_history()
            raise DataError(f"{err}\nTraining stopped in epoch {epoch} after optimiser step {state.step}; "
                            "the last saved checkpoint is intact: once the data is fixed, resume with "
                            "-o Global.checkpoints=<save_model_dir>/latest") from err
        skip = 0
        _report_skipped(train_loader)
        finished_epoch = not stopped or state.step_in_epoch >= len(train_loader)
        if finished_epoch:
            save("latest", epoch)
            if save_epoch_step and epoch % save_epoch_step == 0:
                save(f"iter_epoch_{epoch}", epoch)
        else:
            save("latest", epoch - 1, state.step_in_epoch)
        write_history()
        if stopped:
            logger.info("max_steps=%d reached at epoch %d", max_steps, epoch)
            break
    if main_indicator and can_eval:
        logger.info("best %s: %s", main_indicator, state.best)
    return pd.DataFrame(rows)
