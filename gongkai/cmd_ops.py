"""run, status."""
from __future__ import annotations

from datetime import datetime, timezone

import classifier

from . import app


def register(sub, common) -> None:
    s = sub.add_parser("run", parents=[common], help="the daemon: poll each source on its interval")
    s.set_defaults(func=cmd_run)
    s = sub.add_parser("status", parents=[common],
                       help="sources with their health, items awaiting review")
    s.set_defaults(func=cmd_status)


def cmd_run(args) -> int:
    from . import daemon
    cfg = app.load_config(args)
    with app.open_store(args, cfg) as st:
        daemon.run(cfg, st, classifier.Classifier(app.load_rules(cfg)), app.make_http(cfg))
    return 0


def cmd_status(args) -> int:
    cfg = app.load_config(args)
    with app.open_store(args, cfg) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], datetime.now(timezone.utc))
        for s in st.sources():
            state = "disabled" if not s["enabled"] else (
                "FAILING" if s["consecutive_failures"] else
                ("ok" if s["last_success_at"] else "never run"))
            print(f"{s['id']:<20} {s['channel']:<16} {state:<9} last ok {s['last_success_at'] or '-'}"
                  + (f"  failures {s['consecutive_failures']}: {s['last_error']}"
                     if s["consecutive_failures"] else ""))
        print(f"items awaiting review: {st.review_backlog()}")
    return 0
