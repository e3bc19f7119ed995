"""The one name -> class lookup behind every YAML section.

A registry is a plain dict kept next to the imports that fill it (for example
`ocrcourse.models.necks.NECKS`). `build` turns one config entry such as
`{"name": "DBFPN", "out_channels": 96}` into an object, and turns mistakes into lessons:
an unknown name lists the available ones, an unknown key lists the valid keys.
No `eval` on config text anywhere: the YAML `name` is only ever a dict key.
"""
from __future__ import annotations

import inspect
from typing import Any, Mapping

from .errors import ConfigError

__all__ = ["build", "accepted_keys", "globals_for"]


def accepted_keys(cls) -> set[str]:
    """Keyword names the constructor of `cls` accepts (what a config entry may carry)."""
    params = inspect.signature(cls).parameters.values()
    return {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def build(table: Mapping[str, Any], cfg: Mapping[str, Any], kind: str, **wired):
    """Instantiate `table[cfg["name"]]` with the remaining keys plus values wired by the caller.

    Args:
        table: registry dict, YAML name -> class.
        cfg: one config entry; never mutated.
        kind: what is being built ("Neck", "Loss", ...), used in error messages.
        **wired: values computed by the caller (`in_channels`, `epochs`, ...); they win over
            config values, as in PaddleOCR where the model sets `in_channels` itself.
    """
    if not isinstance(cfg, Mapping) or "name" not in cfg:
        raise ConfigError(f"{kind}: expected a mapping with a 'name' key, got {cfg!r}; "
                          f"available names: {sorted(table)}")
    cfg = dict(cfg)
    name = cfg.pop("name")
    if name not in table:
        raise ConfigError(f"{kind}: unknown name {name!r}; available: {sorted(table)}")
    cls = table[name]
    accepted = accepted_keys(cls)
    unknown = set(cfg) - accepted
    if unknown:
        raise ConfigError(f"{kind} {name}: unknown keys {sorted(unknown)}; valid keys: {sorted(accepted)}")
    missing_wired = set(wired) - accepted
    if missing_wired:  # a programming error in the caller, not in the YAML
        raise TypeError(f"{kind} {name} does not take wired keys {sorted(missing_wired)}")
    return cls(**{**cfg, **wired})


def globals_for(cls, global_cfg: Mapping[str, Any] | None) -> dict:
    """The `Global` values (character_dict_path, max_text_length, use_space_char, ...) that
    `cls` names in its signature; PaddleOCR passes them to transforms and post-processes."""
    if not global_cfg:
        return {}
    accepted = accepted_keys(cls)
    return {k: v for k, v in global_cfg.items() if k in accepted}
