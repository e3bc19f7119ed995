"""`ocrcourse train -c CONFIG [-o key=value ...]`: train as the config says (PaddleOCR's tools/train.py).

Checkpoints, `train.log` and `history.csv` go to `Global.save_model_dir`. Resume with
`-o Global.checkpoints=<save_model_dir>/latest`; stop early with `-o Global.max_steps=N`.
Several processes: `python -m paddle.distributed.launch --nproc_per_node 2 tools/train.py -c ...`.
"""
from __future__ import annotations

from ._config_args import add_config_arguments, config_from_args, log_to_stdout

HELP = "train a model from a PaddleOCR-schema config (-c CONFIG -o key=value ...)"


def add_arguments(parser) -> None:
    add_config_arguments(parser)


def run(args) -> int:
    from ocrcourse.train import Trainer

    from ocrcourse.optim.lr_scaling import lr_for_your_batch

    log_to_stdout()
    cfg = lr_for_your_batch(config_from_args(args))   # warns (or, auto_scale_lr, scales) if your batch differs
    trainer = Trainer.from_config(cfg)
    history = trainer.fit()
    if len(history):
        print(f"trained {int(history['step'].iloc[-1])} steps; last loss {history['loss'].iloc[-1]:.5f}")
    return 0
