"""PaddleOCR's boolean flags, spelled as PaddleOCR's docs print them.

PaddleOCR's `tools/infer/utility.py` and its `paddleocr` command declare booleans with a `str2bool`
type, so its guides write `--use_angle_cls true`, `--use_gpu false`, `--det false`. Many people also
type the bare switch (`--use_angle_cls`). `add_bool_flag` accepts all three forms:

    --use_angle_cls            -> True
    --use_angle_cls true       -> True      (true/false, yes/no, t/f, y/n, 1/0, on/off; any case)
    --use_angle_cls=False      -> False

Anything else is an argparse error that names the flag and the accepted words (PaddleOCR's own
`str2bool` silently reads a typo such as `--det flase` as False; we refuse it instead).
"""
from __future__ import annotations

import argparse

__all__ = ["TRUE_WORDS", "FALSE_WORDS", "str2bool", "add_bool_flag"]

TRUE_WORDS = ("true", "t", "yes", "y", "1", "on")
FALSE_WORDS = ("false", "f", "no", "n", "0", "off")


def str2bool(text) -> bool:
    """`"true"` -> True, `"False"` -> False; argparse.ArgumentTypeError for anything else."""
    if isinstance(text, bool):
        return text
    value = str(text).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r} "
                                     f"(accepted: {', '.join(TRUE_WORDS + FALSE_WORDS)})")


def add_bool_flag(parser: argparse.ArgumentParser, flag: str, default: bool | None,
                  help: str | None = None) -> None:
    """`--flag`, `--flag true|false` and `--flag=false`, all with PaddleOCR's meaning.

    `default=None` lets the command decide when the flag is absent (e.g. `--use_gpu`: auto)."""
    shown = help or ""
    if default is not None:
        shown += f" (true/false; default {str(default).lower()})"
    parser.add_argument(flag, type=str2bool, nargs="?", const=True, default=default, metavar="BOOL", help=shown)
