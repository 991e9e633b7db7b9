"""gongkai.toml: load, validate, explain. Every error names the file, the source id and the key."""
from __future__ import annotations

import math
import re
import reprlib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import collectors

from . import DEFAULT_CONFIG  # noqa: F401  (config.DEFAULT_CONFIG, as commands read it)

DEFAULT_DB = "gongkai.db"

# Keys every source has; the rest are declared by its kind (collectors.REGISTRY).
COMMON_KEYS = {"id", "type", "channel", "label", "interval", "attribution", "enabled"}
# Whose items a source carries (one of the two, see _owners); documented under "For a whole
# district" in the README, not in its one-bureau example.
OWNER_KEYS = {"bureau", "bureaus"}
MAX_LABEL = 60
ATTRIBUTIONS = ("all", "mention")
TOP_LEVEL = {"bureau", "bureaus", "database", "http", "sources", "report", "rules", "crawl",
             "alerts", "backup", "log"}
SECTION_KEYS = {
    "bureau": {"name", "aliases"},
    "database": {"path"},
    "http": {"min_delay", "respect_robots", "user_agent", "timeout", "max_bytes"},
    "report": {"channels", "data"},
    "rules": {"path"},
    "crawl": {},
    # operations (issue 8): parsed by _ops_sections below
    "alerts": {"after_failures", "quiet_days_min", "digest_at", "webhook", "kind", "email"},
    "backup": {"dir", "keep", "at"},
    "log": {"file", "max_bytes", "keep", "level"},
}
EMAIL_KEYS = {"host", "port", "user", "password", "password_env", "from", "to", "starttls", "ssl"}
WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_INTERVAL_S = 366 * 86400
# The one body of a [bureau] config: its id for `counts --bureau` and `report --bureau`.
DEFAULT_BODY = "bureau"
BODY_KEYS = {"id", "name", "aliases", "rules"}
_ID = re.compile(r"[A-Za-z0-9_.\-]+")
# The config nests four deep at most ([alerts.email] to = [...]); deeper is a mistake or an
# attack, refused before a validator (or repr) recurses into it.
MAX_DEPTH = 16


class ConfigError(ValueError):
    """A mistake in gongkai.toml; the message is the one line the user sees."""


@dataclass(frozen=True)
class Body:
    """One body (单位) of the district whose publications are counted and reported: a bureau,
    a committee, a town or a 街道. A [bureau] config has exactly one, with id DEFAULT_BODY."""

    id: str
    name: str
    aliases: tuple[str, ...]     # attribution (归属) looks for these; the name is always one
    # its own categories (a rules file); None: the district's [rules] (gongkai/schemes.py)
    rules_path: Path | None = None


@dataclass(frozen=True)
class Source:
    id: str
    type: str
    channel: str
    interval_s: int
    attribution: str
    enabled: bool
    options: dict                # validated, defaults filled, as the kind declares them
    # display names (显示名称) the officer reads: the source's `label` (or its channel's name),
    # the channel's name (a label its sources agree on, else from [report] channels, else by kind)
    label: str = ""
    channel_label: str = ""
    # whose items it carries: one owner (its items are that body's, by `attribution`), or, when
    # ``shared``, the bodies each item is attributed among by who published it
    bureaus: tuple[str, ...] = (DEFAULT_BODY,)
    shared: bool = False

    @property
    def url(self) -> str:
        return self.options.get("url", "")

    def as_row(self) -> dict:
        return {"id": self.id, "type": self.type, "channel": self.channel, "url": self.url,
                "enabled": self.enabled,
                "config": {"interval_s": self.interval_s, "attribution": self.attribution,
                           "label": self.label, "channel_label": self.channel_label,
                           # whose it is, remembered for when it leaves the config
                           "bureaus": list(self.bureaus), "shared": self.shared,
                           **self.options}}


@dataclass(frozen=True)
class EmailConfig:
    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    user: str = ""
    password: str = ""           # or read from the environment variable password_env at send time
    password_env: str = ""
    starttls: bool = False
    ssl: bool = False


