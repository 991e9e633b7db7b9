"""serve, user, export, import-review, review: the officer's review of the bot's decisions."""
from __future__ import annotations

import getpass
import sys
from datetime import datetime, timezone
from pathlib import Path

from collectors import BEIJING
from report._atomic import write_atomic
import store as store_mod

from . import app, display, review_dates
from .cleantext import clean_line

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MIN_PASSWORD = 8
SERVE_THREADS = 8          # a few reviewers; each request is one short query


def register(sub, common) -> None:
    s = sub.add_parser("serve", parents=[common], help="the web review UI (login required)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    s.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    s.add_argument("--behind-proxy", action="store_true",
                   help="served through one HTTPS reverse proxy (nginx, Caddy): trust its "
                        "X-Forwarded-* headers and mark cookies Secure")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("user", parents=[common], help="manage web UI accounts")
    usub = s.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = usub.add_parser("add", parents=[common], help="add an account (password prompted)")
    a.add_argument("name")
    a.add_argument("--role", choices=("admin", "reviewer", "readonly"), default=None,
                   help="admin also manages the accounts (default: admin for the first account, "
                        "reviewer after that; --force keeps an account's role)")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin")
    a.add_argument("--force", action="store_true", help="reset an existing account")
    a.add_argument("--bureau", default=None, metavar="ID",
                   help="bind the account to one body of a [[bureaus]] config: it sees only "
                        "that body's items (not for an admin, who sees every body)")
    a.add_argument("--actor", default=None, help="name in the audit log (default: login name)")
    a.set_defaults(func=cmd_user_add)
    a = usub.add_parser("bind", parents=[common],
                        help="bind an account to one body (--bureau ID) or unbind it (--none)")
    a.add_argument("name")
    which = a.add_mutually_exclusive_group(required=True)
    which.add_argument("--bureau", metavar="ID", help="a [[bureaus]] id of the config")
    which.add_argument("--none", action="store_true", help="bound to no body")
    a.add_argument("--actor", default=None, help="name in the audit log (default: login name)")
    a.set_defaults(func=cmd_user_bind)
    a = usub.add_parser("list", parents=[common], help="the accounts, their roles and logins")
    a.set_defaults(func=cmd_user_list)
    a = usub.add_parser("passwd", parents=[common],
                        help="set an account's password (ends its logins)")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin")
    a.add_argument("--actor", default=None, help="name in the audit log (default: login name)")
    a.set_defaults(func=cmd_user_passwd)
    a = usub.add_parser("remove", parents=[common],
                        help="delete an account and its logins (never the last admin)")
    a.add_argument("name")
    a.add_argument("--actor", default=None, help="name in the audit log (default: login name)")
    a.set_defaults(func=cmd_user_remove)

    s = sub.add_parser("export", parents=[common], help="the year's items as an .xlsx to review")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("path", metavar="FILE.xlsx")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("import-review", parents=[common],
                       help="read back a reviewed .xlsx: a diff first, --apply to apply")
    s.add_argument("path", metavar="FILE.xlsx")
    s.add_argument("--apply", action="store_true", help="apply the changes (audited)")
    s.add_argument("--actor", default=None, help="name in the audit log (default: login name)")
    s.set_defaults(func=cmd_import_review)

    s = sub.add_parser("review", parents=[common], help="the review queue in the terminal")
    s.add_argument("--year", type=int)
    s.add_argument("--status", default="todo",
                   help="todo (default), '' for all of ours, not_ours, undated, gone, all")
    s.add_argument("--actor", default=None, help="name in the audit log (default: login name)")
    s.set_defaults(func=cmd_review)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _actor(args) -> str:
    return args.actor or getpass.getuser()


