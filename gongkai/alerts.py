"""Alerts: a source failing N runs in a row, a column left unread past its page cap, a source
gone quiet, and the daily digest.

Each alert is a row in the store's ``alerts`` table: opened once per failure streak (or quiet spell,
or Beijing day for the digest), sent once to every configured channel, retried with growing pauses
when a channel refuses, and resolved when the source recovers — a new streak opens a new alert.
"""
from __future__ import annotations

import json
import logging
import os
import smtplib
import statistics
import urllib.error
import urllib.request
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from typing import Callable

import collectors
from store import Store

from .config import AlertsConfig, Config

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 10
RETRY_FIRST_S = 300          # a refused send is retried after 5 min, 10, 20 ... at most every 6 h
RETRY_MAX_S = 6 * 3600
QUIET_UNKNOWN_DAYS = 30      # before a source has a rhythm (fewer than 3 gaps), wait this long
TAG = "[gongkai]"            # DingTalk's keyword security needs a fixed word in every message


class SendError(Exception):
    """A channel refused or could not be reached."""


# -- detecting -----------------------------------------------------------------------------------

def quiet_after(first_seen: list[str], min_days: int) -> timedelta:
    """How long a source may go without a new item: max(3 x median gap, min_days).

    Gaps are between distinct days of first sight, so a first crawl that found a year of items at
    once does not make the rhythm look like "every second"."""
    days = sorted({s[:10] for s in first_seen})
    gaps = [(datetime.fromisoformat(b) - datetime.fromisoformat(a)).days
            for a, b in zip(days, days[1:])]
    if len(gaps) < 3:
        return timedelta(days=max(QUIET_UNKNOWN_DAYS, min_days))
    return max(3 * timedelta(days=statistics.median(gaps)), timedelta(days=min_days))


def check_sources(cfg: Config, st: Store, now: datetime, source_ids: list[str] | None = None,
                  *, quiet: bool = True) -> None:
    """Open or resolve the failing (and, with ``quiet``, the quiet) alerts of these sources."""
    ac = cfg.alerts
    enabled = [s for s in cfg.sources if s.enabled and (source_ids is None or s.id in source_ids)]
    for src in enabled:
        streak, reason = st.failure_streak(src.id)
        opened = st.open_alert(src.id, "failing")
        if streak >= ac.after_failures and opened is None:
            st.add_alert(src.id, "failing", now=now,
                         subject=f"{TAG} source {src.id} failed {streak} times in a row",
                         body=f"Source {src.id} ({src.channel}, {src.url}) has failed {streak} "
                              f"runs in a row. Last reason: {reason or 'unknown'}.\n"
                              f"Check it with `gongkai status`; items published meanwhile are "
                              f"missing from the counts until it works again.")
            log.warning("alert: source %s failing (%d in a row): %s", src.id, streak, reason)
        elif streak == 0 and opened is not None:
            st.resolve_alert(opened["id"], now)
            log.info("alert resolved: source %s works again", src.id)
        _check_cap(st, src, now)
        if quiet:
            _check_quiet(ac, st, src, now)


def _check_cap(st: Store, src, now: datetime) -> None:
    """A pass stopped by the default ``max_pages`` is a warning the crawl prints; a second pass
    with the rest of the column still unread raises an alert as a failure would. A cap set in
    the source's config was chosen knowingly: shown by `gongkai status`, never alerted."""
    cap = st.memo(src.id).get("page_cap")
    opened = st.open_alert(src.id, "capped")
    if isinstance(cap, dict) and cap.get("passes", 0) >= 2 and not cap.get("chosen"):
        if opened is None:
            st.add_alert(src.id, "capped", now=now,
                         subject=f"{TAG} source {src.id} stopped at its page cap",
                         body=f"Source {src.id} ({src.channel}, {src.url}): {cap.get('note')}. "
                              f"Its older items are not in the record, nor in the counts: raise "
                              f"max_pages for it, then `gongkai crawl --source {src.id} --since "
                              f"DATE` reads on.")
            log.warning("alert: source %s %s", src.id, cap.get("note"))
    elif opened is not None:
        st.resolve_alert(opened["id"], now)


def _check_quiet(ac: AlertsConfig, st: Store, src, now: datetime) -> None:
    seen = st.item_rhythm(src.id)
    opened = st.open_alert(src.id, "quiet")
    if not seen:
        return      # never had an item: a failing streak, not silence, is what to report
    last = datetime.fromisoformat(seen[0])
    limit = quiet_after(seen, ac.quiet_days_min)
    if now - last > limit and opened is None:
        days = (now - last).days
        st.add_alert(src.id, "quiet", now=now,
                     subject=f"{TAG} source {src.id} quiet for {days} days",
                     body=f"Source {src.id} ({src.channel}, {src.url}) has brought no new item for "
                          f"{days} days; its usual rhythm allows {limit.days}. Check that the "
                          f"column still exists and that the bridge is logged in.")
        log.warning("alert: source %s quiet for %d days", src.id, days)
    elif now - last <= limit and opened is not None:
        st.resolve_alert(opened["id"], now)


