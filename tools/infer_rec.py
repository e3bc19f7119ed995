"""python tools/infer_rec.py -c CONFIG -o Global.pretrained_model=W Global.infer_img=IMG_OR_DIR:
PaddleOCR's tools/infer_rec.py, the rec model of a training config run on image files.

Prints `file<TAB>{"result": [text, score]}` per image (also written to Global.save_res_path
when set).
A thin shim over ocrcourse.train.infer; it is a script, so it puts the repository root on sys.path.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocrcourse.commands._infer_tool import run_infer_tool  # noqa: E402


def main(argv=None) -> int:
    return run_infer_tool(argv, __doc__.splitlines()[0], default_out=None)


if __name__ == "__main__":
    sys.exit(main())
