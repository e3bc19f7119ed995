"""`ocrcourse adapt-rec --dict DICT --out OUT.pdparams`: the official PP-OCRv3 recogniser's CTC branch
with its classifier re-indexed for your dictionary (see `ocrcourse.weights.adapt`), so that
`Global.pretrained_model=OUT` fine-tunes from a model that already reads your characters."""
from __future__ import annotations

HELP = "official PP-OCRv3 rec weights (CTC branch) re-indexed for your dictionary, as a .pdparams"


def add_arguments(parser) -> None:
    parser.add_argument("--dict", required=True, help="your character_dict_path, e.g. train_data/synth/dict.txt")
    parser.add_argument("--out", required=True, help="output .pdparams")
    parser.add_argument("--no-space", action="store_true",
                        help="the dictionary is used with use_space_char: false (default: true, as PP-OCR)")


def run(args) -> int:
    from ocrcourse.weights.adapt import write_adapted_rec

    report = write_adapted_rec(args.dict, args.out, use_space_char=not args.no_space)
    print(report.summary())
    print(f"wrote {report.path}")
    return 0
