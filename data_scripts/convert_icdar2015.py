"""ICDAR2015 ground truth (gt_img_N.txt) -> a PaddleOCR det label file.

    python data_scripts/convert_icdar2015.py --gt-dir ch4_training_localization_transcription_gt \
        --out train_data/icdar2015/text_localization/train_icdar2015_label.txt \
        --image-prefix icdar_c4_train_imgs/ --image-dir train_data/icdar2015/text_localization/icdar_c4_train_imgs

`###` (illegible) regions are kept; existing output is not overwritten without --force.
Logic: `ocrcourse.data.converters.convert_icdar2015`.
"""
from __future__ import annotations

import argparse
import sys

from ocrcourse.data.converters import convert_icdar2015
from ocrcourse.cli import report_errors


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gt-dir", required=True, help="folder of gt_img_N.txt files")
    p.add_argument("--out", required=True, help="label file to write")
    p.add_argument("--image-prefix", default="", help="prefix of img_N.jpg in the label file")
    p.add_argument("--image-dir", default=None, help="check that every image exists here")
    p.add_argument("--force", action="store_true", help="overwrite --out")
    a = p.parse_args(argv)
    return report_errors(lambda: print(convert_icdar2015(a.gt_dir, a.out, a.image_prefix, a.image_dir, a.force)))


if __name__ == "__main__":
    sys.exit(main())
