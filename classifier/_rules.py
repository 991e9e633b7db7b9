"""The rules file: parsing, validation and the immutable Ruleset it produces.

The file is TOML so an officer can edit it in any text editor; every mistake is reported as a
RulesError naming the file, the line when it can be found, and the key at fault.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ._normalize import normalize

_DEFAULT_NAME = "default_rules.toml"

_TOP_KEYS = {"title_weight", "body_weight", "fallback", "ignore", "review", "report", "category"}
_CATEGORY_KEYS = {"name", "label", "key", "priority", "keywords", "exclude", "near", "all"}
_NEAR_KEYS = {"terms", "with", "within", "weight"}
_ALL_KEYS = {"words", "within", "weight"}
_REVIEW_KEYS = {"min_score", "min_margin"}
_REPORT_KEYS = {"sentence", "item", "separator"}

_DEFAULT_REPORT = {
    "sentence": "{year} 年度共通过各渠道发表{items}。",
    "item": "{label} {count} 篇",
    "separator": "、",
}


MAX_WEIGHT = 1000.0          # any weight or threshold beyond this is a typo, not a rule

class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, line (when known) and key."""


@dataclass(frozen=True)
class NearRule:
    """Ambiguous terms (e.g. 市场, 成品油) that count for a category only near a context word."""

    terms: tuple[str, ...]
    with_: tuple[str, ...]
    within: int
    weight: float


@dataclass(frozen=True)
class AllRule:
    """A required group (all of …): scores ``weight`` once per field when every word occurs in
    it, and, with ``within``, every word lies within that many characters of the first word."""

    words: tuple[str, ...]
    weight: float
    within: int | None = None


@dataclass(frozen=True)
class Category:
    """One reporting category (信息类别) in report order.

    ``key`` is the one-character review shortcut ("1".."9"); ``keywords`` maps a normalized
    keyword to its weight; ``exclude`` (排除词) words void the category's hits in the field where
    they occur; ``near`` rules score ambiguous terms only close to a context word.
    """

    name: str
    label: str
    key: str
    priority: int = 0
    keywords: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    exclude: tuple[str, ...] = ()
    near: tuple[NearRule, ...] = ()
    all_of: tuple[AllRule, ...] = ()


@dataclass(frozen=True)
class Ruleset:
    """A loaded, validated rules file. ``version`` is the first 12 hex digits of its sha256."""

    version: str
    path: Path | None
    categories: tuple[Category, ...]
    fallback: str
    report: dict[str, str] = field(hash=False, compare=False)
    title_weight: float = 3.0
    body_weight: float = 1.0
    min_score: float = 0.0
    min_margin: float = 0.0
    ignore: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.categories)

    def category(self, name: str) -> Category:
        for c in self.categories:
            if c.name == name:
                return c
        raise KeyError(name)


def default_rules_path() -> Path:
    """Path of the built-in default rules file shipped with the package."""
    return Path(str(resources.files(__package__).joinpath(_DEFAULT_NAME)))


def default_rules_text() -> str:
    """Text of the built-in default rules (what ``gongkai init`` writes out for editing)."""
    return resources.files(__package__).joinpath(_DEFAULT_NAME).read_text(encoding="utf-8")


def load_rules(path: str | os.PathLike[str] | None = None) -> Ruleset:
    """Read, validate and return the rules at *path*; ``None`` loads the built-in default."""
    p = Path(path) if path is not None else default_rules_path()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RulesError(f"{p}: cannot read rules file: {exc.strerror or exc}") from exc
    return parse_rules(data, p)


def parse_rules(data: bytes, path: Path | None = None) -> Ruleset:
    """Build a Ruleset from the bytes of a rules file (``path`` is only used in messages)."""
    return _Parser(data, path).ruleset()


