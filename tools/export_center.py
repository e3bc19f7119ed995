"""python tools/export_center.py -c CONFIG -o Global.pretrained_model=W: PaddleOCR's
tools/export_center.py, class centers for the Enhanced CTC loss in ./train_center.pkl (or the
config's CenterLoss.center_file_path).

A thin shim over `ocrcourse export-center` (ocrcourse/commands/). It is a script, not library code, so it
puts the repository root on sys.path: run it from the repository root, as PaddleOCR's guides do.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocrcourse.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["export-center", *sys.argv[1:]]))
