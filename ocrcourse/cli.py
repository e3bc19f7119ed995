"""The `ocrcourse` command: one sub-command per module in `ocrcourse/commands/`.

Each command module defines `HELP` (one line), `add_arguments(parser)` and `run(args) -> int`.
The table below is the whole list; a command's module is imported only when it runs, so
`ocrcourse doctor` works even when Paddle itself is broken.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from .errors import OCRCourseError

__all__ = ["COMMANDS", "main", "report_errors"]

# sub-command -> module in ocrcourse/commands/
COMMANDS = {
    "doctor": "doctor",
    "run-lessons": "run_lessons",
    "prepare-data": "prepare_data",
    "weights": "weights",
    "predict": "predict",
    "train": "train",
    "eval": "eval_model",
    "export": "export",
    "extract": "extract",
    "export-center": "export_center",
    "adapt-rec": "adapt_rec",
    "grade": "grade",
    "check-data": "check_data",
}


def report_errors(call, prefix: str = "error") -> int:
    """Run `call()`; a deliberate `OCRCourseError` becomes one line on stderr and exit code 1
    (no traceback: the message already says what to fix). Used by `main` and data_scripts/."""
    try:
        return int(call() or 0)
    except OCRCourseError as e:
        print(f"{prefix}: {e}", file=sys.stderr)
        return 1


def _load(module: str):
    try:
        return importlib.import_module(f"ocrcourse.commands.{module}")
    except ModuleNotFoundError as e:
        if e.name == f"ocrcourse.commands.{module}":
            return None
        raise


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ocrcourse", description="Learn PP-OCR by building it.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = argv[0] if argv and not argv[0].startswith("-") else None
    for name, module in COMMANDS.items():
        # Import only the command being run; list the others by name.
        mod = _load(module) if name == wanted else None
        p = sub.add_parser(name, help=getattr(mod, "HELP", None) or f"see `ocrcourse {name} -h`")
        if mod is not None:
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    if not hasattr(args, "_run"):
        print(f"ocrcourse {args.command}: not available in this version of the course yet", file=sys.stderr)
        return 2
    return report_errors(lambda: args._run(args), prefix=f"ocrcourse {args.command}: error")


if __name__ == "__main__":
    sys.exit(main())