@dataclass(frozen=True)
class AlertsConfig:
    after_failures: int = 3
    quiet_days_min: int = 7      # a source is quiet after max(3 x its median gap, this many days)
    digest_at: str = "08:30"     # Beijing time; "" turns the daily digest off
    webhook: str = ""
    kind: str = "json"
    email: EmailConfig | None = None


@dataclass(frozen=True)
class BackupConfig:
    dir: Path
    keep: int = 14
    at: str = "02:30"            # Beijing time


@dataclass(frozen=True)
class LogConfig:
    file: Path
    max_bytes: int = 5_000_000
    keep: int = 5
    level: str = "INFO"


@dataclass(frozen=True)
class Config:
    path: Path
    bureau: str
    aliases: tuple[str, ...]
    db_path: Path
    sources: tuple[Source, ...]
    http: dict = field(default_factory=dict)
    report_channels: tuple[str, ...] = ()
    # The yearly data file, "{year}" still in it, made relative to the config file's folder.
    report_data: str | None = None
    rules_path: Path | None = None
    alerts: AlertsConfig = field(default_factory=lambda: AlertsConfig())
    backup: BackupConfig | None = None       # None: no nightly backup
    log: LogConfig | None = None             # None: stderr only
    # every body counted; one (DEFAULT_BODY) for a [bureau] config. ``district``: [[bureaus]]
    bodies: tuple[Body, ...] = ()
    district: bool = False

    def body(self, body_id: str) -> Body:
        for b in self.bodies:
            if b.id == body_id:
                return b
        known = ", ".join(b.id for b in self.bodies) or "none"
        raise ConfigError(f"{self.path}: no body with id {body_id!r} in "
                          f"{'[[bureaus]]' if self.district else '[bureau]'} (known: {known})")

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        known = ", ".join(s.id for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source with id {source_id!r} (known: {known})")


def parse_interval(text: Any) -> int:
    """'6h' -> 21600. Units s, m, h, d."""
    m = _INTERVAL.match(str(text)) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"must look like '30m', '6h' or '1d', got {reprlib.repr(text)}")
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds < 60:
        raise ValueError(f"must be at least 1 minute, got {text!r}")
    if seconds > MAX_INTERVAL_S:    # also inf, from a string of 400 digits
        raise ValueError(f"must be at most 366 days (a year), got {reprlib.repr(text)}")
    return int(seconds)


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (create one with `gongkai init`)") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except RecursionError:      # tomllib recurses once per level: ~500 nested arrays
        data = None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the config file ({e.strerror})") from None
    if data is None or _deeper_than(data, MAX_DEPTH):
        raise ConfigError(f"{path}: invalid TOML: nested more than {MAX_DEPTH} levels deep")
    return from_dict(data, path)


def _deeper_than(value: Any, levels: int) -> bool:
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return False
    return levels == 0 or any(_deeper_than(v, levels - 1) for v in value)


# [http] keys: (types accepted, check, what the value must be)
_HTTP_RULES = {
    "min_delay": ((int, float), lambda v: v >= 0, "a number of seconds >= 0"),
    "timeout": ((int, float), lambda v: v > 0, "a number of seconds > 0"),
    "max_bytes": ((int,), lambda v: v > 0, "a whole number of bytes > 0"),
    "respect_robots": ((bool,), lambda v: True, "true or false"),
    # an HTTP header: a line break would inject another one, and a character beyond ASCII fails
    # to encode only at crawl time
    "user_agent": ((str,), lambda v: bool(v.strip()) and v.isascii() and v.isprintable(),
                   "a non-empty ASCII string without control characters"),
}
# Caps on the numbers: a few zeros too many would stall every source for hours, and inf would
# overflow only at crawl time, leaving the run marked running.
_HTTP_CAPS = {"min_delay": (600, "seconds"), "timeout": (600, "seconds"),
              "max_bytes": (100_000_000, "bytes")}


def _check_http(path: Path, http: dict) -> None:
    for key, value in http.items():
        types, ok, what = _HTTP_RULES[key]
        bad_bool = isinstance(value, bool) and bool not in types
        if bad_bool or not isinstance(value, types) or not ok(value):
            raise ConfigError(f"{path}: [http] key {key!r} must be {what}, got {value!r}")
        if key in _HTTP_CAPS:
            cap, unit = _HTTP_CAPS[key]
            if not math.isfinite(value) or value > cap:
                raise ConfigError(f"{path}: [http] key {key!r} must be at most {cap:,} {unit}, "
                                  f"got {value!r}")