class _Parser:
    def __init__(self, data: bytes, path: Path | None) -> None:
        self.data = data
        self.path = path
        self.where = str(path) if path is not None else "<rules>"
        try:
            self.text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RulesError(f"{self.where}: not UTF-8 text (byte {exc.start})") from None
        self.lines = self.text.splitlines()

    # -- errors ------------------------------------------------------------------------------
    def fail(self, msg: str, *, near: str | None = None, after: int = 0) -> RulesError:
        line = self.find_line(near, after) if near else None
        loc = f"{self.where}: line {line}" if line else self.where
        return RulesError(f"{loc}: {msg}")

    def find_line(self, needle: str, after: int = 0) -> int | None:
        """Best-effort line number (1-based) of the first line at or after *after* containing *needle*.

        tomllib reports positions only for syntax errors, so semantic errors locate the offending
        key by its text; when that is ambiguous the message still names the category and key.
        """
        key_line = re.compile(rf'^\s*"?{re.escape(needle)}"?\s*=|^\s*\[+[^\]]*\b{re.escape(needle)}\b')
        for i in range(after, len(self.lines)):
            line = self.lines[i]
            if line.lstrip().startswith("#"):
                continue
            if key_line.search(line):
                return i + 1
        for i in range(after, len(self.lines)):
            line = self.lines[i]
            if not line.lstrip().startswith("#") and needle in line:
                return i + 1
        return None

    def category_line(self, index: int) -> int:
        """0-based line of the index-th ``[[category]]`` header (for scoped line searches)."""
        seen = -1
        for i, line in enumerate(self.lines):
            if re.match(r"\s*\[\[\s*category\s*\]\]", line):
                seen += 1
                if seen == index:
                    return i
        return 0

    # -- parsing -----------------------------------------------------------------------------
    def ruleset(self) -> Ruleset:
        try:
            doc = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            # tomllib's message carries "(at line N, column M)".
            hint = (" (a key written twice: a keyword, or a setting, appears twice in one table)"
                    if "overwrite a value" in str(exc) else "")
            raise RulesError(f"{self.where}: invalid TOML: {exc}{hint}") from None
        except RecursionError:      # tomllib recurses once per nesting level
            raise RulesError(f"{self.where}: invalid TOML: nested too deep") from None

        self.check_keys(doc, _TOP_KEYS, "")
        title_weight = self.number(doc, "title_weight", 3.0, "", lo=0.01)
        body_weight = self.number(doc, "body_weight", 1.0, "", lo=0.01)

        review = self.table(doc, "review")
        self.check_keys(review, _REVIEW_KEYS, "[review] ")
        min_score = self.number(review, "min_score", 0.0, "[review] ")
        min_margin = self.number(review, "min_margin", 0.0, "[review] ")

        report = self.table(doc, "report")
        self.check_keys(report, _REPORT_KEYS, "[report] ")
        merged_report = dict(_DEFAULT_REPORT)
        for k, v in report.items():
            if not isinstance(v, str):
                raise self.fail(f"[report] {k} must be a string, got {v!r}", near=k)
            merged_report[k] = v

        ignore = self.words(doc.get("ignore", []), "ignore", "")

        raw_categories = doc.get("category")
        if not isinstance(raw_categories, list) or not raw_categories:
            raise self.fail("no categories: add at least one [[category]] table")
        categories = tuple(self.category(i, c) for i, c in enumerate(raw_categories))

        seen_names: set[str] = set()
        seen_keys: dict[str, str] = {}
        for i, c in enumerate(categories):
            if c.name in seen_names:
                raise self.fail(f"duplicate category {c.name!r}", near=f'"{c.name}"',
                                after=self.category_line(i))
            seen_names.add(c.name)
            if c.key in seen_keys:
                raise self.fail(
                    f"category {c.name!r}: key {c.key!r} is already used by {seen_keys[c.key]!r}",
                    near="key", after=self.category_line(i))
            seen_keys[c.key] = c.name

        fallback = doc.get("fallback", categories[-1].name)
        if fallback not in seen_names:
            raise self.fail(f"fallback {fallback!r} is not one of the categories", near="fallback")

        return Ruleset(
            version=hashlib.sha256(self.data).hexdigest()[:12],
            path=self.path,
            categories=categories,
            fallback=fallback,
            report=merged_report,
            title_weight=title_weight,
            body_weight=body_weight,
            min_score=min_score,
            min_margin=min_margin,
            ignore=ignore,
        )

    def category(self, index: int, raw: Any) -> Category:
        start = self.category_line(index)
        if not isinstance(raw, dict):
            raise self.fail(f"category #{index + 1} must be a table")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(f"category #{index + 1}: missing or empty 'name'", after=start,
                            near="[[category]]")
        name = name.strip()
        ctx = f"category {name!r}: "
        self.check_keys(raw, _CATEGORY_KEYS, ctx, after=start)

        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            raise self.fail(f"{ctx}missing or empty 'label' (the wording used in the report)",
                            near=f'"{name}"', after=start)

        key = raw.get("key")
        if isinstance(key, bool) or not isinstance(key, (int, str)) or len(str(key)) != 1:
            raise self.fail(f"{ctx}'key' must be a single character or digit, got {key!r}",
                            near="key", after=start)

        priority = raw.get("priority", 0)
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise self.fail(f"{ctx}'priority' must be an integer, got {priority!r}",
                            near="priority", after=start)

        keywords_raw = raw.get("keywords", {})
        if not isinstance(keywords_raw, dict):
            raise self.fail(f"{ctx}'keywords' must be a table of \"word\" = weight",
                            near="keywords", after=start)
        keywords: dict[str, float] = {}
        for word, weight in keywords_raw.items():
            if not _is_number(weight):
                raise self.fail(f"{ctx}keyword weight must be a number, got {weight!r}",
                                near=f'"{word}"', after=start)
            norm = normalize(word)
            if not norm:
                raise self.fail(f"{ctx}empty keyword", near="keywords", after=start)
            keywords[norm] = float(weight)

        exclude = self.words(raw.get("exclude", []), "exclude", ctx, after=start)

        near_raw = raw.get("near", [])
        if not isinstance(near_raw, list):
            raise self.fail(f"{ctx}'near' must be a list of [[category.near]] tables",
                            near="near", after=start)
        near = tuple(self.near_rule(ctx, n, start) for n in near_raw)

        all_raw = raw.get("all", [])
        if not isinstance(all_raw, list):
            raise self.fail(f"{ctx}'all' must be a list of [[category.all]] tables",
                            near="all", after=start)
        all_of = tuple(self.all_rule(ctx, a, start) for a in all_raw)

        return Category(name=name, label=label.strip(), key=str(key), priority=priority,
                        keywords=keywords, exclude=exclude, near=near, all_of=all_of)

    def all_rule(self, ctx: str, raw: Any, after: int) -> AllRule:
        if not isinstance(raw, dict):
            raise self.fail(f"{ctx}each 'all' entry must be a table", near="all", after=after)
        ctx = f"{ctx}all: "
        self.check_keys(raw, _ALL_KEYS, ctx, after=after)
        for required in ("words", "weight"):
            if required not in raw:
                raise self.fail(f"{ctx}missing {required!r}", near="all", after=after)
        words = self.words(raw["words"], "words", ctx, after=after)
        if len(words) < 2:
            raise self.fail(f"{ctx}'words' needs at least two words (one word is a keyword)",
                            near="words", after=after)
        weight = raw["weight"]
        if not _is_number(weight):
            raise self.fail(f"{ctx}weight must be a number, got {weight!r}", near="weight",
                            after=after)
        within = raw.get("within")
        if within is not None and (isinstance(within, bool) or not isinstance(within, int)
                                   or within < 0):
            raise self.fail(f"{ctx}'within' must be a non-negative integer (characters), "
                            f"got {within!r}", near="within", after=after)
        return AllRule(words=words, weight=float(weight), within=within)

    def near_rule(self, ctx: str, raw: Any, after: int) -> NearRule:
        if not isinstance(raw, dict):
            raise self.fail(f"{ctx}each 'near' entry must be a table", near="near", after=after)
        ctx = f"{ctx}near: "
        self.check_keys(raw, _NEAR_KEYS, ctx, after=after)
        for required in ("terms", "with", "within", "weight"):
            if required not in raw:
                raise self.fail(f"{ctx}missing {required!r}", near="near", after=after)
        terms = self.words(raw["terms"], "terms", ctx, after=after)
        with_ = self.words(raw["with"], "with", ctx, after=after)
        if not terms or not with_:
            raise self.fail(f"{ctx}'terms' and 'with' must not be empty", near="terms", after=after)
        within = raw["within"]
        if isinstance(within, bool) or not isinstance(within, int) or within < 0:
            raise self.fail(f"{ctx}'within' must be a non-negative integer (characters), got {within!r}",
                            near="within", after=after)
        weight = raw["weight"]
        if not _is_number(weight):
            raise self.fail(f"{ctx}weight must be a number, got {weight!r}", near="weight", after=after)
        return NearRule(terms=terms, with_=with_, within=within, weight=float(weight))

    # -- helpers -----------------------------------------------------------------------------
    def check_keys(self, table: dict, allowed: set[str], ctx: str, after: int = 0) -> None:
        for k in table:
            if k not in allowed:
                raise self.fail(f"{ctx}unknown key {k!r} (allowed: {', '.join(sorted(allowed))})",
                                near=k, after=after)

    def table(self, doc: dict, key: str) -> dict:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"[{key}] must be a table", near=key)
        return value

    def number(self, table: dict, key: str, default: float, ctx: str, lo: float = 0.0,
               hi: float = MAX_WEIGHT) -> float:
        value = table.get(key, default)
        if not _is_number(value):
            raise self.fail(f"{ctx}{key} must be a number, got {value!r}", near=key)
        if not lo <= value <= hi:
            # a negative field weight turns every hit against its category; a huge one makes
            # scores inf, and the classify output would no longer be JSON
            raise self.fail(f"{ctx}{key} must be between {lo:g} and {hi:g}, got {value!r}", near=key)
        return float(value)

    def words(self, value: Any, key: str, ctx: str, after: int = 0) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise self.fail(f"{ctx}{key!r} must be a list of strings", near=key, after=after)
        out = []
        for w in value:
            norm = normalize(w)
            if not norm:
                raise self.fail(f"{ctx}{key!r} contains an empty word", near=key, after=after)
            out.append(norm)
        return tuple(dict.fromkeys(out))


def _is_number(value: Any) -> bool:
    """A finite int or float of a sensible size: TOML's inf and nan, or 1e308, would make scores
    inf or nan."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and abs(value) <= MAX_WEIGHT)