def check_digest(cfg: Config, st: Store, now: datetime) -> bool:
    """Open today's digest once, at or after [alerts] digest_at (Beijing time)."""
    at = cfg.alerts.digest_at
    if not at:
        return False
    local = now.astimezone(collectors.BEIJING)
    hh, mm = (int(x) for x in at.split(":"))
    if local.time() < time(hh, mm):
        return False
    day = local.date().isoformat()
    if st.has_alert_ref("digest", day):
        return False
    new = st.new_items_since(now - timedelta(days=1))
    failing = [(s.id, *st.failure_streak(s.id)) for s in cfg.sources if s.enabled]
    failing = [f for f in failing if f[1]]
    # by year published, as `gongkai status` says it and `gongkai counts --year` counts it
    by_year = st.review_backlog_by_year()
    backlog = (", ".join(f"{year if year is not None else 'undated'}: {n}"
                         for year, n in by_year.items()) + " (by year published)"
               if by_year else "none")
    lines = [f"New items in the last 24 h: {new}",
             f"Items awaiting review: {backlog}",
             f"Failing sources: {len(failing)}"]
    lines += [f"  - {sid}: {n} failures, {why}" for sid, n, why in failing]
    st.add_alert("", "digest", ref=day, now=now, resolved=True,
                 subject=f"{TAG} daily digest {day}", body="\n".join(lines))
    return True


# -- sending -------------------------------------------------------------------------------------

def webhook_payload(kind: str, subject: str, body: str, alert: dict | None = None) -> dict:
    """The JSON a group bot accepts: WeCom and DingTalk text messages, Feishu text, or plain JSON."""
    text = f"{subject}\n{body}"
    if kind in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": text}}
    if kind == "feishu":
        return {"msg_type": "text", "content": {"text": text}}
    a = alert or {}
    return {"source": a.get("source", ""), "kind": a.get("kind", ""),
            "opened_at": a.get("opened_at", ""), "subject": subject, "text": body}


def send_webhook(url: str, payload: dict) -> None:
    req = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=SEND_TIMEOUT_S) as resp:
            raw = resp.read(65536)
    except (urllib.error.URLError, OSError) as e:
        raise SendError(f"webhook {url}: {e}") from e
    # The bots answer HTTP 200 with an error code in the body (bad key, keyword missing, ...).
    try:
        answer = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        return
    if isinstance(answer, dict):
        code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
        if code not in (0, None):
            msg = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage")
            raise SendError(f"webhook {url}: refused with code {code}: {msg}")


def send_email(ec, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, ec.sender, ", ".join(ec.to)
    msg.set_content(body)
    password = ec.password or (os.environ.get(ec.password_env, "") if ec.password_env else "")
    try:
        cls = smtplib.SMTP_SSL if ec.ssl else smtplib.SMTP
        with cls(ec.host, ec.port, timeout=SEND_TIMEOUT_S) as smtp:
            if ec.starttls:
                smtp.starttls()
            if ec.user:
                smtp.login(ec.user, password)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise SendError(f"email via {ec.host}:{ec.port}: {e}") from e


def channels(ac: AlertsConfig) -> list[str]:
    return (["webhook"] if ac.webhook else []) + (["email"] if ac.email else [])


def deliver(cfg: Config, st: Store, now: datetime, *,
            webhook: Callable[[str, dict], None] = send_webhook,
            email: Callable = send_email) -> int:
    """Send every alert not yet sent; returns how many went out completely."""
    ac = cfg.alerts
    wanted = channels(ac)
    if not wanted:
        return 0            # recorded and shown by `gongkai status`; nowhere to send
    sent = 0
    for a in st.alerts_to_send(now):
        done = json.loads(a["delivered"] or "[]")
        error = ""
        for ch in wanted:
            if ch in done:
                continue    # never twice to a channel that already took it
            try:
                if ch == "webhook":
                    webhook(ac.webhook, webhook_payload(ac.kind, a["subject"], a["body"], a))
                else:
                    email(ac.email, a["subject"], a["body"])
                done.append(ch)
            except SendError as e:
                error = str(e)
                log.warning("alert %s not sent: %s", a["id"], e)
        complete = all(ch in done for ch in wanted)
        pause = min(RETRY_FIRST_S * 2 ** a["attempts"], RETRY_MAX_S)
        st.record_delivery(a["id"], delivered=done, done=complete, now=now, error=error,
                           retry_at=None if complete else now + timedelta(seconds=pause))
        sent += complete
    return sent
