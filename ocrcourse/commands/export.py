"""`ocrcourse export -c CONFIG -o Global.pretrained_model=W Global.save_inference_dir=DIR`.

Writes a static inference model (`inference.pdiparams` + `inference.json`, or `.pdmodel` with
Paddle 2) as PaddleOCR's tools/export_model.py does; a distillation config gives one directory
per sub-model (`DIR/Student`, ...). `ocrcourse predict` / `PPOCR` and tools/infer/predict_system.py
load these directories. PP-LCNetV3 models are re-parameterised first, and each directory also gets the
`inference.yml` PaddleOCR 3.x reads: `TextRecognition(model_name="PP-OCRv4_mobile_rec", model_dir=DIR)`
(the name is the file's Global.model_name; see ocrcourse/pipeline/export.py).
"""
from __future__ import annotations

from ._config_args import add_config_arguments, config_from_args, log_to_stdout

HELP = "export a trained model as a static inference model (Global.save_inference_dir)"


def add_arguments(parser) -> None:
    add_config_arguments(parser)


def run(args) -> int:
    from ocrcourse.errors import ConfigError
    from ocrcourse.pipeline.export import export_model
    from ocrcourse.train.trainer import build_for_export

    log_to_stdout()
    cfg = config_from_args(args)
    out = cfg["Global"].get("save_inference_dir")
    if not out:
        raise ConfigError("set where to write the model: -o Global.save_inference_dir=./inference/my_model")
    for path in export_model(build_for_export(cfg), cfg, out):
        print(f"inference model written to {path}")
    return 0
