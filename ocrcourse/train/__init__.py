"""Training: the loop, checkpoints and the config-driven Trainer.

Where is X:
    loop.py            train_step, train_one_epoch, evaluate, fit (history DataFrame, callbacks)
    checkpoint.py      save_checkpoint / load_checkpoint: PaddleOCR's best_accuracy / latest layout, atomic
    trainer.py         Trainer.from_config(cfg): loaders, model, loss, optimizer, metric from a YAML
    amp.py             setup_amp, AmpConfig, to_float32: Global.use_amp / amp_level / custom lists (GPU)
    stats.py           SmoothedStats: logged values as medians over Global.log_smooth_window steps
    export_center.py   export_centers: class centers for the Enhanced CTC loss (CenterLoss)
    extract_student.py extract_submodel: a plain Student state_dict out of a distillation checkpoint
    memory.py          training_memory: estimated GPU / host memory of a run at a batch and crop (full mode's sizes)
"""
from __future__ import annotations

from .checkpoint import load_checkpoint, save_checkpoint
from .loop import TrainState, evaluate, fit, train_one_epoch, train_step
from .trainer import Trainer

__all__ = ["Trainer", "TrainState", "fit", "train_one_epoch", "train_step", "evaluate",
           "save_checkpoint", "load_checkpoint"]
