"""The course as a learner sees it: JupyterLab in a real browser, Run All, look at the outputs.

Starts `jupyter lab` on 127.0.0.1 over lessons/ (autosave off, so the committed notebooks are not
touched) in a hostile environment -- MPLBACKEND=Agg and OMP_NUM_THREADS=2, which hid every figure
and put Paddle's OMP notice at the top of each lesson (issue #16) -- and drives Debian's chromium
with Playwright (no browser download). For each lesson it asserts:

- the kernel "Python (ocrcourse)" starts without a kernel-choice dialog;
- Run All finishes with no error and no stderr output (the red boxes a learner reads as errors);
- at least as many pictures render as the committed copy holds, and each one decodes;
- an explorer's figure changes when a slider moves (image bytes differ after a key press);
- Chinese text in the page is drawn with a CJK font, not tofu boxes.

Screenshots go to build/browser/ for people to look at. Run: `make browser-test`.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from ocrcourse.lessons_runner import count_images

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 240          # per lesson; Run All takes 8-12 s on an idle 2-core machine
# lesson -> does it hold a live explorer (sliders wired to a figure)?
LESSONS = {"00_welcome": False, "04_db_head_and_labels": True, "05_lr_and_regularization": True}

# Lab settings for the test only: no autosave (the lessons stay as committed), every cell in the DOM.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, shots):
    tmp = tmp_path_factory.mktemp("lab")
    for name, value in LAB_SETTINGS.items():
        target = tmp / "settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    port, token = _free_port(), uuid.uuid4().hex
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
           "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "2", "OCRCOURSE_MODE": "quick"}
    env.pop("OCRCOURSE_HEADLESS", None)           # the explorers must be live widgets
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT / 'lessons'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(shots / "jupyter-lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"jupyter lab did not start; see {shots / 'jupyter-lab.log'}")
            time.sleep(0.5)
    yield url, token
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield b
        b.close()


def _wait_idle_kernel(page) -> None:
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)


def _wait_kernel(page) -> str:
    """The kernel name the notebook toolbar shows, once a kernel (or a kernel dialog) is there."""
    page.wait_for_function("() => document.querySelector('.jp-Dialog') || [...document.querySelectorAll("
                           "'.jp-KernelName')].some(k => k.textContent.trim() && k.textContent !== 'No Kernel')",
                           timeout=60_000, polling=250)
    assert page.locator(".jp-Dialog").count() == 0, "a dialog asked for a kernel"
    _wait_idle_kernel(page)
    return page.locator(".jp-KernelName").first.inner_text()


def _run_all(page) -> None:
    """Run > Run All Cells, then wait until every code cell has run or one has failed."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            const failed = document.querySelector(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']");
            const busy = prompts.some(p => p.textContent.includes('*'));
            return prompts.length > 0 && !busy && (failed || prompts.every(p => /\\[\\d+\\]/.test(p.textContent)));
        }""", timeout=RUN_TIMEOUT_S * 1000, polling=500)
    _wait_idle_kernel(page)


def _shut_down_kernels(url: str, token: str) -> None:
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/sessions", headers=headers)) as r:
        sessions = json.load(r)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(f"{url}/api/sessions/{session['id']}", method="DELETE",
                                                      headers=headers))


def _is_tofu(page, text: str) -> bool:
    """True if `text`'s first character draws like a character no font has (U+10FFFD): a tofu box."""
    return page.evaluate(
        """(ch) => {
            const el = document.querySelector('.jp-OutputArea-output pre') || document.body;
            const family = getComputedStyle(el).fontFamily;
            const c = document.createElement('canvas'); c.width = 48; c.height = 48;
            const g = c.getContext('2d');
            const draw = (s) => { g.clearRect(0, 0, 48, 48); g.font = `32px ${family}`;
                                  g.fillText(s, 4, 38); return c.toDataURL(); };
            return draw(ch) === draw(String.fromCodePoint(0x10FFFD));
        }""", text[0])


def _move_slider(page, output) -> bool:
    """Click the explorer's first slider handle and press End (its maximum); True once the
    picture's bytes change."""
    before = output.locator("img").first.get_attribute("src")
    handle = output.locator(".widget-slider .noUi-handle").first
    handle.click()
    page.keyboard.press("End")
    try:
        page.wait_for_function("([el, src]) => { const img = el.querySelector('img'); "
                               "return img && img.complete && img.getAttribute('src') !== src; }",
                               arg=[output.element_handle(), before], timeout=30_000)
    except Exception:
        return False
    return output.locator("img").first.get_attribute("src") != before


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_lesson_as_a_learner_sees_it(lab, browser, shots, lesson):
    url, token = lab
    expected = count_images(nbformat.read(ROOT / "lessons" / f"{lesson}.ipynb", as_version=4))
    page = browser.new_page(viewport={"width": 1366, "height": 850})
    try:
        page.goto(f"{url}/lab/tree/{lesson}.ipynb?reset&token={token}")   # reset: only this notebook open
        kernel = _wait_kernel(page)
        assert "ocrcourse" in kernel, f"kernel {kernel!r}, not 'Python (ocrcourse)'"
        start = time.perf_counter()
        _run_all(page)
        seconds = time.perf_counter() - start
        page.screenshot(path=str(shots / f"{lesson}.png"))

        red = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [red.nth(i).inner_text()[:300] for i in range(red.count())]
        assert not texts, f"{lesson}: {len(texts)} error/stderr outputs: {texts}"

        images = page.locator(".jp-OutputArea-output img")
        for i in range(images.count()):            # for people to look at; not an assertion
            try:
                images.nth(i).screenshot(path=str(shots / f"{lesson}-fig{i:02d}.png"), timeout=5_000)
            except Exception as e:
                print(f"{lesson}: no screenshot of picture {i}: {type(e).__name__}")
        decoded = page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output img')]"
                                ".filter(im => im.complete && im.naturalWidth > 0).length")
        assert decoded >= expected >= 1, f"{lesson}: {decoded} pictures render, the committed copy holds {expected}"

        if LESSONS[lesson]:
            explorer = page.locator(".jp-OutputArea-output:has(.widget-interact)").first
            explorer.scroll_into_view_if_needed()
            explorer.screenshot(path=str(shots / f"{lesson}-explorer-before.png"))
            assert _move_slider(page, explorer), f"{lesson}: the explorer's figure did not change"
            explorer.screenshot(path=str(shots / f"{lesson}-explorer-after.png"))

        cjk = page.evaluate("() => (document.querySelector('.jp-Notebook').innerText.match(/[\\u4e00-\\u9fff]/) "
                            "|| ['识'])[0]")
        assert not _is_tofu(page, cjk), f"{lesson}: {cjk!r} draws as a tofu box (install fonts-noto-cjk)"
        print(f"{lesson}: Run All in {seconds:.1f} s, {decoded} pictures (committed {expected})")
    except Exception:
        page.screenshot(path=str(shots / f"{lesson}-failed.png"))
        raise
    finally:
        page.close()
        _shut_down_kernels(url, token)           # two cores: one lesson's kernel at a time