def _check_keys(path: Path, where: str, table: Any, allowed: set[str]) -> dict:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{where}] must be a table")
    for key in table:
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise ConfigError(f"{path}: [{where}] unknown key {key!r} (known: {known})")
    return table


def from_dict(data: dict, path: Path) -> Config:
    for key in data:
        if key not in TOP_LEVEL:
            raise ConfigError(f"{path}: unknown top-level key {key!r} "
                              f"(known: {', '.join(sorted(TOP_LEVEL))})")
    sections = {name: _check_keys(path, name, data.get(name, {}), keys)
                for name, keys in SECTION_KEYS.items()}
    _check_http(path, sections["http"])
    bodies, district = _bodies(path, data, sections["bureau"])
    db = sections["database"].get("path", DEFAULT_DB)
    if not isinstance(db, str) or not db:
        raise ConfigError(f"{path}: [database] key 'path' must be a file path string")
    db_path = (path.parent / db) if not Path(db).is_absolute() else Path(db)
    channels = sections["report"].get("channels", [])
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise ConfigError(f"{path}: [report] key 'channels' must be a list of strings")
    report_data = _report_data(path, sections["report"].get("data"))
    rules = sections["rules"].get("path")
    if rules is not None and not isinstance(rules, str):
        raise ConfigError(f"{path}: [rules] key 'path' must be a file path string")
    rules_path = None if rules is None else (path.parent / rules if not Path(rules).is_absolute()
                                             else Path(rules))
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{path}: 'sources' must be an array of tables ([[sources]])")
    sources: list[Source] = []
    for n, raw in enumerate(raw_sources, 1):
        src = _source(path, n, raw, bodies, district)
        if any(s.id == src.id for s in sources):
            raise ConfigError(f"{path}: source {src.id!r}: duplicate id (ids must be unique)")
        sources.append(src)
    sources = _named(sources, channels)
    alerts, backup, log = _ops_sections(path, sections)
    # bureau and aliases: the one body of a [bureau] config; of [[bureaus]], the first (what a
    # one-bureau view shows until the district's own views exist)
    return Config(path=path, bureau=bodies[0].name, aliases=bodies[0].aliases, db_path=db_path,
                  sources=tuple(sources), http=dict(sections["http"]),
                  report_channels=tuple(channels), report_data=report_data, rules_path=rules_path,
                  alerts=alerts, backup=backup, log=log, bodies=bodies, district=district)


def _bodies(path: Path, data: dict, bureau: dict) -> tuple[tuple[Body, ...], bool]:
    """The bodies: [bureau] (one, id DEFAULT_BODY) or [[bureaus]]."""
    raw = data.get("bureaus")
    if raw is None:
        return (_body(path, "[bureau]", bureau, DEFAULT_BODY),), False
    if "bureau" in data:
        raise ConfigError(f"{path}: [bureau] and [[bureaus]] both given: a district config lists "
                          f"every body as [[bureaus]] (move [bureau] into it, with an id)")
    if not isinstance(raw, list) or not all(isinstance(b, dict) for b in raw):
        raise ConfigError(f"{path}: 'bureaus' must be an array of tables ([[bureaus]])")
    if not raw:
        raise ConfigError(f"{path}: [[bureaus]] lists no body")
    bodies: list[Body] = []
    claimed: dict[str, str] = {}
    for n, table in enumerate(raw, 1):
        where = f"[[bureaus]] #{n}"
        body_id = table.get("id")
        if not isinstance(body_id, str) or not _ID.fullmatch(body_id):
            got = "nothing" if body_id is None else reprlib.repr(body_id)
            raise ConfigError(f"{path}: {where}: key 'id' is required and must be letters, "
                              f"digits, '-', '_' or '.' (got {got})")
        where = f"[[bureaus]] {body_id!r}"
        for key in table:
            if key not in BODY_KEYS:
                raise ConfigError(f"{path}: {where}: unknown key {key!r} "
                                  f"(known: {', '.join(sorted(BODY_KEYS))})")
        if any(b.id == body_id for b in bodies):
            raise ConfigError(f"{path}: {where}: duplicate id (ids must be unique)")
        body = _body(path, where + ":", table, body_id)
        if "rules" in table:
            body = replace(body, rules_path=_rules_file(path, where, table["rules"]))
        for alias in body.aliases:
            if alias in claimed:
                raise ConfigError(f"{path}: {where}: alias {alias!r} is also one of "
                                  f"{claimed[alias]!r}'s: attribution could not tell them apart")
            claimed[alias] = body_id
        bodies.append(body)
    return tuple(bodies), True


