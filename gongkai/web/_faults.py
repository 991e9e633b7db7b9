"""When the database or the disk under it fails (full, read-only, damaged, not ours), every
page says what is wrong with HTTP 503 instead of a bare 500. Each request opens its own
connection, so once space is freed the next request simply works: no restart."""
from __future__ import annotations

import logging
import sqlite3

from flask import Flask, jsonify, make_response, render_template, request

import store as store_mod

log = logging.getLogger(__name__)

RETRY_AFTER_S = 60


def install(app: Flask) -> None:
    app.register_error_handler(store_mod.Unavailable, _unavailable)
    app.register_error_handler(sqlite3.DatabaseError, _unavailable)
    app.register_error_handler(OSError, _unavailable)


def _unavailable(e: Exception):
    reason = str(e) if isinstance(e, store_mod.Unavailable) else store_mod.fault(e)
    if reason is None:
        raise e             # not the disk's or the file's fault: a bug, a plain 500
    log.error("%s %s: %s", request.method, request.path, reason)
    if request.path.startswith("/api/"):
        resp = jsonify({"error": reason})
    else:
        resp = make_response(render_template("unavailable.html", reason=reason))
    resp.status_code = 503
    resp.headers["Retry-After"] = str(RETRY_AFTER_S)
    return resp
