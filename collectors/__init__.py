"""Fetch and parse sources; yield :class:`Item` records. No database, no classification.

The pipeline calls ``REGISTRY[type](options, http).collect(state)``; importing this package registers
the ``website`` and ``feed`` kinds.
"""
from ._base import REGISTRY, Option, SourceKind, check_url, register
from ._dates import BEIJING, beijing_date, parse_date
from ._http import DEFAULT_UA, FetchError, Http, Response, decode_html
from ._item import CollectState, ConfigError, Item, SourceError
from ._urls import canonical_url, wechat_key
from ._website import Website
from ._feed import Feed
from ._presets import PRESETS, Detection, Preset, detect, register_preset
from ._probe import ProbeResult, probe
from ._website import ColumnError
from ._manual import Manual

__all__ = ["REGISTRY", "Option", "SourceKind", "register", "CollectState", "ConfigError", "Item",
           "SourceError", "Http", "Response", "FetchError", "DEFAULT_UA", "decode_html",
           "parse_date", "BEIJING", "beijing_date", "canonical_url", "wechat_key", "Website",
           "Feed"]
__all__ += ["PRESETS", "Preset", "Detection", "detect", "register_preset", "probe", "ProbeResult",
            "ColumnError"]
__all__ += ["Manual", "check_url"]
from ._urls import wechat_key_of
from ._wechat import Article, parse_article

__all__ += ["wechat_key_of", "Article", "parse_article"]
from ._verify import Verdict, verify

__all__ += ["Verdict", "verify"]