def cmd_serve(args) -> int:
    import waitress

    from .web import create_app
    from .web._secret import KeyFileError
    if not 0 <= args.port <= 65535:
        raise app.UsageError(f"--port must be 0-65535, got {args.port}")
    cfg = app.load_config_optional(args)
    rules = app.load_rules(cfg)
    db = app.db_path(args, cfg)
    # as the daemon: INFO to stderr (the journal) and the [log] file — logins, logouts and the
    # warnings README's "What is logged" promises
    from . import logsetup
    logsetup.setup(cfg.log if cfg else None, verbose=args.verbose)
    with app.open_store(args, cfg) as st:
        if not st.user_count():
            raise app.UsageError("no accounts yet: create one with `gongkai user add NAME`")
    if args.behind_proxy and args.host not in LOOPBACK:
        print(f"gongkai: warning: --behind-proxy trusts X-Forwarded-* from whoever connects: let "
              f"only the proxy reach {args.host}:{args.port} (firewall it)", file=sys.stderr)
    elif not args.behind_proxy and args.host not in LOOPBACK:
        print(f"gongkai: warning: serving plain HTTP on {args.host}; put it behind an HTTPS "
              f"reverse proxy and pass --behind-proxy (README: Security and deployment)",
              file=sys.stderr)
    try:
        web = create_app(db, rules, bureau=cfg.bureau if cfg else "",
                         behind_proxy=args.behind_proxy, config=cfg)
    except KeyFileError as e:
        raise app.UsageError(str(e)) from None
    try:
        # waitress, a production WSGI server (Werkzeug's is for development). It binds here, so
        # a port in use is one line before anything is printed. waitress passes forwarded headers
        # through: behind the proxy the app's own ProxyFix reads them; without --behind-proxy the
        # app ignores them and warns once that they arrive (waitress would drop them silently).
        server = waitress.create_server(
            web, host=args.host, port=args.port, threads=SERVE_THREADS, ident="gongkai",
            clear_untrusted_proxy_headers=False)
    except OSError as e:
        raise app.UsageError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    # one socket, or several when a name (localhost) has IPv4 and IPv6 addresses
    port = (getattr(server, "effective_listen", None) or [(None, server.effective_port)])[0][1]
    via = "; open it through the HTTPS proxy" if args.behind_proxy else ""
    print(f"review UI on http://{args.host}:{port}/ (Ctrl-C to stop{via})", flush=True)
    try:
        server.run()
    finally:
        server.close()
    return 0


def _password(args) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise app.UsageError("the two passwords differ")
    check_password(password)
    return password


def check_password(password: str) -> None:
    """The one password rule, for the CLI and the users page alike."""
    if len(password) < MIN_PASSWORD:
        raise app.UsageError(f"password too short: at least {MIN_PASSWORD} characters")


def check_body(cfg, body: str | None) -> str | None:
    """The body an account is to be bound to, checked against the config (None: no body)."""
    if not body:
        return None
    if cfg is None:
        raise app.UsageError(f"cannot bind to body {body!r} without the config that lists the "
                             "bodies: pass --config gongkai.toml")
    known = [b.id for b in cfg.bodies]
    if body not in known:
        raise app.UsageError(f"unknown body {body!r}: {cfg.path} lists {', '.join(known)}")
    return body


def cmd_user_add(args) -> int:
    from store import access

    from .web._auth import hash_password
    cfg = app.load_config_optional(args)
    body = check_body(cfg, args.bureau)          # every check before the password prompt
    if body and app.db_path(args, cfg).exists():
        with app.open_store(args, cfg) as st:
            access.account_role(st, args.name, args.role, body, replace=args.force)
    elif body and args.role is None:            # a new database: its first account is an admin
        raise app.UsageError(f"{args.name!r} would be the first admin, who sees every body: add "
                             "an admin first (`gongkai user add NAME`), or pass --role reviewer "
                             "(or readonly) with --bureau")
    elif body and args.role == "admin":
        raise app.UsageError("an admin sees every body: --bureau is for a reviewer or a "
                             "read-only account")
    password = _password(args)
    with app.open_store(args, cfg) as st:
        # checked again with the writes, in one transaction: a refusal writes nothing
        role = access.add_account(st, args.name, hash_password(password), args.role, body,
                                  now=_now(), actor=_actor(args), replace=args.force)
    print(f"account {args.name} ({role}{', ' + body if body else ''}) saved")
    return 0


