"""`ocrcourse doctor`: environment check with the exact fix for each problem."""
from __future__ import annotations

HELP = "check Python, Paddle, GPU, OpenCV, CJK font, widgets and caches; print fixes"


def add_arguments(parser) -> None:
    parser.add_argument("--strict", action="store_true", help="exit 1 if any check fails")


def run(args) -> int:
    from ocrcourse.diagnose import doctor

    checks = doctor()
    return 1 if args.strict and not all(c.ok for c in checks) else 0
