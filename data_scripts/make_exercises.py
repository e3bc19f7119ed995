#!/usr/bin/env python
"""Generate the learner notebooks of exercises/ from their instructor sources (*.src.ipynb).

The sources (with solutions) live in instructor/exercises/NN_topic/, outside the learner's folder.

    python data_scripts/make_exercises.py            # write exercises/*/NN_topic.ipynb
    python data_scripts/make_exercises.py --check    # CI: fail if a template is out of date
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from ocrcourse.grading.templates import make_template, template_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    repo = Path(__file__).resolve().parents[1]
    parser.add_argument("--root", default=str(repo / "instructor" / "exercises"), help="instructor sources")
    parser.add_argument("--out", default=str(repo / "exercises"), help="learner notebooks")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if a template differs")
    args = parser.parse_args(argv)
    sources = sorted(Path(args.root).glob("*/*.src.ipynb"))
    if not sources:
        print(f"no *.src.ipynb under {args.root}", file=sys.stderr)
        return 1
    stale = []
    for src in sources:
        wanted = nbformat.writes(make_template(nbformat.read(src, as_version=4))) + "\n"
        target = template_path(src, Path(args.out))
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != wanted:
                stale.append(target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(wanted, encoding="utf-8")
            print(f"wrote {target}")
    if stale:
        print("out of date (run python data_scripts/make_exercises.py):", *map(str, stale), sep="\n  ", file=sys.stderr)
        return 1
    if args.check:
        print(f"{len(sources)} exercise templates up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
