"""python tools/infer_det.py -c CONFIG -o Global.pretrained_model=W Global.infer_img=IMG_OR_DIR:
PaddleOCR's tools/infer_det.py, the det model of a training config run on image files.

Writes `file<TAB>{"boxes": ...}` lines to Global.save_res_path (default
./output/det_results.txt) and prints them.
A thin shim over ocrcourse.train.infer; it is a script, so it puts the repository root on sys.path.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocrcourse.commands._config_args import add_config_arguments, config_from_args, log_to_stdout  # noqa: E402
from ocrcourse.train.infer import infer_images, list_images, write_results  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    args = parser.parse_args(argv)
    log_to_stdout()
    cfg = config_from_args(args)
    results = infer_images(cfg, list_images(cfg["Global"]["infer_img"]))
    out = cfg["Global"].get("save_res_path") or "./output/det_results.txt"
    if out:
        print(f"results written to {write_results(results, out)}")
    for r in results:
        print(r["file"], {k: v for k, v in r.items() if k != "file"}, sep="\t")
    return 0


if __name__ == "__main__":
    sys.exit(main())
