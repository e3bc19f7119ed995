"""Bind zlib before Paddle 2.6 can shadow it (imported first thing by `ocrcourse/__init__.py`).

PaddlePaddle 2.6's wheel carries its own, older zlib and exports its symbols. Python resolves a
C function at its first call, so if Paddle 2.6 is loaded before anything has inflated data, the
interpreter's own `zlib` module (and every PNG decode in Pillow, scipy and pyclipper's import) binds
`inflateReset2` to Paddle's copy and the process dies (SIGSEGV). Decompressing a few bytes here,
before Paddle is imported, binds it to the system zlib for the rest of the process. Paddle 3.x does
not export zlib; there this costs a microsecond and changes nothing.

So with Paddle 2.6, import `ocrcourse` before `paddle` (every lesson does).
"""
import zlib

zlib.decompress(zlib.compress(b"ocrcourse"))
