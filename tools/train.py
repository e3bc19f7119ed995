"""python tools/train.py -c CONFIG [-o Global.epoch_num=2 ...]: PaddleOCR's tools/train.py.

Data-parallel: `python -m paddle.distributed.launch --nproc_per_node 2 tools/train.py -c ...`
starts one process per GPU (or per CPU process, with gloo); the trainer wraps the model in
DataParallel, each process reads its share of every batch and only rank 0 writes files.

A thin shim over `ocrcourse train` (ocrcourse/commands/). It is a script, not library code, so it
puts the repository root on sys.path: run it from the repository root, as PaddleOCR's guides do.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocrcourse.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
