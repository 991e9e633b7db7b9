"""Login throttling (issue 15): a growing wait after repeated failures, per account and per address.

Each account may fail ``ACCOUNT_FREE`` times and each address ``ADDRESS_FREE`` times (an office
behind one NAT address shares it) before every further failure locks that key for twice as long
as the one before: 1 s, 2 s, 4 s … up to 15 minutes. While a key is locked no password is
checked at all, so the right one is refused too until the lock ends. A success clears the
account's count; failures are forgotten a day after the last one. Counts live in the database so
a restart does not reset them and every worker thread sees the same numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import store as store_mod

ACCOUNT_FREE = 5
ADDRESS_FREE = 20
FIRST_LOCK = timedelta(seconds=1)
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)
_NAME_CHARS = 65           # longer than any account name (64): longer guesses share one key


@dataclass(frozen=True)
class Lock:
    until: datetime
    what: str              # "account" | "address"

    def seconds(self, now: datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds()))

    def reason(self, now: datetime) -> str:
        wait = self.seconds(now)
        when = f"{wait} s" if wait < 120 else f"{math.ceil(wait / 60)} min"
        who = "this account" if self.what == "account" else "your address"
        return f"登录失败次数过多，请 {when} 后再试 (too many failed logins for {who}; try again in {when})"


def _keys(name: str, address: str) -> dict[str, int]:
    return {f"account:{name[:_NAME_CHARS]}": ACCOUNT_FREE, f"address:{address}": ADDRESS_FREE}


def lock_for(failures: int, free: int) -> timedelta:
    """How long a key with ``failures`` recorded failures stays locked after the last one."""
    if failures <= free:
        return timedelta(0)
    return min(MAX_LOCK, FIRST_LOCK * 2 ** min(failures - free - 1, 30))


def locked(st: store_mod.Store, name: str, address: str, now: datetime) -> Lock | None:
    """The lock in force for this account or this address (the later-ending one), or None."""
    keys = _keys(name, address)
    found = None
    for key, (failures, last_at) in st.login_failures(keys).items():
        until = last_at + lock_for(failures, keys[key])
        if until > now and (found is None or until > found.until):
            found = Lock(until, key.split(":", 1)[0])
    return found


def failed(st: store_mod.Store, name: str, address: str, now: datetime) -> None:
    st.record_login_failure(_keys(name, address), now=now, forget_before=now - FORGET_AFTER)


def succeeded(st: store_mod.Store, name: str) -> None:
    # the address keeps its count: one valid account must not buy fresh guesses at the others
    st.clear_login_failures(next(iter(_keys(name, ""))))
