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
    from pathlib import Path

    import paddle

    from ocrcourse.weights.adapt import adapt_official_rec
    from ocrcourse.weights.cache import atomic_write

    state, report = adapt_official_rec(args.dict, use_space_char=not args.no_space)
    out = Path(args.out if args.out.endswith(".pdparams") else args.out + ".pdparams")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda tmp: paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, str(tmp)))
    print(report.summary())
    print(f"wrote {out}")
    return 0