def cmd_user_bind(args) -> int:
    from store import access
    cfg = app.load_config_optional(args)
    body = None if args.none else check_body(cfg, args.bureau)
    with app.open_store(args, cfg) as st:
        access.bind_user(st, args.name, body, now=_now(), actor=_actor(args))
    print(f"account {args.name} " + (f"bound to {body}; its logins are ended" if body
                                     else "bound to no body"))
    return 0


def cmd_user_list(args) -> int:
    from store import access
    cfg = app.load_config_optional(args)
    with app.open_store(args, cfg) as st:
        users = st.users(now=_now())
        bodies = access.user_bodies(st)
    if not users:
        print("no accounts yet: create one with `gongkai user add NAME`")
        return 0
    print(f"{'NAME':<20} {'ROLE':<9} {'LOGINS':>6}  {'CHANGED (北京时间)':<16}  BODY")
    for u in users:
        changed = u["updated_at"] or u["created_at"]
        when = (datetime.fromisoformat(changed).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
                if changed else "-")
        body = bodies.get(u["name"]) or ("all" if u["role"] == "admin" else "-")
        print(clean_line(f"{u['name']:<20} {u['role']:<9} {u['sessions']:>6}  {when:<16}  {body}"))
    return 0


def cmd_user_passwd(args) -> int:
    from .web._auth import hash_password
    cfg = app.load_config_optional(args)
    with app.open_store(args, cfg) as st:
        if st.user(args.name) is None:      # before asking for a password nobody will use
            raise app.UsageError(f"no account named {args.name!r} (`gongkai user list`)")
        st.set_password(args.name, hash_password(_password(args)), now=_now(),
                        actor=_actor(args))
    print(f"password of {args.name} changed; its logins are ended")
    return 0


def cmd_user_remove(args) -> int:
    cfg = app.load_config_optional(args)
    with app.open_store(args, cfg) as st:
        st.remove_user(args.name, now=_now(), actor=_actor(args))
    print(f"account {args.name} removed")
    return 0


def cmd_export(args) -> int:
    from . import review_xlsx
    path = Path(args.path)
    if path.suffix.lower() != ".xlsx":
        raise app.UsageError(f"{path}: the export is an .xlsx file")
    cfg = app.load_config_optional(args)
    rules = app.load_rules(cfg)
    with app.open_store(args, cfg) as st:
        rows = st.export_rows(args.year)
        names = display.names_for(st, cfg)
    write_atomic(path, lambda tmp: review_xlsx.write(tmp, rows, rules.names, names))
    print(f"wrote {path}: {len(rows)} items of {args.year}")
    return 0


def cmd_import_review(args) -> int:
    from . import review_xlsx
    cfg = app.load_config_optional(args)
    rules = app.load_rules(cfg)
    sheet = review_xlsx.read_review(Path(args.path), rules.names,
                                    {c.label: c.name for c in rules.categories})
    with app.open_store(args, cfg) as st:
        out = st.apply_review_import(sheet.changes, actor=_actor(args), now=_now(),
                                     dry_run=not args.apply)
        dates = review_dates.import_dates(st, rules, sheet.dates, actor=_actor(args),
                                         apply=args.apply, now=_now)
    for line in sheet.ignored:
        print(f"IGNORED {line}")
    for line in sheet.left:
        print(f"LEFT {line}")
    for d in dates["applied"]:
        print(f"#{d['item_id']}: date {d['was'] or 'undated'} -> {d['day']}")
    out["conflicts"] += dates["conflicts"]
    for ch in out["applied"]:
        print(f"#{ch['item_id']}: {_desc(ch['old_category'], ch['old_attribution'])} -> "
              f"{_desc(ch.get('category') or ch['old_category'], ch.get('attribution') or ch['old_attribution'])}")
    for ch in out["conflicts"]:
        wants = (f"date {ch['day']}" if "day" in ch
                 else _desc(ch.get('category'), ch.get('attribution')))
        print(f"CONFLICT #{ch['item_id']}: {ch['why']}; sheet wants {wants} — not applied")
    verb = "applied" if args.apply else "would apply (dry run; pass --apply)"
    already = len(out["already"]) + len(dates["already"])
    print(f"{len(out['applied']) + len(dates['applied'])} change(s) {verb}, "
          f"{len(out['conflicts'])} conflict(s), {already} already so"
          + (f", {len(sheet.ignored)} edit(s) ignored (above)" if sheet.ignored else "")
          + (f", {len(sheet.left)} row(s) left unchanged (above)" if sheet.left else ""))
    return 0


