"""`import ocrcourse` before Paddle keeps zlib working under Paddle 2.6 (see ocrcourse/_zlib_first.py)."""
import subprocess
import sys

CODE = """
import ocrcourse, paddle, zlib, io
import numpy as np
from PIL import Image
assert zlib.decompress(zlib.compress(b"abc" * 100)) == b"abc" * 100
buffer = io.BytesIO()
Image.fromarray(np.zeros((4, 4), np.uint8)).save(buffer, "PNG")
buffer.seek(0)
assert np.asarray(Image.open(buffer)).shape == (4, 4)
print("zlib ok with paddle", paddle.__version__)
"""


def test_zlib_and_png_work_after_paddle_in_a_fresh_interpreter():
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "zlib ok with paddle" in done.stdout
