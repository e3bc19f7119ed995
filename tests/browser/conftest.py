"""The real-browser test is opt-in: it needs Debian's chromium and takes a few minutes.

Run it with `make browser-test` (sets OCRCOURSE_BROWSER_TEST=1), or
`OCRCOURSE_BROWSER_TEST=1 .venv/bin/python -m pytest tests/browser -q`.
Chromium: `apt-get install -y chromium fonts-noto-cjk` (Playwright drives it; no browser download).
"""
import os

import pytest


def pytest_collection_modifyitems(config, items):
    if os.environ.get("OCRCOURSE_BROWSER_TEST", "") in ("", "0"):
        skip = pytest.mark.skip(reason="browser test: set OCRCOURSE_BROWSER_TEST=1 (make browser-test)")
        for item in items:
            if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def shots():
    """build/browser/: screenshots and the JupyterLab log, for people to look at."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "build" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium (Playwright drives it; no browser download)."""
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium fonts-noto-cjk")
    return path
