"""python tools/infer/predict_system.py --image_dir IMG_OR_DIR --det_model_dir D --rec_model_dir R
[--use_angle_cls true --cls_model_dir C] [--rec_char_dict_path DICT] ...: PaddleOCR's
tools/infer/predict_system.py on exported inference models (`ocrcourse export` / tools/export_model.py).

Takes PaddleOCR's flag names and defaults (booleans as `true` / `false`, `--rec_image_shape "3, 48, 320"`)
and writes `{draw_img_save_dir}/system_results.txt` with PaddleOCR's line format
`file<TAB>[{"transcription": ..., "points": ...}, ...]`. A thin shim over `ocrcourse.pipeline.PPOCR`;
it is a script, so it puts the repository root on sys.path.
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ocrcourse.commands._flags import add_bool_flag  # noqa: E402


def _shape(text: str) -> tuple:
    return tuple(int(v) for v in str(text).replace(" ", "").split(","))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--image_dir", required=True)
    p.add_argument("--det_model_dir", required=True)
    p.add_argument("--rec_model_dir", required=True)
    p.add_argument("--cls_model_dir", default=None)
    add_bool_flag(p, "--use_angle_cls", False)
    p.add_argument("--rec_char_dict_path", default="ppocr/utils/ppocr_keys_v1.txt")
    add_bool_flag(p, "--use_space_char", True)
    p.add_argument("--det_limit_side_len", type=int, default=960)
    p.add_argument("--det_limit_type", default="max")
    p.add_argument("--det_db_thresh", type=float, default=0.3)
    p.add_argument("--det_db_box_thresh", type=float, default=0.6)
    p.add_argument("--det_db_unclip_ratio", type=float, default=1.5)
    add_bool_flag(p, "--use_dilation", False)
    p.add_argument("--det_db_score_mode", default="fast")
    p.add_argument("--rec_image_shape", type=_shape, default=(3, 48, 320))
    p.add_argument("--rec_batch_num", type=int, default=6)
    p.add_argument("--cls_image_shape", type=_shape, default=(3, 48, 192))
    p.add_argument("--cls_batch_num", type=int, default=6)
    p.add_argument("--cls_thresh", type=float, default=0.9)
    p.add_argument("--label_list", nargs="+", default=["0", "180"])
    p.add_argument("--drop_score", type=float, default=0.5)
    p.add_argument("--draw_img_save_dir", default="./inference_results")
    # accepted for PaddleOCR compatibility, unused (CPU-only course, Paddle Inference defaults):
    for flag in ("--use_gpu", "--use_mp", "--enable_mkldnn", "--use_tensorrt", "--show_log", "--save_crop_res"):
        add_bool_flag(p, flag, False)
    for flag in ("--det_algorithm", "--rec_algorithm", "--cpu_threads", "--total_process_num", "--process_id",
                 "--precision", "--gpu_mem", "--vis_font_path"):
        p.add_argument(flag, default=None)
    return p


def main(argv=None) -> int:
    from ocrcourse.pipeline import PPOCR
    from ocrcourse.pipeline.image_io import read_image
    from ocrcourse.train.infer import list_images

    args = build_parser().parse_args(argv)
    system = PPOCR(det_model=args.det_model_dir, rec_model=args.rec_model_dir,
                   cls_model=args.cls_model_dir if args.use_angle_cls else None,
                   character_dict_path=args.rec_char_dict_path, use_space_char=args.use_space_char,
                   det_limit_side_len=args.det_limit_side_len, det_limit_type=args.det_limit_type,
                   det_db_thresh=args.det_db_thresh, det_db_box_thresh=args.det_db_box_thresh,
                   det_db_unclip_ratio=args.det_db_unclip_ratio, use_dilation=args.use_dilation,
                   det_db_score_mode=args.det_db_score_mode, rec_image_shape=args.rec_image_shape,
                   rec_batch_num=args.rec_batch_num, cls_image_shape=args.cls_image_shape,
                   cls_batch_num=args.cls_batch_num, cls_thresh=args.cls_thresh,
                   label_list=tuple(args.label_list), drop_score=args.drop_score)
    out_dir = Path(args.draw_img_save_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in list_images(args.image_dir):
        result = system.ocr(read_image(str(path)), cls=args.use_angle_cls)
        items = [{"transcription": r["text"], "points": [[int(x), int(y)] for x, y in r["points"]]} for r in result]
        lines.append(f"{path.name}\t{json.dumps(items, ensure_ascii=False)}\n")
        print(path.name, *(f"{r['text']} ({r['score']:.3f})" for r in result), sep="\n  ")
    with open(out_dir / "system_results.txt", "w", encoding="utf-8") as f:
        f.writelines(lines)
    print(f"results written to {out_dir / 'system_results.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
