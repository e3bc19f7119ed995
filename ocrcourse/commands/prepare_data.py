"""`ocrcourse prepare-data`: build the course's synthetic datasets (what `make data` runs).

Writes `<root>/synth_tiny/` (for CI smoke tests) and `<root>/synth/` (the course dataset):
det scenes, rec lines, cls crops and `dict.txt`, in PaddleOCR's label formats. `<root>` is
`./train_data` unless `--root` or `OCRCOURSE_DATA` says otherwise. Idempotent: a dataset whose
stamp matches (generator version, seed, sizes) is left alone; `--force` rebuilds it.
"""
from __future__ import annotations

import time

HELP = "generate the synthetic det/rec/cls datasets under ./train_data (idempotent)"


def add_arguments(parser) -> None:
    parser.add_argument("--root", default=None,
                        help="data root (default: $OCRCOURSE_DATA or ./train_data)")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--tiny-only", action="store_true", help="build only the tiny CI subset")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--full", action="store_true",
                        help="also build <root>/synth_full/det: 1000/500 scenes, full mode's det data "
                             "when ICDAR2015 is absent (data/full_data.py; `make data FULL=1`)")


def run(args) -> int:
    from ocrcourse.data.synth import default_data_root, prepare_course_data

    root = args.root or default_data_root()
    t0 = time.perf_counter()
    reports = prepare_course_data(root, force=args.force, tiny_only=args.tiny_only, seed=args.seed,
                                  progress=lambda msg: print(msg, flush=True))
    if args.full:
        from ocrcourse.data.full_data import build_full_synthetic

        reports.append(build_full_synthetic(root, force=args.force, progress=lambda msg: print(msg, flush=True)))
    built = [r for r in reports if not r["skipped"]]
    if built:
        print(f"prepare-data: built {', '.join(r['out_dir'] for r in built)} "
              f"in {time.perf_counter() - t0:.1f} s")
    else:
        print(f"prepare-data: everything under {root} is up to date (use --force to rebuild)")
    return 0
