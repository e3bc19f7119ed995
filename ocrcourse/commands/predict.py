"""`ocrcourse predict`: run the PP-OCR system on an image or a folder of images.

    ocrcourse predict --image_dir doc/imgs/11.jpg --use_angle_cls true --use_gpu false --json out.json

Booleans take PaddleOCR's forms (`--use_angle_cls true`, `--det false`) or the bare switch.

Flags follow PaddleOCR's `tools/infer/predict_system.py` (`--image_dir`, `--use_angle_cls`,
`--det false`, `--rec false`, `--drop_score`, `--det_model_dir` ...). Without model directories the
official PP-OCRv3 weights are used (prepared by `ocrcourse weights --prepare` / `make weights`).
"""
from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from ..errors import ConfigError, DataError
from ._flags import add_bool_flag

HELP = "run detection + (direction) + recognition on images; print, save JSON and pictures"

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif", ".webp", ".pgm", ".ppm"}

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--image_dir", required=True, help="an image file or a folder of images")
    add_bool_flag(parser, "--use_angle_cls", False, "classify direction, flip 180-degree crops")
    add_bool_flag(parser, "--det", True, "detect boxes (false: each image is one text line)")
    add_bool_flag(parser, "--rec", True, "recognise text (false: boxes only)")
    parser.add_argument("--json", metavar="OUT", help='write [{"image": path, "results": [...]}, ...] here')
    parser.add_argument("--vis_dir", metavar="DIR", help="save a picture of boxes and texts per image here")
    parser.add_argument("--drop_score", type=float, default=0.5, help="drop lines with a lower confidence")
    parser.add_argument("--det_limit_side_len", type=int, default=960)
    parser.add_argument("--det_limit_type", default="max", choices=("max", "min", "resize_long"))
    parser.add_argument("--det_box_type", default="quad", choices=("quad", "poly"),
                        help="poly: a polygon per line, for curved text (crops via its minimum-area rectangle)")
    parser.add_argument("--ocr_version", default="PP-OCRv3", choices=("PP-OCRv3", "PP-OCRv4"),
                        help="official det and rec models used without --*_model_dir (PaddleOCR's flag)")
    parser.add_argument("--det_model_dir", help="exported detector (ocrcourse export); default: official")
    parser.add_argument("--rec_model_dir", help="exported recogniser; default: official PP-OCRv3")
    parser.add_argument("--cls_model_dir", help="exported direction classifier; default: official v2.0")
    parser.add_argument("--rec_char_dict_path", help="dictionary of --rec_model_dir (default: official)")
    add_bool_flag(parser, "--use_space_char", True)
    # PaddleOCR's device and engine switches: accepted as its docs print them (`--use_gpu false`).
    add_bool_flag(parser, "--use_gpu", None, "GPU if Paddle sees one (default: auto); true without a GPU runs on the CPU with a note")
    for flag in ("--enable_mkldnn", "--show_log", "--use_mp", "--use_tensorrt"):
        add_bool_flag(parser, flag, False, "accepted for PaddleOCR compatibility; no effect here")
    parser.add_argument("--rec_image_shape", default="3, 48, 320", help='"3, 48, 320" (v3) or "3, 32, 320" (v2)')


def list_images(image_dir: str) -> list[Path]:
    """The image itself, or the images of a folder (sorted by name); DataError if none."""
    path = Path(image_dir)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataError(f"--image_dir {image_dir!r} does not exist; give an image file or a folder of images")
    images = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise DataError(f"--image_dir {image_dir!r} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    return images


def build_system(args):
    """A PPOCR with only the models this run needs (official ones unless directories are given)."""
    from ..pipeline import PPOCR

    need = {"det": args.det, "rec": args.rec, "cls": args.use_angle_cls}
    dirs = {"det": args.det_model_dir, "rec": args.rec_model_dir, "cls": args.cls_model_dir}
    from ..pipeline.system import official_model_names

    det_name, rec_name = official_model_names(args.ocr_version)
    names = {"det": det_name, "rec": rec_name, "cls": "ppocr_mobile_v2.0_cls"}
    models = {}
    for stage in ("det", "rec", "cls"):
        if need[stage]:
            if dirs[stage]:
                models[stage] = dirs[stage]
            else:
                from ..weights import build_official_model

                models[stage] = build_official_model(names[stage])
    dict_path = args.rec_char_dict_path
    if args.rec and dict_path is None:
        if args.rec_model_dir:
            raise ConfigError("--rec_model_dir needs --rec_char_dict_path (the dictionary it was trained with)")
        from ..weights import official_dict_path

        dict_path = official_dict_path()
    shape = tuple(int(v) for v in str(args.rec_image_shape).split(","))
    return PPOCR(models.get("det"), models.get("rec"), models.get("cls"), character_dict_path=dict_path,
                 use_space_char=args.use_space_char, det_limit_side_len=args.det_limit_side_len,
                 det_limit_type=args.det_limit_type, det_box_type=args.det_box_type, rec_image_shape=shape, drop_score=args.drop_score)


def _choose_device(use_gpu: bool | None) -> None:
    """PaddleOCR's `--use_gpu`: the GPU when asked for (or by default) and Paddle sees one, else the CPU.

    `--use_gpu true` on a machine without a usable GPU says so and carries on on the CPU."""
    from ..settings import device

    if use_gpu is None:
        use_gpu = device() == "gpu"
    if use_gpu and device() != "gpu":
        log.warning("--use_gpu true, but this Paddle sees no GPU (CPU build or no device): running on the CPU")
    if not use_gpu or device() != "gpu":
        import paddle

        paddle.set_device("cpu")


def run(args) -> int:
    _choose_device(args.use_gpu)
    if not (args.det or args.rec or args.use_angle_cls):
        raise ConfigError("nothing to do: --det false and --rec false need --use_angle_cls")
    images = list_images(args.image_dir)
    system = build_system(args)
    entries = []
    for path in images:
        results = system.ocr(str(path), det=args.det, cls=args.use_angle_cls, rec=args.rec)
        entries.append({"image": str(path), "results": results})
        timing = ", ".join(f"{k} {v:.3f}s" for k, v in system.timings.items())
        print(f"{path}: {len(results)} results ({timing})")
        for r in results:
            shown = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
            print("   ", json.dumps(shown, ensure_ascii=False))
        if args.vis_dir and args.det:
            _save_picture(path, results, Path(args.vis_dir))
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {out}")
    return 0


def _save_picture(path: Path, results: list[dict], vis_dir: Path) -> None:
    import cv2

    from ..viz import draw_ocr

    vis_dir.mkdir(parents=True, exist_ok=True)
    picture = draw_ocr(str(path), results)
    target = vis_dir / (path.stem + ".jpg")
    cv2.imwrite(str(target), picture[:, :, ::-1])
    print(f"    picture: {target}")
