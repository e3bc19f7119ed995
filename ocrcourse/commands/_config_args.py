"""The `-c CONFIG -o key=value ...` arguments shared by train / eval / export / export-center,
with PaddleOCR's spelling, so the commands of the official guides work unchanged."""
from __future__ import annotations

import logging
import sys

__all__ = ["add_config_arguments", "config_from_args", "log_to_stdout"]


def add_config_arguments(parser) -> None:
    parser.add_argument("-c", "--config", required=True, help="PaddleOCR-schema YAML, e.g. "
                        "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student_quick.yml")
    parser.add_argument("-o", "--opt", nargs="+", action="append", default=[], metavar="KEY=VALUE",
                        help="override config values, e.g. -o Global.epoch_num=2 Global.max_steps=20")


def config_from_args(args) -> dict:
    from ocrcourse.config import load_config

    overrides = [item for group in args.opt for item in group]
    return load_config(args.config, overrides)


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever `sys.stdout` is at the time (a notebook or pytest may swap it)."""

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        pass


def log_to_stdout(level: int = logging.INFO) -> None:
    """Show the library's log lines (ocrcourse.*) on stdout, once.

    Importing Paddle may already give the root logger a console handler; then that one prints
    our lines (they propagate) and we add none, so nothing is printed twice.
    """
    logger = logging.getLogger("ocrcourse")
    logger.setLevel(level)
    if logging.getLogger().handlers:
        return
    if not any(isinstance(h, _StdoutHandler) for h in logger.handlers):
        handler = _StdoutHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
