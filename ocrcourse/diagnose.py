"""`ocrcourse doctor`: check what breaks a learner's first hour, and print the exact fix.

Each check is a small function returning a `Check` (name, ok, detail, fix). `doctor()` runs
them all, prints a table and returns the list, so lesson 00 can show it and a test can read it.
Checks never raise: a broken import is itself a finding.
"""
from __future__ import annotations

import importlib
import importlib.metadata as md
import os
import sys
import tempfile
from dataclasses import dataclass

__all__ = ["Check", "doctor", "run_checks", "format_checks", "on_ai_studio"]


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _dist_version(name: str) -> str | None:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None


def check_python() -> Check:
    v = sys.version_info
    ok = (3, 9) <= (v.major, v.minor) <= (3, 12)
    return Check("Python", ok, f"{v.major}.{v.minor}.{v.micro} at {sys.executable}",
                 "" if ok else "use Python 3.9-3.12 (e.g. `conda env create -f environment.yml`, which uses 3.10)")


def check_paddle() -> Check:
    impostor = _dist_version("paddle")
    if impostor is not None:
        return Check("PaddlePaddle", False,
                     f"the unrelated PyPI package 'paddle' {impostor} is installed and shadows PaddlePaddle",
                     "pip uninstall -y paddle && pip install --force-reinstall 'paddlepaddle>=2.6'")
    try:
        paddle = importlib.import_module("paddle")
    except Exception as e:  # noqa: BLE001 - any import failure is the finding
        return Check("PaddlePaddle", False, f"import failed: {type(e).__name__}: {e}",
                     "pip install 'paddlepaddle>=2.6' (CPU) or paddlepaddle-gpu (GPU; see README)")
    version = getattr(paddle, "__version__", "?")
    if not hasattr(paddle, "to_tensor"):
        return Check("PaddlePaddle", False, f"'paddle' at {getattr(paddle, '__file__', '?')} is not PaddlePaddle",
                     "pip uninstall -y paddle && pip install --force-reinstall 'paddlepaddle>=2.6'")
    major_minor = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    build = "GPU (CUDA)" if paddle.device.is_compiled_with_cuda() else "CPU"
    ok = major_minor >= (2, 6) or version.startswith("0.0.0")  # 0.0.0 = a develop build
    return Check("PaddlePaddle", ok, f"{version}, {build} build",
                 "" if ok else "pip install -U 'paddlepaddle>=2.6'")


def check_cuda() -> Check:
    try:
        import paddle

        if not paddle.device.is_compiled_with_cuda():
            return Check("GPU", True, "CPU build: the course runs in quick mode on the CPU")
        n = paddle.device.cuda.device_count()
        if n == 0:
            return Check("GPU", False, "GPU build of Paddle, but no CUDA device is visible",
                         "check `nvidia-smi` and CUDA_VISIBLE_DEVICES; on a CPU machine install the CPU wheel")
        return Check("GPU", True, f"{n} CUDA device(s) visible")
    except Exception as e:  # noqa: BLE001
        return Check("GPU", False, f"could not query CUDA: {e}", "reinstall paddlepaddle-gpu matching your CUDA")


def check_numpy_opencv() -> Check:
    try:
        import cv2
        import numpy as np

        img = np.zeros((8, 8, 3), np.uint8)
        ok, buf = cv2.imencode(".png", img)
        assert ok and cv2.imdecode(buf, cv2.IMREAD_COLOR).shape == (8, 8, 3)
        extra = [d for d in ("opencv-python", "opencv-contrib-python") if _dist_version(d)]
        detail = f"numpy {np.__version__}, OpenCV {cv2.__version__}"
        if extra:
            return Check("NumPy / OpenCV", True, detail + f"; note: {', '.join(extra)} also installed",
                         "two OpenCV builds can conflict; keep only opencv-python-headless if imports break")
        return Check("NumPy / OpenCV", True, detail)
    except Exception as e:  # noqa: BLE001
        return Check("NumPy / OpenCV", False, f"{type(e).__name__}: {e}",
                     "pip install --force-reinstall opencv-python-headless 'numpy<3' "
                     "(a NumPy ABI error means a package was built for another NumPy)")


def check_cjk_font() -> Check:
    try:
        from .viz.fonts import cjk_font_path, font_covers

        path = cjk_font_path()
        ok = font_covers("文本检测识别", path)
        return Check("CJK font", ok, os.path.basename(path),
                     "" if ok else "pip install -U mplfonts")
    except Exception as e:  # noqa: BLE001
        return Check("CJK font", False, f"{type(e).__name__}: {e}", "pip install -U mplfonts")


def check_widgets() -> Check:
    widgets = _dist_version("ipywidgets")
    frontend = _dist_version("jupyterlab_widgets") or _dist_version("widgetsnbextension")
    if widgets and frontend:
        return Check("ipywidgets", True, f"ipywidgets {widgets}, front-end {frontend}")
    return Check("ipywidgets", False, f"ipywidgets {widgets or 'missing'}, front-end {frontend or 'missing'}",
                 "pip install -U ipywidgets jupyterlab_widgets, then restart JupyterLab "
                 "(lessons fall back to static figures without it)")


def check_cache_writable() -> Check:
    from .settings import home

    root = home()
    try:
        os.makedirs(root, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root):
            pass
        return Check("Cache folder", True, f"{root} is writable")
    except OSError as e:
        return Check("Cache folder", False, f"{root}: {e}",
                     "set OCRCOURSE_HOME to a writable folder (e.g. export OCRCOURSE_HOME=$HOME/ocrcourse_cache)")


def on_ai_studio() -> bool:
    """Baidu AI Studio notebooks run as user `aistudio` with their work folder in /home/aistudio."""
    return os.path.isdir("/home/aistudio") or "AISTUDIO" in " ".join(os.environ)


def check_ai_studio() -> Check:
    if not on_ai_studio():
        return Check("AI Studio", True, "not on AI Studio")
    persistent = "/home/aistudio/external-libraries"
    ok = persistent in sys.path
    return Check("AI Studio", ok, "running on AI Studio" + ("" if ok else "; installs outside /home/aistudio are lost"),
                 "" if ok else f"from the course folder: pip install --upgrade --target {persistent} .  "
                               f"(not -e: a sys.path folder never reads an editable install's .pth file), "
                               f"then start each notebook with `import sys; sys.path.append(\"{persistent}\")`")


CHECKS = (check_python, check_paddle, check_cuda, check_numpy_opencv, check_cjk_font, check_widgets,
          check_cache_writable, check_ai_studio)


def run_checks() -> list[Check]:
    return [check() for check in CHECKS]


def format_checks(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    rows = []
    for c in checks:
        rows.append(f"{'OK ' if c.ok else 'FIX'}  {c.name:<{width}}  {c.detail}")
        if not c.ok and c.fix:
            rows.append(f"     {'':<{width}}  -> {c.fix}")
    return "\n".join(rows)


def doctor(verbose: bool = True) -> list[Check]:
    """Run every check; print a table (OK / FIX with the exact fix) and return the checks."""
    checks = run_checks()
    if verbose:
        print(format_checks(checks))
    return checks
