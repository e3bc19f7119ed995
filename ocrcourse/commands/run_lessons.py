"""`ocrcourse run-lessons`: execute every lesson headlessly and print a summary table."""
from __future__ import annotations

HELP = "run the lesson notebooks headlessly (quick mode) into build/lessons with a summary"


def add_arguments(parser) -> None:
    parser.add_argument("folder", nargs="?", default="lessons")
    parser.add_argument("--out", default="build/lessons", help="where executed .ipynb and .html go")
    parser.add_argument("--pattern", default="[0-9][0-9]_*.ipynb", help="which notebooks (glob)")
    parser.add_argument("--kernel", default="ocrcourse", help="Jupyter kernel name")
    parser.add_argument("--site", default=None, metavar="DIR",
                        help="also write the static offline course site there (index + one page per lesson)")
    parser.add_argument("--store", action="store_true",
                        help="write outputs back into the source notebooks (regenerates what nbval checks)")


def run(args) -> int:
    from ocrcourse.lessons_runner import format_summary, run_lessons

    results = run_lessons(args.folder, args.out, args.pattern, args.kernel, store=args.store)
    if not results:
        print(f"no notebooks matching {args.pattern} in {args.folder}")
        return 1
    print(format_summary(results))
    if args.site:
        from ocrcourse.course_site import build_site

        print(f"course site (opens offline): {build_site(args.out, args.site)}")
    return 0 if all(r.status == "ok" for r in results) else 1
