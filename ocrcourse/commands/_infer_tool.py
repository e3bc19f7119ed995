"""The body shared by tools/infer_det.py and tools/infer_rec.py (PaddleOCR's flags: -c CONFIG -o k=v):
run the config's model on `Global.infer_img`, write the results to `Global.save_res_path`, print them."""
from __future__ import annotations

import argparse

from ._config_args import add_config_arguments, config_from_args, log_to_stdout


def run_infer_tool(argv, description: str, default_out: str | None) -> int:
    """`default_out`: where results go when `Global.save_res_path` is unset (None: print only)."""
    from ocrcourse.train.infer import infer_images, list_images, write_results

    parser = argparse.ArgumentParser(description=description)
    add_config_arguments(parser)
    args = parser.parse_args(argv)
    log_to_stdout()
    cfg = config_from_args(args)
    results = infer_images(cfg, list_images(cfg["Global"]["infer_img"]))
    out = cfg["Global"].get("save_res_path") or default_out
    if out:
        print(f"results written to {write_results(results, out)}")
    for r in results:
        print(r["file"], {k: v for k, v in r.items() if k != "file"}, sep="\t")
    return 0