def _rules_file(path: Path, where: str, value: Any) -> Path:
    """A body's own rules file: a path (beside the config unless absolute) that exists."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {where}: key 'rules' must be the path of a rules file "
                          f"(its own categories), got {reprlib.repr(value)}")
    file = Path(value) if Path(value).is_absolute() else path.parent / value
    if not file.is_file():
        raise ConfigError(f"{path}: {where}: rules file {file} does not exist "
                          f"(`gongkai init` writes a rules.toml to start from)")
    return file


def _body(path: Path, where: str, table: dict, body_id: str) -> Body:
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        what = "the bureau's full name" if where == "[bureau]" else "the body's full name"
        raise ConfigError(f"{path}: {where} key 'name' is required ({what})")
    aliases = table.get("aliases", [name])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ConfigError(f"{path}: {where} key 'aliases' must be a list of non-empty strings")
    return Body(id=body_id, name=name.strip(), aliases=tuple(dict.fromkeys([name, *aliases])))


def _get(path: Path, where: str, table: dict, key: str, kind: type | tuple, default: Any,
         what: str) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ConfigError(f"{path}: [{where}] key {key!r} must be {what}, got {value!r}")
    return value


def _clock_time(path: Path, where: str, table: dict, key: str, default: str,
                allow_empty: bool = False) -> str:
    value = _get(path, where, table, key, str, default, "a Beijing time like \"08:30\"")
    if allow_empty and value == "":
        return value
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ConfigError(f"{path}: [{where}] key {key!r} must be a Beijing time like "
                          f"\"08:30\", got {value!r}")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _positive(path: Path, where: str, table: dict, key: str, default: int, high: int) -> int:
    """A whole number from 1 to ``high``: the cap keeps a typo from overflowing a timedelta or
    a rotation loop at run time."""
    value = _get(path, where, table, key, int, default, "a positive whole number")
    if value < 1:
        raise ConfigError(f"{path}: [{where}] key {key!r} must be a positive whole number, "
                          f"got {value!r}")
    if value > high:
        raise ConfigError(f"{path}: [{where}] key {key!r} must be at most {high:,}, got {value!r}")
    return value


def _rel(path: Path, value: str) -> Path:
    return Path(value) if Path(value).is_absolute() else path.parent / value


def _report_data(path: Path, value: Any) -> str | None:
    """[report] data = "report-{year}.toml": "{year}" and, for a district's bodies, "{bureau}"
    (a body's id) are the only placeholders allowed."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: [report] key 'data' must be a file path string like "
                          f"\"report-{{year}}.toml\"")
    rest = value.replace("{year}", "").replace("{bureau}", "")
    if "{" in rest or "}" in rest:
        raise ConfigError(f"{path}: [report] key 'data' may use only the placeholders {{year}} "
                          f"and {{bureau}}, got {value!r}")
    return str(_rel(path, value))


