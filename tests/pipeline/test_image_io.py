"""Every input form PPOCR accepts becomes BGR uint8; bad inputs raise DataError naming the problem."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from ocrcourse.errors import DataError
from ocrcourse.pipeline.image_io import read_image


def test_gray_and_single_channel():
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    for arr in (gray, gray[:, :, None]):
        out = read_image(arr)
        assert out.shape == (3, 4, 3) and (out == gray[:, :, None]).all()


def test_bgra_is_blended_onto_white():
    bgra = np.zeros((2, 2, 4), np.uint8)
    bgra[0, 0] = [255, 0, 0, 255]      # opaque blue
    bgra[1, 1] = [0, 0, 0, 0]          # transparent -> white
    out = read_image(bgra)
    assert out[0, 0].tolist() == [255, 0, 0] and out[1, 1].tolist() == [255, 255, 255]


def test_path_png_and_exif_rotated_jpeg(tmp_path):
    rgb = np.zeros((20, 40, 3), np.uint8)
    rgb[:, :20] = [255, 0, 0]           # left half red
    Image.fromarray(rgb).save(tmp_path / "a.png")
    out = read_image(tmp_path / "a.png")
    assert out.shape == (20, 40, 3) and out[10, 5].tolist() == [0, 0, 255]      # BGR
    exif = Image.Exif()
    exif[0x0112] = 6                    # orientation: rotate 90 degrees clockwise to display
    Image.fromarray(rgb).save(tmp_path / "r.jpg", exif=exif, quality=95)
    shown = read_image(str(tmp_path / "r.jpg"))
    assert shown.shape == (40, 20, 3)   # as a viewer shows it, red half now on top
    assert shown[5, 10, 2] > 200 and shown[35, 10, 2] < 60


def test_missing_and_undecodable_files(tmp_path):
    with pytest.raises(DataError, match="not found: .*nope.png"):
        read_image(tmp_path / "nope.png")
    (tmp_path / "broken.jpg").write_bytes(b"not an image at all")
    with pytest.raises(DataError, match="cannot decode image file .*broken.jpg"):
        read_image(str(tmp_path / "broken.jpg"))


def test_bad_arrays():
    with pytest.raises(DataError, match="uint8"):
        read_image(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(DataError, match="shape"):
        read_image(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(DataError, match="path or a numpy array"):
        read_image(42)
