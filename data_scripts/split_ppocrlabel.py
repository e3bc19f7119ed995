"""PPOCRLabel exports (Label.txt, rec_gt.txt, crop_img/) -> train / val / test for det and rec.

    python data_scripts/split_ppocrlabel.py my_photos/ more_photos/ --out train_data/mine --ratio 6:2:2

Writes train_data/mine/det/{train,val,test}/ + .txt and train_data/mine/rec/... ; seeded, every
image in exactly one split, rec crops in the split of their source image. Existing output is not
overwritten without --force. Logic: `ocrcourse.data.converters.split_ppocrlabel`.
"""
from __future__ import annotations

import argparse
import sys

from ocrcourse.data.converters import split_ppocrlabel
from ocrcourse.cli import report_errors


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dataset_dirs", nargs="+", help="folders labelled with PPOCRLabel")
    p.add_argument("--out", required=True, help="output folder (det/ and rec/ are created in it)")
    p.add_argument("--ratio", default="6:2:2", help="train:val:test (default 6:2:2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--det-label", default="Label.txt")
    p.add_argument("--rec-label", default="rec_gt.txt")
    p.add_argument("--crop-dir", default="crop_img")
    p.add_argument("--force", action="store_true", help="replace existing det/ and rec/ in --out")
    a = p.parse_args(argv)
    try:
        ratio = tuple(float(x) for x in a.ratio.split(":"))
        if len(ratio) != 3 or min(ratio) < 0 or sum(ratio) <= 0:
            raise ValueError
    except ValueError:
        print(f"error: --ratio must look like 6:2:2, got {a.ratio!r}", file=sys.stderr)
        return 2
    return report_errors(lambda: print(split_ppocrlabel(a.dataset_dirs, a.out, ratio, a.seed, a.det_label,
                                                        a.rec_label, a.crop_dir, a.force)))


if __name__ == "__main__":
    sys.exit(main())
