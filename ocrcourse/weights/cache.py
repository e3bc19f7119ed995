"""The local cache of official weights: pinned PyPI wheels in, checked files out.

PaddleOCR publishes its official models on its own servers; RapidOCR repackages them as ONNX
files inside ordinary PyPI wheels: 1.2.13 carries the PP-OCRv3 detector and recogniser, 1.4.4
the PP-OCRv4 ones (both with the v2.0 direction classifier). A wheel is a zip file, so the
course gets official weights with nothing but `pip download` and `zipfile`, from the one place
every Python set-up can already reach. `WHEELS` pins each wheel's version and sha256.

Layout under `ocrcourse.settings.home()` (`OCRCOURSE_HOME`, default `~/.cache/ocrcourse`):

    weights/wheels/rapidocr_onnxruntime-1.2.13-py3-none-any.whl   the downloads (or your copies)
    weights/wheels/rapidocr_onnxruntime-1.4.4-py3-none-any.whl
    weights/onnx/<model>.onnx                                       extracted from the wheel
    weights/<name>.pdparams, weights/ppocr_keys_v1.txt              converted (see official.py)
    weights/manifest.json                                           sha256 of everything above

Every file is checked against a pinned sha256, written atomically (temporary file, then
rename) and, while preparing, guarded by a lock file, so parallel notebooks or test runs
sharing one cache do not trip over each other.
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .. import settings
from ..atomic import atomic_write, sha256_of
from ..errors import WeightsError

__all__ = ["WHEELS", "WHEEL_PACKAGE", "WHEEL_VERSION", "WHEEL_FILE", "WHEEL_SHA256", "wheel_file", "cache_dir",
           "sha256_of",
           "download_wheel", "ensure_wheel", "extract_member", "read_manifest", "update_manifest",
           "atomic_write", "cache_lock"]

WHEEL_PACKAGE = "rapidocr_onnxruntime"
# version -> sha256 of the wheel file on PyPI (what `pip download --no-deps` fetches)
WHEELS = {
    "1.2.13": "5a88f030a768072f43ceb63992ca683c6d63a39cf7d19987ea261b9d5ba941f2",   # PP-OCRv3 det + rec
    "1.4.4": "971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf",    # PP-OCRv4 det + rec
}
# the PP-OCRv3 wheel, the course's default system (names kept for scripts that use them)
WHEEL_VERSION = "1.2.13"
WHEEL_FILE = f"{WHEEL_PACKAGE}-{WHEEL_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = WHEELS[WHEEL_VERSION]


def wheel_file(version: str = WHEEL_VERSION) -> str:
    """File name of the pinned wheel `version` (`rapidocr_onnxruntime-1.4.4-py3-none-any.whl`)."""
    if version not in WHEELS:
        raise WeightsError(f"no pinned {WHEEL_PACKAGE} wheel {version!r}; pinned: {sorted(WHEELS)}")
    return f"{WHEEL_PACKAGE}-{version}-py3-none-any.whl"


def cache_dir() -> Path:
    """Folder of the official-weights cache: `<OCRCOURSE_HOME>/weights`."""
    return Path(settings.home()) / "weights"


@contextlib.contextmanager
def cache_lock():
    """Hold `weights/.lock` while preparing (a no-op where `fcntl` does not exist)."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:          # Windows: no lock; atomic writes still keep files whole
        yield
        return
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def download_wheel(dest: Path, version: str = WHEEL_VERSION) -> Path:
    """`python -m pip download --no-deps rapidocr_onnxruntime==<version> -d dest`; the wheel's path."""
    name = wheel_file(version)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
           f"{WHEEL_PACKAGE}=={version}", "-d", str(dest)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise WeightsError(_offline_message(dest, f"`{' '.join(cmd)}` could not run: {e}", version)) from e
    wheel = dest / name
    if done.returncode != 0 or not wheel.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise WeightsError(_offline_message(dest, f"`pip download` failed (exit {done.returncode}): "
                                                  + " / ".join(tail), version))
    return wheel


def _offline_message(wheels: Path, what: str, version: str = WHEEL_VERSION) -> str:
    return (f"cannot get the official PP-OCR weights: {what}. They come from the PyPI wheel "
            f"{WHEEL_PACKAGE}=={version}. Either run `make weights` (or `ocrcourse weights "
            f"--prepare`) on a machine with access to PyPI, or download {wheel_file(version)} elsewhere "
            f"(`pip download --no-deps {WHEEL_PACKAGE}=={version}`) and copy it into {wheels}/")


def ensure_wheel(version: str = WHEEL_VERSION) -> Path:
    """The cached wheel `version`, downloaded if missing; its sha256 must equal the pinned one."""
    expected = WHEELS.get(version)
    wheels = cache_dir() / "wheels"
    wheel = wheels / wheel_file(version)
    if not wheel.is_file():
        wheels.mkdir(parents=True, exist_ok=True)
        wheel = download_wheel(wheels, version)   # looked up at call time, so a test can replace it
    digest = sha256_of(wheel)
    if digest != expected:
        raise WeightsError(f"{wheel} has sha256 {digest}, expected {expected} (incomplete download or "
                           "another build); delete it and run `ocrcourse weights --prepare` again")
    return wheel


def extract_member(wheel: Path, member: str, out: Path, sha256: str) -> Path:
    """Extract one file of the wheel to `out` (unless already there and intact)."""
    if out.is_file() and sha256_of(out) == sha256:
        return out

    def write(tmp):
        try:
            with zipfile.ZipFile(wheel) as zf, zf.open(member) as src, open(tmp, "wb") as dst:
                for block in iter(lambda: src.read(1 << 20), b""):
                    dst.write(block)
        except (zipfile.BadZipFile, KeyError) as e:
            raise WeightsError(f"{wheel}: cannot extract {member} ({e}); delete the wheel and run "
                               "`ocrcourse weights --prepare` again") from e
        if sha256_of(tmp) != sha256:
            raise WeightsError(f"{member} in {wheel} has an unexpected sha256; delete the wheel and "
                               "run `ocrcourse weights --prepare` again")

    atomic_write(out, write)
    return out


def read_manifest() -> dict:
    """`weights/manifest.json` as a dict (empty when nothing was prepared yet)."""
    path = cache_dir() / "manifest.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}        # a damaged manifest is rebuilt by the next preparation


def update_manifest(section: str, key: str, entry: dict) -> dict:
    """Set `manifest[section][key] = entry` and write the manifest back atomically."""
    manifest = read_manifest()
    manifest.setdefault(section, {})[key] = entry
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
    atomic_write(cache_dir() / "manifest.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return manifest
