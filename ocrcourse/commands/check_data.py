"""`ocrcourse check-data -c CONFIG [-o KEY=VALUE ...]`: check your own data before training.

Reads the config's Train and Eval sections the way training will and prints one table: per
problem, how many lines / images / boxes, the first examples (file:line) and the exact fix (a
command or a config key). `--ppocrlabel FOLDER` also checks a PPOCRLabel export folder
(Label.txt, rec_gt.txt, crop_img/). Exit code 0 when nothing is found, 1 otherwise, so a notebook
or CI can use it. Nothing is modified. The checks: ocrcourse/check_data.py, ocrcourse/data/checks.py.
"""
from __future__ import annotations

from ._config_args import config_from_args

HELP = "check your own dataset and config before training; prints each problem with its fix"


def add_arguments(parser) -> None:
    from ocrcourse.check_data import CHECK_NAMES

    parser.add_argument("-c", "--config", default=None, help="PaddleOCR-schema YAML whose Train / Eval "
                        "data to check, e.g. configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml")
    parser.add_argument("-o", "--opt", nargs="+", action="append", default=[], metavar="KEY=VALUE",
                        help="override config values, e.g. -o Train.dataset.data_dir=mine/det/")
    parser.add_argument("--ppocrlabel", action="append", default=[], metavar="FOLDER",
                        help="also check a PPOCRLabel export folder (Label.txt, rec_gt.txt, crop_img/)")
    parser.add_argument("--cards", type=int, default=None,
                        help="devices you will train on (default: visible GPUs if Global.use_gpu, else 1)")
    parser.add_argument("--skip", action="append", default=[], metavar="CHECK",
                        help="leave out a check by name (repeatable): " + ", ".join(CHECK_NAMES))


def run(args) -> int:
    from ocrcourse.check_data import check_data, format_report
    from ocrcourse.errors import ConfigError

    if args.config is None and not args.ppocrlabel:
        raise ConfigError("give -c CONFIG (the config you will train with) and/or --ppocrlabel FOLDER")
    cfg = config_from_args(args) if args.config else None
    report = check_data(cfg, config_path=args.config, cards=args.cards, ppocrlabel=args.ppocrlabel,
                        skip=args.skip)
    print(format_report(report))
    return 0 if report.ok else 1