def _ops_sections(path: Path, sections: dict
                  ) -> tuple[AlertsConfig, BackupConfig | None, LogConfig | None]:
    """[alerts] (with [alerts.email]), [backup] and [log]."""
    a = sections["alerts"]
    kind = _get(path, "alerts", a, "kind", str, "json", "a string")
    if kind not in WEBHOOK_KINDS:
        raise ConfigError(f"{path}: [alerts] key 'kind' must be one of "
                          f"{', '.join(WEBHOOK_KINDS)} (got {kind!r})")
    webhook = _get(path, "alerts", a, "webhook", str, "", "a URL string")
    if webhook:
        try:
            collectors.check_url(webhook, "webhook")
        except collectors.ConfigError as e:
            raise ConfigError(f"{path}: [alerts] {e}") from None
    email = None
    if "email" in a:
        e = _check_keys(path, "alerts.email", a["email"], EMAIL_KEYS)
        to = e.get("to")
        if isinstance(to, str):
            to = [to]
        if not to or not isinstance(to, list) or not all(isinstance(t, str) and "@" in t
                                                         for t in to):
            raise ConfigError(f"{path}: [alerts.email] key 'to' must be an address or a list of "
                              f"addresses")
        host = _get(path, "alerts.email", e, "host", str, "", "the SMTP server's host name")
        if not host:
            raise ConfigError(f"{path}: [alerts.email] key 'host' is required")
        use_ssl = _get(path, "alerts.email", e, "ssl", bool, False, "true or false")
        email = EmailConfig(
            host=host,
            port=_positive(path, "alerts.email", e, "port", 465 if use_ssl else 25, 65535),
            sender=_get(path, "alerts.email", e, "from", str, f"gongkai@{host}", "an address"),
            to=tuple(to), user=_get(path, "alerts.email", e, "user", str, "", "a string"),
            password=_get(path, "alerts.email", e, "password", str, "", "a string"),
            password_env=_get(path, "alerts.email", e, "password_env", str, "",
                              "an environment variable name"),
            starttls=_get(path, "alerts.email", e, "starttls", bool, False, "true or false"),
            ssl=use_ssl)
    alerts = AlertsConfig(
        after_failures=_positive(path, "alerts", a, "after_failures", 3, 1000),
        quiet_days_min=_positive(path, "alerts", a, "quiet_days_min", 7, 366),
        digest_at=_clock_time(path, "alerts", a, "digest_at", "08:30", allow_empty=True),
        webhook=webhook, kind=kind, email=email)
    b = sections["backup"]
    backup = None
    if b:
        d = _get(path, "backup", b, "dir", str, "", "a folder path string")
        if not d:
            raise ConfigError(f"{path}: [backup] key 'dir' is required (where backups go)")
        backup = BackupConfig(dir=_rel(path, d),
                              keep=_positive(path, "backup", b, "keep", 14, 10_000),
                              at=_clock_time(path, "backup", b, "at", "02:30"))
    lg = sections["log"]
    log = None
    if lg:
        f = _get(path, "log", lg, "file", str, "", "a file path string")
        if not f:
            raise ConfigError(f"{path}: [log] key 'file' is required")
        level = _get(path, "log", lg, "level", str, "INFO", "a string").upper()
        if level not in LOG_LEVELS:
            raise ConfigError(f"{path}: [log] key 'level' must be one of {', '.join(LOG_LEVELS)}")
        log = LogConfig(file=_rel(path, f), max_bytes=_positive(path, "log", lg, "max_bytes",
                                                                5_000_000, 10_000_000_000),
                        keep=_positive(path, "log", lg, "keep", 5, 1000), level=level)
    return alerts, backup, log


