"""`ocrcourse grade PATH [--heldout]`: score exercise notebooks (instructors add held-out checks)."""
from __future__ import annotations

from pathlib import Path

HELP = "score exercise notebooks; --heldout adds the instructors' held-out checks"
DEFAULT_HELDOUT = Path("instructor") / "heldout.py"


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", help="exercise notebooks or folders containing them")
    parser.add_argument("--heldout", nargs="?", const=str(DEFAULT_HELDOUT), default=None,
                        help=f"file defining HELDOUT checks (default {DEFAULT_HELDOUT}, from the repository root)")
    parser.add_argument("--min-score", type=float, default=None, help="exit 1 if any notebook scores below this")


def _notebooks(paths):
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in x.parts)
        else:
            yield p


def run(args) -> int:
    from ocrcourse.errors import ConfigError
    from ocrcourse.grading import grade, load_heldout

    heldout = None
    if args.heldout:
        if not Path(args.heldout).is_file():
            raise ConfigError(f"held-out checks not found at {args.heldout} (run from the repository root, "
                              "or pass --heldout PATH)")
        heldout = load_heldout(args.heldout)
    worst = 1.0
    for nb in _notebooks(args.paths):
        print(f"== {nb}")
        worst = min(worst, grade(nb, heldout=heldout)["score"])
    return 1 if args.min_score is not None and worst < args.min_score else 0
