"""`ocrcourse eval -c CONFIG -o Global.checkpoints=PATH`: score a trained model on the Eval set.

Prints the metric dict as one JSON line (e.g. {"precision": 0.8, "recall": 0.7, "hmean": 0.75,
"fps": ...} for det), as PaddleOCR's tools/eval.py prints its metrics. The weights come from
`Global.checkpoints` or, if that is empty, `Global.pretrained_model`.
"""
from __future__ import annotations

import json

from ._config_args import add_config_arguments, config_from_args, log_to_stdout

HELP = "evaluate a trained model on the Eval set; prints the metric as a JSON line"


def add_arguments(parser) -> None:
    add_config_arguments(parser)


def run(args) -> int:
    from ocrcourse.train.trainer import build_for_eval
    from ocrcourse.train.loop import evaluate

    log_to_stdout()
    model, loader, post_process, metric = build_for_eval(config_from_args(args))
    result = evaluate(model, loader, post_process, metric)
    print(json.dumps({k: v for k, v in result.items() if isinstance(v, (int, float, str))}, sort_keys=True))
    return 0
