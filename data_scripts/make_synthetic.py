"""Generate a synthetic OCR dataset with custom sizes (the course default is `make data`).

    python data_scripts/make_synthetic.py --out train_data/my_synth --det 100 20 --rec 1000 100 \
        --cls 300 60 --seed 7

Each count pair is (train, eval). The logic lives in `ocrcourse.data.synth`; see its docstring for
the layout and label formats.
"""
from __future__ import annotations

import argparse
import sys

from ocrcourse.data.synth import DEFAULT_SIZES, build_synthetic_dataset


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output folder, e.g. train_data/my_synth")
    for task in ("det", "rec", "cls"):
        p.add_argument(f"--{task}", type=int, nargs=2, metavar=("TRAIN", "EVAL"),
                       default=list(DEFAULT_SIZES[task]), help=f"{task} images (default {DEFAULT_SIZES[task]})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--force", action="store_true", help="rebuild even if the stamp matches")
    a = p.parse_args(argv)
    sizes = {"det": tuple(a.det), "rec": tuple(a.rec), "cls": tuple(a.cls)}
    build_synthetic_dataset(a.out, sizes, seed=a.seed, force=a.force, progress=print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
