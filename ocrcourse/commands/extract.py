"""`ocrcourse extract -i CHECKPOINT [-m Student] [-o OUT.pdparams]`: one sub-model of a distillation
checkpoint as a plain `.pdparams` (what `Global.pretrained_model` or export of the student takes).
The checkpoint may also be given positionally: `ocrcourse extract CHECKPOINT`."""
from __future__ import annotations

HELP = "write the Student (or Student2 / Teacher) of a distillation checkpoint as plain weights"


def add_arguments(parser) -> None:
    parser.add_argument("checkpoint", nargs="?", default=None,
                        help="distillation .pdparams (extension optional), e.g. output/ch_PP-OCRv3_det_cml/best_accuracy")
    parser.add_argument("-i", "--input", dest="input", default=None, help="the checkpoint (same as the positional)")
    parser.add_argument("-m", "--name", dest="name", default="Student", help="sub-model to keep (default: Student)")
    parser.add_argument("-o", "--out", dest="out", default=None,
                        help="output file (default: <checkpoint>_<name>.pdparams next to it)")


def run(args) -> int:
    from ocrcourse.errors import ConfigError
    from ocrcourse.train.extract_student import extract_submodel

    checkpoint = args.input or args.checkpoint
    if not checkpoint or (args.input and args.checkpoint and args.input != args.checkpoint):
        raise ConfigError("give the checkpoint once: `ocrcourse extract -i CHECKPOINT -m Student -o OUT.pdparams`")
    out = extract_submodel(checkpoint, name=args.name, out_path=args.out)
    print(f"wrote {args.name} weights to {out}")
    return 0
