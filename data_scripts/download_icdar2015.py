"""ICDAR2015 (Incidental Scene Text) for PaddleOCR: what to download, and the conversion.

The images can only be downloaded after registering at https://rrc.cvc.uab.es/?ch=4 (Downloads
tab), so this script does not fetch them. Download these four files by hand:

    ch4_training_images.zip                          1000 training images
    ch4_training_localization_transcription_gt.zip   their gt_img_N.txt labels
    ch4_test_images.zip                              500 test images
    Challenge4_Test_Task1_GT.zip                     their labels

put them in one folder and run

    python data_scripts/download_icdar2015.py --zips ~/Downloads/icdar2015

which unzips them into PaddleOCR's layout (configs use data_dir: ./train_data/icdar2015/text_localization/):

    train_data/icdar2015/text_localization/icdar_c4_train_imgs/  + train_icdar2015_label.txt
    train_data/icdar2015/text_localization/ch4_test_images/      + test_icdar2015_label.txt

Without --zips it checks (3 s timeout) whether the site is reachable and explains the steps;
it exits with status 1 either way, since nothing was installed. Everything in the course also
works without ICDAR2015: `make data` builds a synthetic dataset offline.
"""
from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import zipfile
from pathlib import Path

from ocrcourse.data.converters import convert_icdar2015
from ocrcourse.cli import report_errors

SITE = ("rrc.cvc.uab.es", 443)
ZIPS = {  # zip -> folder its images are unpacked to (None: labels, converted instead)
    "ch4_training_images.zip": "icdar_c4_train_imgs",
    "ch4_training_localization_transcription_gt.zip": None,
    "ch4_test_images.zip": "ch4_test_images",
    "Challenge4_Test_Task1_GT.zip": None,
}


def _reachable(host_port, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection(host_port, timeout=timeout):
            return True
    except OSError:
        return False


def _install(zips: Path, out: Path, force: bool) -> None:
    missing = [z for z in ZIPS if not (zips / z).is_file()]
    if missing:
        raise SystemExit(f"error: missing in {zips}: {', '.join(missing)} (see --help)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in ZIPS.items():
            target = out / folder if folder else Path(tmp) / name.removesuffix(".zip")
            with zipfile.ZipFile(zips / name) as zf:
                zf.extractall(target)
        splits = (("train", "icdar_c4_train_imgs", "ch4_training_localization_transcription_gt"),
                  ("test", "ch4_test_images", "Challenge4_Test_Task1_GT"))
        for split, images, gt in splits:
            report = convert_icdar2015(Path(tmp) / gt, out / f"{split}_icdar2015_label.txt",
                                       image_prefix=f"{images}/", image_dir=out / images, force=force)
            print(report)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--zips", default=None, help="folder holding the four official zip files")
    p.add_argument("--out", default="train_data/icdar2015/text_localization")
    p.add_argument("--force", action="store_true", help="overwrite existing label files")
    a = p.parse_args(argv)
    if a.zips:
        return report_errors(lambda: _install(Path(a.zips).expanduser(), Path(a.out), a.force))
    online = _reachable(SITE)
    print(("The ICDAR2015 site is reachable. " if online else
           f"Offline: {SITE[0]} cannot be reached (3 s timeout). ")
          + "ICDAR2015 needs a (free) registration, so it cannot be downloaded automatically:\n"
          "  1. register and log in at https://rrc.cvc.uab.es/?ch=4, tab Downloads, Task 4.1;\n"
          "  2. download the four zip files " + ", ".join(ZIPS) + ";\n"
          "  3. run: python data_scripts/download_icdar2015.py --zips <folder with the zips>\n"
          "Meanwhile every lesson runs on the synthetic data from `make data`.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
