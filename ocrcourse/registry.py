"""The one name -> class lookup behind every YAML section.

A registry is a plain dict kept next to the imports that fill it (for example
`ocrcourse.models.necks.NECKS`). `build` turns one config entry such as
`{"name": "DBFPN", "out_channels": 96}` into an object, and turns mistakes into lessons:
an unknown name lists the available ones, an unknown key lists the valid keys, and a missing
required argument is named (with the caller's hint on where its value comes from) before the
constructor runs, so a TypeError raised *inside* a constructor still surfaces as itself.
No `eval` on config text anywhere: the YAML `name` is only ever a dict key.
"""
from __future__ import annotations

import inspect
from typing import Any, Mapping

from .errors import ConfigError

__all__ = ["build", "accepted_keys", "required_keys", "globals_for"]


def accepted_keys(cls) -> set[str]:
    """Keyword names the constructor of `cls` accepts (what a config entry may carry)."""
    params = inspect.signature(cls).parameters.values()
    return {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def required_keys(cls) -> set[str]:
    """Keyword names the constructor of `cls` cannot do without (no default value)."""
    params = inspect.signature(cls).parameters.values()
    return {p.name for p in params
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is p.empty}


def build(table: Mapping[str, Any], cfg: Mapping[str, Any], kind: str, *,
          missing_hints: Mapping[str, str] | None = None, **wired):
    """Instantiate `table[cfg["name"]]` with the remaining keys plus values wired by the caller.

    Args:
        table: registry dict, YAML name -> class.
        cfg: one config entry; never mutated.
        kind: what is being built ("Neck", "Loss", ...), used in error messages.
        missing_hints: argument name -> where its value comes from, added to the error when that
            required argument is missing (the heads: a rec head's class count is the dictionary's).
        **wired: values computed by the caller (`in_channels`, `epochs`, ...); they win over
            config values, as in PaddleOCR where the model sets `in_channels` itself.

    Raises:
        ConfigError: unknown name, unknown key, or a required argument neither in `cfg` nor wired.
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
    missing = sorted(required_keys(cls) - set(cfg) - set(wired))
    if missing:                   # checked here, not by catching TypeError: see the module docstring
        hints = "".join(f"\n  {key}: {missing_hints[key]}" for key in missing if key in (missing_hints or {}))
        raise ConfigError(f"{kind} {name}: missing required keys {missing}; "
                          f"valid keys: {sorted(accepted)}{hints}")
    return cls(**{**cfg, **wired})


def globals_for(cls, global_cfg: Mapping[str, Any] | None) -> dict:
    """The `Global` values (character_dict_path, max_text_length, use_space_char, ...) that
    `cls` names in its signature; PaddleOCR passes them to transforms and post-processes."""
    if not global_cfg:
        return {}
    accepted = accepted_keys(cls)
    return {k: v for k, v in global_cfg.items() if k in accepted}
