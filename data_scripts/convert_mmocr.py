"""MMOCR 1.x annotation JSON (textdet or textrecog) -> a PaddleOCR label file.

    python data_scripts/convert_mmocr.py textdet_train.json --out train_data/mm/det_train.txt
    python data_scripts/convert_mmocr.py textrecog_train.json --out train_data/mm/rec_train.txt

Ignored det instances become `###`. Existing output is not overwritten without --force.
Logic: `ocrcourse.data.converters.convert_mmocr`.
"""
from __future__ import annotations

import argparse
import sys

from ocrcourse.data.converters import convert_mmocr
from ocrcourse.cli import report_errors


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("json_file")
    p.add_argument("--out", required=True, help="label file to write")
    p.add_argument("--task", choices=["textdet", "textrecog"], default=None,
                   help="default: metainfo.task_name of the JSON")
    p.add_argument("--image-prefix", default="", help="prepended to every img_path")
    p.add_argument("--force", action="store_true", help="overwrite --out")
    a = p.parse_args(argv)
    return report_errors(lambda: print(convert_mmocr(a.json_file, a.out, a.task, a.image_prefix, a.force)))


if __name__ == "__main__":
    sys.exit(main())
