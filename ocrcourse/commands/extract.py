"""`ocrcourse extract CHECKPOINT [--name Student] [--out PATH]`: one sub-model of a distillation
checkpoint as a plain `.pdparams` (what `Global.pretrained_model` or export of the student takes)."""
from __future__ import annotations

HELP = "write the Student (or Student2 / Teacher) of a distillation checkpoint as plain weights"


def add_arguments(parser) -> None:
    parser.add_argument("checkpoint", help="distillation .pdparams (extension optional), "
                                           "e.g. output/ch_PP-OCRv3_det_cml/best_accuracy")
    parser.add_argument("--name", default="Student", help="sub-model to keep (default: Student)")
    parser.add_argument("--out", default=None,
                        help="output file (default: <checkpoint>_<name>.pdparams next to it)")


def run(args) -> int:
    from ocrcourse.train.extract_student import extract_submodel

    out = extract_submodel(args.checkpoint, name=args.name, out_path=args.out)
    print(f"wrote {args.name} weights to {out}")
    return 0
