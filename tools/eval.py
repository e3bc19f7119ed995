"""python tools/eval.py -c CONFIG -o Global.checkpoints=PATH: PaddleOCR's tools/eval.py.

Prints the metric dict as one JSON line.

A thin shim over `ocrcourse eval` (ocrcourse/commands/). It is a script, not library code, so it
puts the repository root on sys.path: run it from the repository root, as PaddleOCR's guides do.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocrcourse.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["eval", *sys.argv[1:]]))
