"""A CJK font for figures, so Chinese titles and recognised text show as characters, not tofu boxes.

The font files come from the `mplfonts` package (Noto Sans CJK SC, Source Han, SimHei), so no
download is needed at run time.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["cjk_font_path", "use_cjk_font", "font_covers"]

_PREFERRED = ("NotoSansCJKsc-Regular.otf", "SourceHanSerifSC-Regular.otf", "SimHei.ttf")


def cjk_font_path() -> str:
    """Path of a CJK font file shipped by `mplfonts` (Noto Sans CJK SC preferred)."""
    import mplfonts

    folder = Path(mplfonts.__file__).parent / "fonts"
    for name in _PREFERRED:
        if (folder / name).is_file():
            return str(folder / name)
    found = sorted(folder.glob("*.[ot]t[fc]"))
    if not found:
        raise FileNotFoundError(f"no font files in {folder}; reinstall mplfonts (pip install -U mplfonts)")
    return str(found[0])


def use_cjk_font() -> str:
    """Register the CJK font with matplotlib as the fallback of DejaVu Sans; returns its name.

    `font.family` lists both, so matplotlib takes each glyph from the first font that has it:
    Latin text and symbols (combining accents such as the hat in "B̂") from DejaVu Sans, Chinese
    characters from the CJK font (matplotlib >= 3.6 falls back per glyph).
    """
    from matplotlib import font_manager, rcParams

    path = cjk_font_path()
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    rcParams["font.sans-serif"] = [name, *[f for f in rcParams["font.sans-serif"] if f != name]]
    rcParams["font.family"] = ["DejaVu Sans", name]
    rcParams["axes.unicode_minus"] = False   # CJK fonts often lack U+2212; use '-' for minus signs
    return name


def font_covers(text: str, font_path: str | None = None) -> bool:
    """True if every character of `text` has a glyph in the font (no tofu boxes)."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_path or cjk_font_path())
    charmap = font.get_charmap()
    return all(ord(ch) in charmap for ch in text if not ch.isspace())
