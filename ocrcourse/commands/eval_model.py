"""`ocrcourse eval -c CONFIG -o Global.checkpoints=PATH`: score a trained model on the Eval set.

Prints the metric dict as one JSON line (e.g. {"precision": 0.8, "recall": 0.7, "hmean": 0.75,
"fps": ...} for det), as PaddleOCR's tools/eval.py prints its metrics. The weights come from
`Global.checkpoints` or, if that is empty, `Global.pretrained_model`.

`--predictions OUT.tsv` (recognisers) also writes every Eval line's label and recognised text, one
`label<TAB>prediction` row per line in loader order, for error analysis (metrics/char_confusion.py).
"""
from __future__ import annotations

import json

from ._config_args import add_config_arguments, config_from_args, log_to_stdout

HELP = "evaluate a trained model on the Eval set; prints the metric as a JSON line"


def add_arguments(parser) -> None:
    add_config_arguments(parser)
    parser.add_argument("--predictions", default=None, metavar="OUT.tsv",
                        help="rec only: also write label<TAB>prediction for every Eval line")


def run(args) -> int:
    from ocrcourse.errors import ConfigError
    from ocrcourse.train.trainer import build_for_eval
    from ocrcourse.train.loop import evaluate
    from ocrcourse.train.predictions import predict_rec_texts

    log_to_stdout()
    cfg = config_from_args(args)
    if args.predictions and cfg["Architecture"].get("model_type") != "rec":
        raise ConfigError(f"--predictions is for recognisers (Architecture.model_type rec); "
                          f"this config's model_type is {cfg['Architecture'].get('model_type')!r}")
    model, loader, post_process, metric = build_for_eval(cfg)
    result = evaluate(model, loader, post_process, metric)
    if args.predictions:
        write_predictions(args.predictions, predict_rec_texts(model, loader, post_process))
    print(json.dumps({k: v for k, v in result.items() if isinstance(v, (int, float, str))}, sort_keys=True))
    return 0


def write_predictions(path: str, rows) -> None:
    """`label<TAB>prediction` per row, written atomically (tabs/newlines inside texts become spaces)."""
    from pathlib import Path

    from ocrcourse.train.checkpoint import atomic_write

    def clean(text: str) -> str:
        return text.replace("\t", " ").replace("\n", " ")

    body = "".join(f"{clean(label)}\t{clean(pred)}\n" for label, pred in rows)
    atomic_write(Path(path), lambda tmp: Path(tmp).write_text(body, encoding="utf-8"))
