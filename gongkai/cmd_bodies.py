"""`gongkai reattribute`: a district's shared-source items asked again whose they are, after a
config edit (gongkai/reattribute.py says what every crawl does on its own)."""
from __future__ import annotations

from datetime import datetime, timezone

from . import app, reattribute


def register(sub, common) -> None:
    s = sub.add_parser("reattribute", parents=[common],
                       help="district: ask the shared sources' stored items again whose they are "
                            "(after editing bodies or aliases); --apply to write")
    s.add_argument("--apply", action="store_true",
                   help="write the changes, taking off bodies an item no longer names")
    s.add_argument("--rename", metavar="OLD=NEW",
                   help="a body's id renamed in the config: give OLD's items and accounts to NEW")
    s.add_argument("--by", default=None, metavar="NAME", help="who (default: the login name)")
    s.set_defaults(func=cmd_reattribute)


def cmd_reattribute(args) -> int:
    cfg = app.load_config(args)
    if not cfg.district:
        raise app.UsageError(f"{cfg.path} has one body ([bureau]): every item is its own, there "
                             "is nothing to attribute again")
    actor, now = args.by or app.login_name(), datetime.now(timezone.utc)
    with app.open_store(args, cfg) as st:
        if args.rename:
            old, sep, new = args.rename.partition("=")
            if not sep or not old or not new:
                raise app.UsageError(f"--rename needs OLD=NEW (got {args.rename!r})")
            cfg.body(new)       # the new id must be the config's: a clear error otherwise
            if old in {b.id for b in cfg.bodies}:
                raise app.UsageError(f"{old!r} is still a body of {cfg.path}: rename it there "
                                     "first, then give its items to the new id")
            if not st.knows_body(old):
                raise app.UsageError(f"the record names no body {old!r}: nothing to give to "
                                     f"{new} (a typo? the ids it names are in the warnings of "
                                     "`gongkai counts --all`)")
            n = st.rename_body(old, new, now=now, actor=actor)
            print(f"{n} item(s) attributed to {old} now count for {new}; accounts bound to {old} "
                  f"are bound to {new}. A report data file named after {old} keeps its name: "
                  "rename it too if [report] data uses {bureau}.")
            return 0
        reattribute.sync(cfg, st, now)
        found = reattribute.plan(cfg, st, lambda src: set(src.bureaus), take_off=True)
        for body, ids in sorted(found.gained.items()):
            print(f"+ {body}: {len(ids)} item(s) name it and do not count for it: "
                  f"{_ids(ids)}")
        for body, ids in sorted(found.lost.items()):
            print(f"- {body}: {len(ids)} item(s) count for it and no longer name it: "
                  f"{_ids(ids)}")
        if not found.changes:
            print("every shared-source item is attributed as the config reads it now")
            return 0
        if not args.apply:
            print(f"nothing written: {len(found.changes)} item(s) would change; "
                  "`gongkai reattribute --apply` writes them (audited)")
            return 0
        n = st.reattribute_items(found.changes, now=now, actor=actor,
                                 reason="gongkai reattribute --apply")
    print(f"{n} item(s) attributed again (audited)")
    return 0


def _ids(ids: list[int], limit: int = 20) -> str:
    shown = " ".join(f"#{i}" for i in ids[:limit])
    return shown + (f" … and {len(ids) - limit} more" if len(ids) > limit else "")