def _source(path: Path, n: int, raw: Any, bodies: tuple[Body, ...], district: bool) -> Source:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: sources #{n} must be a table")
    sid = raw.get("id")
    if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", sid or ""):
        got = "nothing" if sid is None else repr(sid)
        raise ConfigError(f"{path}: sources #{n}: key 'id' is required and must be letters, "
                          f"digits, '-', '_' or '.' (got {got})")
    where = f"{path}: source {sid!r}"
    kind_name = raw.get("type")
    kind = collectors.REGISTRY.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        known = ", ".join(sorted(collectors.REGISTRY))
        raise ConfigError(f"{where}: key 'type' must be one of {known} (got {kind_name!r})")
    channel = raw.get("channel")
    if not isinstance(channel, str) or not channel.strip():
        raise ConfigError(f"{where}: key 'channel' is required (e.g. website, wechat, board)")
    try:
        interval = parse_interval(raw.get("interval", "6h"))
    except ValueError as e:
        raise ConfigError(f"{where}: key 'interval' {e}") from None
    owners, shared = _owners(where, raw, bodies, district)
    attribution = raw.get("attribution", "mention" if shared else "all")
    if attribution not in ATTRIBUTIONS:
        raise ConfigError(f"{where}: key 'attribution' must be 'all' or 'mention' "
                          f"(got {attribution!r})")
    if shared and attribution != "mention":
        raise ConfigError(f"{where}: key 'attribution' must be 'mention' on a shared source "
                          f"(bureaus = ...): each item goes to the body that published it")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: key 'enabled' must be true or false")
    label = raw.get("label", "")
    if not isinstance(label, str) or ("label" in raw and not label.strip()) \
            or len(label) > MAX_LABEL or not label.isprintable():
        raise ConfigError(f"{where}: key 'label' must be a name of 1-{MAX_LABEL} characters "
                          f"without line breaks (e.g. \"区政府官网专栏\"), got {reprlib.repr(label)}")
    for key in raw:
        if key not in COMMON_KEYS | OWNER_KEYS and key not in kind.options:
            known = ", ".join(sorted(COMMON_KEYS | OWNER_KEYS | set(kind.options)))
            raise ConfigError(f"{where}: unknown key {key!r} for type {kind_name!r} "
                              f"(known: {known})")
    options = {k: v for k, v in raw.items() if k not in COMMON_KEYS | OWNER_KEYS}
    try:
        options = kind.validate(options)
    except collectors.ConfigError as e:
        raise ConfigError(f"{where}: {e}") from None
    return Source(id=sid, type=kind_name, channel=channel.strip(), interval_s=interval,
                  attribution=attribution, enabled=enabled, options=options,
                  label=" ".join(label.split()), bureaus=owners, shared=shared)


def _owners(where: str, raw: dict, bodies: tuple[Body, ...], district: bool
            ) -> tuple[tuple[str, ...], bool]:
    """Whose items a source carries: ``bureau = "ID"`` (one owner) or ``bureaus = ["ID", ...]``
    / ``"*"`` (shared: each item attributed among them). A [bureau] config's sources belong to
    its one body unless they say otherwise."""
    known = [b.id for b in bodies]
    listed = ", ".join(known)
    if "bureau" in raw and "bureaus" in raw:
        raise ConfigError(f"{where}: keys 'bureau' and 'bureaus' both given: one owner is "
                          f"bureau = \"ID\", a shared source lists bureaus = [\"ID\", ...]")
    if "bureau" in raw:
        owner = raw["bureau"]
        if not isinstance(owner, str) or owner not in known:
            raise ConfigError(f"{where}: key 'bureau' must be the id of a body "
                              f"(known: {listed}), got {reprlib.repr(owner)}")
        return (owner,), False
    if "bureaus" in raw:
        value = raw["bureaus"]
        if value == "*":
            return tuple(known), True
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: key 'bureaus' must be \"*\" or a non-empty list of body "
                              f"ids (known: {listed}), got {reprlib.repr(value)}")
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ConfigError(f"{where}: key 'bureaus' names unknown body {unknown[0]!r} "
                              f"(known: {listed})")
        return tuple(dict.fromkeys(value)), True
    if district:
        raise ConfigError(f"{where}: key 'bureau' is required in a [[bureaus]] config: "
                          f"bureau = \"ID\" for one body's channel, or bureaus = [\"ID\", ...] "
                          f"or \"*\" for a shared one (known: {listed})")
    return (known[0],), False


def _named(sources: list[Source], report_channels: list[str]) -> list[Source]:
    """Each source with its display name and its channel's (see gongkai.display)."""
    from . import display
    channels: dict[str, tuple[set, set]] = {}
    for s in sources:
        types, hosts = channels.setdefault(s.channel, (set(), set()))
        types.add(s.type)
        hosts.update(h for h in s.options.get("allow_hosts") or () if isinstance(h, str))
    names = display.channel_names(
        [(ch, display.channel_kind(ch, t, h)) for ch, (t, h) in channels.items()], report_channels)
    for ch in channels:
        own = {s.label for s in sources if s.channel == ch and s.label}
        if len(own) == 1:
            names[ch] = own.pop()
    labels = display.unique({s.id: s.label or names[s.channel] for s in sources})
    return [replace(s, label=labels[s.id], channel_label=names[s.channel]) for s in sources]
