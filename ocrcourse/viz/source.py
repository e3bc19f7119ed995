"""Show the library's real source inside a lesson, highlighted, so notebooks never re-type code."""
from __future__ import annotations

import inspect

__all__ = ["show_source", "source_of"]


def source_of(obj) -> str:
    """The source text of a class, function or module."""
    return inspect.getsource(obj)


def show_source(obj, lines: tuple[int, int] | None = None):
    """Display the source of `obj` (highlighted HTML in Jupyter, plain text elsewhere).

    Args:
        obj: a class, function or module of `ocrcourse` (or anything `inspect` can read).
        lines: optional (first, last) 1-based line range within that source, to focus on a part.
    """
    text = source_of(obj)
    if lines is not None:
        first, last = lines
        text = "\n".join(text.splitlines()[first - 1:last])
    try:
        from IPython.display import Code, display

        display(Code(text, language="python"))
    except ImportError:  # outside IPython
        print(text)
    return None
