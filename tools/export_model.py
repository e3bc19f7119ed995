"""python tools/export_model.py -c CONFIG -o Global.pretrained_model=W Global.save_inference_dir=DIR:
PaddleOCR's tools/export_model.py, a static inference model for tools/infer/predict_system.py.

A thin shim over `ocrcourse export` (ocrcourse/commands/). It is a script, not library code, so it
puts the repository root on sys.path: run it from the repository root, as PaddleOCR's guides do.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocrcourse.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["export", *sys.argv[1:]]))