def _desc(category, attribution) -> str:
    return f"{category or '-'}" + (" (not ours)" if attribution == "not_ours" else "")


def cmd_review(args) -> int:
    cfg = app.load_config_optional(args)
    rules = app.load_rules(cfg)
    keys = {c.key: c.name for c in rules.categories}
    menu = "  ".join(f"{c.key} {c.name}" for c in rules.categories) + "  n not-ours  s skip  q quit"
    actor = _actor(args)
    seen: set[int] = set()
    done = 0
    with app.open_store(args, cfg) as st:
        while True:
            row = next((r for r in st.review_queue(year=args.year, status=args.status,
                                                   limit=len(seen) + 1) if r["id"] not in seen),
                       None)
            if row is None:
                break
            seen.add(row["id"])
            _show(row, display.names_for(st, cfg))
            # an item whose dates disagree: its candidate days, and the key that settles one
            days = store_mod.date_choices(st.item(row["id"])["meta_json"])
            if len(days) > 1:
                print(f"  dates 日期: {review_dates.choices_line(days)}  (d: settle the date)")
            while True:
                try:
                    answer = input(f"{menu}{'  d date' if len(days) > 1 else ''}\n> ").strip()
                except EOFError:
                    answer = "q"
                if answer == "q":
                    print(f"{done} decision(s) recorded")
                    return 0
                if answer == "s":
                    break
                if answer == "d":
                    if _settle_date(st, rules, row["id"], days, actor):
                        done += 1
                    continue
                if answer == "n":
                    new = "ours" if row["attribution"] == "not_ours" else "not_ours"
                    st.review_set_attribution(row["id"], new, actor=actor, now=_now())
                    done += 1
                    break
                if answer in keys:
                    st.review_set_category(row["id"], keys[answer], actor=actor, now=_now())
                    done += 1
                    break
                print("?")
    print(f"queue done; {done} decision(s) recorded")
    return 0


def _settle_date(st, rules, item_id: int, days: list[str], actor: str) -> bool:
    """Ask for the item's day (a candidate's number or a typed YYYY-MM-DD) and set it."""
    try:
        answer = input(f"date of #{item_id}: {review_dates.choices_line(days)} or YYYY-MM-DD "
                       "(empty: back)\n> ").strip()
    except EOFError:
        answer = ""
    if not answer:
        return False
    try:
        day = review_dates.choose(answer, days)
    except review_dates.BadDate as e:
        print(f"? {e}")
        return False
    done = review_dates.settle(st, rules, item_id, day, actor=actor, now=_now,
                               reason="gongkai review")
    print(f"#{item_id}: date {done['old'] or 'undated'} -> {done['new']} (audited; the item's "
          "web page undoes it, key u)")
    return True


def _show(row: dict, names: display.Names | None = None) -> None:
    # Every line is passed through clean_line: an item stored before text was cleaned at the door
    # may hold an escape sequence (ESC[2J clears the screen, OSC retitles the window) or a bidi
    # override, and the evidence quotes the item's own text.
    def out(line: str) -> None:
        print(clean_line(line))
    print()
    names = names or display.Names()
    where = names.channel(row["channel"])
    if names.source(row["source_id"]) != where:
        where += f"（{names.source(row['source_id'])}）"
    out(f"#{row['id']}  {row['pub_date'] or 'undated'}  {where}")
    out(f"  {row['title']}")
    score = "-" if row["score"] is None else f"{row['score']:.1f}"
    margin = "-" if row["margin"] is None else f"{row['margin']:.1f}"
    flag = " NEEDS REVIEW" if row["needs_review"] and row["decided_by"] == "auto" else ""
    out(f"  category {row['category'] or '-'} (score {score}, margin {margin}){flag}"
        f"{'  [not ours]' if row['attribution'] == 'not_ours' else ''}")
    for e in row["evidence"][:8]:
        out(f"    {display.evidence_text(e)}（{e['weight']:g}）-> {e['category']}")
