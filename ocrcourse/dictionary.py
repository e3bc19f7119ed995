"""Character dictionaries: the list of symbols a recogniser can output.

PP-OCR recognition is a classification over characters at every time step, so the model's
last layer has one output per dictionary entry (plus the CTC blank). The dictionary is a
text file with one character per line, in the order of the model's outputs:

- `ppocr_keys_v1.txt` (6623 Chinese, Latin and symbol characters) is the dictionary of the
  official Chinese models. It is not shipped here: it travels with the official PP-OCRv3
  recognition weights (the ONNX file carries it in its metadata) and is saved next to them
  by `ocrcourse.weights` (see `ocrcourse.weights.official_dict_path()`).
- `en_dict.txt` (digits, ASCII letters, punctuation and the space; 95 lines, PaddleOCR's
  order), `ic15_dict.txt` (digits and lower-case letters) and `digits_dict.txt` (0-9) ship
  with the package in `ocrcourse/dicts/`.

`load_dict` reads a file exactly as PaddleOCR's label encoder/decoder does; the CTC blank
(index 0) is added by `CTCLabelEncode` / `CTCLabelDecode`, not here. `resolve_dict_path`
lets an official PaddleOCR YAML (`character_dict_path: ppocr/utils/ppocr_keys_v1.txt`)
run unchanged from a clone of this course, where no `ppocr/` folder exists.
"""
from __future__ import annotations

import logging
import os
from importlib import resources

from .errors import ConfigError

__all__ = ["DEFAULT_CHARACTERS", "PACKAGED_DICTS", "OFFICIAL_DICT_NAME", "packaged_dict_path",
           "resolve_dict_path", "load_dict"]

log = logging.getLogger(__name__)

# What PaddleOCR uses when `character_dict_path` is not set: digits and lower-case letters,
# and `use_space_char` is then ignored.
DEFAULT_CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyz"

# Dictionary files shipped in ocrcourse/dicts/ (file name -> what it holds).
PACKAGED_DICTS = {
    "en_dict.txt": "digits, ASCII letters, punctuation and the space (PaddleOCR's en_dict.txt)",
    "ic15_dict.txt": "digits and lower-case letters (PaddleOCR's ic15_dict.txt)",
    "digits_dict.txt": "the ten digits 0-9",
}

# The official Chinese dictionary; saved by ocrcourse.weights from the PP-OCRv3 rec ONNX file.
OFFICIAL_DICT_NAME = "ppocr_keys_v1.txt"


def packaged_dict_path(name: str) -> str:
    """Path of a dictionary shipped with the package, e.g. `packaged_dict_path("en_dict.txt")`."""
    if name not in PACKAGED_DICTS:
        raise ConfigError(f"no packaged dictionary {name!r}; packaged ones: {sorted(PACKAGED_DICTS)}")
    return str(resources.files("ocrcourse") / "dicts" / name)


def _official_name(path: str) -> str | None:
    """The file name if `path` is an official PaddleOCR dictionary path we can stand in for.

    Accepted: `ppocr/utils/<name>`, `ppocr/utils/dict/<name>` (with any prefix such as `./` or
    `PaddleOCR/`) and the bare `<name>`, for a known name.
    """
    norm = os.path.normpath(path).replace(os.sep, "/")
    name = norm.rsplit("/", 1)[-1]
    if name not in PACKAGED_DICTS and name != OFFICIAL_DICT_NAME:
        return None
    folder = norm[: -len(name)].rstrip("/")
    if folder in ("", ".") or folder.endswith("ppocr/utils") or folder.endswith("ppocr/utils/dict"):
        return name
    return None


def resolve_dict_path(path: str | None) -> str | None:
    """Map a `character_dict_path` from a config to a file that exists.

    An existing path is returned unchanged. An official PaddleOCR path that does not exist here
    (`ppocr/utils/en_dict.txt`, `ppocr/utils/ppocr_keys_v1.txt`, ...) is mapped to the packaged
    copy or, for `ppocr_keys_v1.txt`, to the copy cached with the official weights (prepared on
    first use, see `ocrcourse.weights`). `None` stays `None` (PaddleOCR's default characters).
    """
    if path is None:
        return None
    path = str(path)
    if os.path.isfile(path):
        return path
    name = _official_name(path)
    if name is None:
        raise ConfigError(
            f"character dictionary {path!r} not found. Give the path of a text file with one "
            f"character per line, or one of the official names ppocr/utils/{OFFICIAL_DICT_NAME}, "
            + ", ".join(f"ppocr/utils/{n}" for n in sorted(PACKAGED_DICTS)))
    if name == OFFICIAL_DICT_NAME:
        from .weights import official_dict_path   # lazy: needs onnx, and maybe the network once

        resolved = official_dict_path()
    else:
        resolved = packaged_dict_path(name)
    log.debug("character_dict_path %s -> %s", path, resolved)
    return resolved


def load_dict(path: str | None, use_space_char: bool = False) -> list[str]:
    """The characters of a dictionary file, in model-output order, without the CTC blank.

    Reads like PaddleOCR: one entry per line, the line ending removed (nothing else, so a line
    holding a space is the space character), then a space appended when `use_space_char` is set
    (even if the file already has one, as in `en_dict.txt`: PaddleOCR does the same, and official
    English models count on it). `path=None` gives `DEFAULT_CHARACTERS` and ignores
    `use_space_char`, as PaddleOCR does.

    Example: `len(load_dict("ppocr/utils/ppocr_keys_v1.txt", use_space_char=True))` is 6624;
    with the blank that is the 6625 outputs of the official Chinese recognisers.
    """
    if path is None:
        return list(DEFAULT_CHARACTERS)
    resolved = resolve_dict_path(path)
    with open(resolved, "rb") as f:
        raw_lines = f.readlines()
    chars = []
    for raw in raw_lines:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ConfigError(f"{resolved}: line {len(chars) + 1} is not UTF-8 ({e}); "
                              "save the dictionary as UTF-8") from e
        chars.append(line.strip("\n").strip("\r\n"))   # PaddleOCR strips only line endings
    if use_space_char:
        chars.append(" ")
    return chars
