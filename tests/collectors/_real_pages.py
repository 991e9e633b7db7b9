"""The saved real-page corpus (../shared/real-pages beside the project), read in place: never
copied here, never skipped — a missing corpus fails the test saying where it should be."""
from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path

import pytest

REAL_PAGES = Path(__file__).resolve().parents[2].parent / "shared" / "real-pages"


def corpus_file(*parts: str) -> Path:
    """A file of the corpus; the test fails (does not skip) when the corpus is not there."""
    if not (REAL_PAGES / "serve.py").is_file():
        pytest.fail(f"the real-pages corpus is missing: expected {REAL_PAGES} (../shared/real-pages "
                    "beside the project, with serve.py, manifest.json, expected.json and pages/)")
    path = REAL_PAGES.joinpath(*parts)
    assert path.exists(), f"{path} is missing from the real-pages corpus"
    return path


def expected() -> dict:
    return json.loads(corpus_file("expected.json").read_text("utf-8"))


def manifest() -> dict:
    return json.loads(corpus_file("manifest.json").read_text("utf-8"))


def start():
    """Start the corpus's own servers (its serve.py): ``(bases, logs, servers)`` by site."""
    spec = importlib.util.spec_from_file_location("real_pages_serve", corpus_file("serve.py"))
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    return serve.start(corpus_file("manifest.json"), corpus_file("pages"))


def stop(servers) -> None:
    # one server per saved site, each taking a poll interval to stop: stop them side by side
    stoppers = [threading.Thread(target=srv.shutdown) for srv in servers]
    for t in stoppers:
        t.start()
    for t in stoppers:
        t.join()
    for srv in servers:
        srv.server_close()
