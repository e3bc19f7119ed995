"""`ocrcourse export-center -c CONFIG -o Global.pretrained_model=W [--out train_center.pkl]`.

Class centers for the Enhanced CTC loss (see ocrcourse/train/export_center.py) computed over the
Train set with the trained model, written where the config's `CenterLoss.center_file_path`
points (default ./train_center.pkl). For a distillation config, `--model-name` picks the sub-model.
"""
from __future__ import annotations

from ._config_args import add_config_arguments, config_from_args, log_to_stdout

HELP = "compute CenterLoss class centers (Enhanced CTC) from a trained rec model"


def add_arguments(parser) -> None:
    add_config_arguments(parser)
    parser.add_argument("--out", default=None, help="output pickle (default: the config's "
                        "CenterLoss.center_file_path, else ./train_center.pkl)")
    parser.add_argument("--model-name", default="Student",
                        help="sub-model of a distillation model to use (default: Student)")


def run(args) -> int:
    from ocrcourse.train.export_center import export_centers
    from ocrcourse.train.trainer import build_for_centers, center_file_path

    log_to_stdout()
    cfg = config_from_args(args)
    model, loader = build_for_centers(cfg)
    out = args.out or center_file_path(cfg) or "./train_center.pkl"
    centers = export_centers(model, loader, out, model_name=args.model_name)
    print(f"wrote {len(centers)} class centers to {out}")
    return 0
