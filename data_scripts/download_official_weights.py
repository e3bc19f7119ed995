"""Fetch and convert the official PP-OCR weights (PP-OCRv3 det, PP-OCRv3 rec, v2.0 cls).

The course takes them from one pinned PyPI wheel (rapidocr_onnxruntime, which repackages the
official models as ONNX) and converts them to Paddle `.pdparams`; `make weights` does the same as

    python data_scripts/download_official_weights.py

It first checks (3 s timeout) that the package index is reachable and fails at once with the
way out if it is not: on a machine that is online, run
`pip download --no-deps rapidocr_onnxruntime==1.2.13`, carry the wheel over, and run

    python data_scripts/download_official_weights.py --wheel rapidocr_onnxruntime-1.2.13-py3-none-any.whl

which copies it into the cache (`$OCRCOURSE_HOME/weights/wheels`) and converts offline.
Logic: `ocrcourse.weights` (see `ocrcourse weights --help`).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse


def _index_host() -> tuple[str, int]:
    url = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple")
    parsed = urlparse(url)
    return parsed.hostname or "pypi.org", parsed.port or (443 if parsed.scheme == "https" else 80)


def _reachable(host_port, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection(host_port, timeout=timeout):
            return True
    except OSError:
        return False


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wheel", default=None, help="a rapidocr_onnxruntime wheel downloaded elsewhere")
    a = p.parse_args(argv)
    from ocrcourse import weights
    from ocrcourse.cli import report_errors
    from ocrcourse.weights import cache

    wheel_dir = cache.cache_dir() / "wheels"
    if a.wheel:
        src = Path(a.wheel).expanduser()
        if src.name != cache.WHEEL_FILE or not src.is_file():
            print(f"error: expected an existing file named {cache.WHEEL_FILE}, got {src}", file=sys.stderr)
            return 1
        wheel_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, wheel_dir / cache.WHEEL_FILE)
    elif not (wheel_dir / cache.WHEEL_FILE).is_file() and not _reachable(_index_host()):
        host = _index_host()[0]
        print(f"error: offline ({host} cannot be reached within 3 s) and no cached wheel in {wheel_dir}.\n"
              f"On a machine with internet: pip download --no-deps "
              f"{cache.WHEEL_PACKAGE}=={cache.WHEEL_VERSION}\n"
              f"then here: python data_scripts/download_official_weights.py --wheel {cache.WHEEL_FILE}",
              file=sys.stderr)
        return 1
    def prepare() -> None:
        for name, entry in weights.prepare_all().items():
            print(f"{name}: {sorted(entry)}")
        print(f"dictionary: {weights.official_dict_path()}")

    return report_errors(prepare)


if __name__ == "__main__":
    sys.exit(main())
