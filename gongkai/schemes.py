"""Each body's categories in a district (issue 17: ``rules = "..."`` in a ``[[bureaus]]`` entry).

A district's bodies are not all commerce bureaus: a 应急管理局 or a 街道 files its 信息 under
categories of its own. Such a body names its rules file; every other body, the district's own
counts and the national-format report tables use the district's rules (``[rules]``, else the
built-in ones). The district's rules decide every item; a body with its own rules has, besides,
its own decision for each item it counts (store/_body_rules.py), made by
:func:`gongkai.pipeline.classify_own` and corrected by its reviewers.
"""
from __future__ import annotations

from pathlib import Path

import classifier
from classifier import Ruleset

from .config import Config

_LOADED: dict[tuple[str, int, int], Ruleset] = {}


def load(path: Path) -> Ruleset:
    """The rules of ``path``, read again only when the file changed (a daemon asks every poll)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _LOADED:
        if len(_LOADED) > 64:
            _LOADED.clear()
        _LOADED[key] = classifier.load_rules(path)
    return _LOADED[key]


def own_rules(cfg: Config) -> dict[str, Ruleset]:
    """The bodies with categories of their own, and their rules."""
    return {b.id: load(b.rules_path) for b in cfg.bodies if b.rules_path is not None}


def rules_for(cfg: Config | None, body_id: str | None, district: Ruleset) -> Ruleset:
    """The rules whose categories ``body_id``'s counts, reports and review use."""
    if cfg is None or body_id is None:
        return district
    path = cfg.body(body_id).rules_path
    return district if path is None else load(path)
