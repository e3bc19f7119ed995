"""`ocrcourse weights [--prepare]`: show (or first prepare) the cached official PP-OCR weights.

Without options it lists every file in `<OCRCOURSE_HOME>/weights` with its size and sha256;
`--prepare` (what `make weights` runs) first fetches the pinned wheels if needed (RapidOCR
1.2.13 for PP-OCRv3, 1.4.4 for PP-OCRv4) and converts the official models, printing what each conversion loaded and what the inference graphs
do not contain.
"""
from __future__ import annotations

HELP = "list the cached official weights with sha256; --prepare fetches and converts them"


def add_arguments(parser) -> None:
    parser.add_argument("--prepare", action="store_true",
                        help="fetch rapidocr_onnxruntime==1.2.13 and ==1.4.4 from PyPI if needed and "
                             "convert PP-OCRv3 and PP-OCRv4 det and rec and the v2.0 direction classifier")


def run(args) -> int:
    from ocrcourse import weights

    if args.prepare:
        for name, entry in weights.prepare_all().items():
            report = weights.ConversionReport(**entry["report"])
            print(f"{name}: {report.summary()}")
        print(f"dictionary: {weights.official_dict_path()}")
    rows = weights.list_cached()
    print(f"cache: {weights.cache_dir()}")
    if not rows:
        print("  (empty) run `ocrcourse weights --prepare` (or `make weights`) to fetch the official weights")
        return 0
    for row in rows:
        flag = "" if row["status"] == "ok" else f"  [{row['status']}]"
        print(f"  {row['sha256']}  {row['bytes']:>10,d}  {row['file']}{flag}")
    return 0
