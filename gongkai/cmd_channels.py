"""add, import, dupes: manual channels (the bulletin board) and cross-channel duplicates."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import classifier
import store as store_mod

from . import app, board_copies, board_dates, display, manual
from .config import Config, Source


def register(sub, common) -> None:
    s = sub.add_parser("add", parents=[common],
                       help="record one item of a manual channel (e.g. the bulletin board 公开栏)")
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--source", metavar="ID", help="a manual source of the config")
    which.add_argument("--channel", metavar="NAME", help="the manual source with this channel (e.g. board)")
    s.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the day it was published/posted")
    s.add_argument("--title", required=True)
    s.add_argument("--time", metavar="HH:MM", help="time of day, when known")
    s.add_argument("--body", default="", help="text or summary (helps the classifier)")
    s.add_argument("--url", default="", help="an online version, if any")
    s.add_argument("--byline", default="", help="来源 / 发布机构")
    s.set_defaults(func=cmd_add)

    s = sub.add_parser("import", parents=[common],
                       help="import manual-channel items from an .xlsx or .csv (--template writes one)")
    s.add_argument("file", nargs="?", metavar="FILE", help="an .xlsx or .csv with a header row")
    which = s.add_mutually_exclusive_group()
    which.add_argument("--source", metavar="ID", help="the manual source (default: the only one)")
    which.add_argument("--channel", metavar="NAME", help="the manual source with this channel")
    s.add_argument("--skip-bad", action="store_true", help="import the good rows, skip the bad ones")
    s.add_argument("--dry-run", action="store_true", help="check and show, write nothing")
    s.add_argument("--template", metavar="OUT", help="write an empty .xlsx or .csv with the headers")
    s.add_argument("--force", action="store_true", help="overwrite an existing --template file")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("withdraw", parents=[common],
                       help="take back an entry of a manual channel typed in error (a wrong date, "
                            "a row that was never posted): it is kept, no longer counted")
    s.add_argument("items", nargs="+", type=int, metavar="ITEM", help="item ids (from import/add)")
    s.add_argument("--reason", default="", help="why (kept in the audit log)")
    s.add_argument("--undo", action="store_true", help="count the entries again")
    s.add_argument("--by", default=None, metavar="NAME", help="who (default: the login name)")
    s.set_defaults(func=cmd_withdraw)

    s = sub.add_parser("dupes", parents=[common],
                       help="cross-channel duplicates: clusters, possible duplicates to decide, "
                            "merge/split by hand, rebuild with the detector")
    s.add_argument("action", nargs="?", default="list",
                   choices=("list", "merge", "split", "pairs", "same", "apart", "rebuild"),
                   help="list (default) | merge ITEM ITEM... | split ITEM | pairs (possible "
                        "duplicates to decide) | same PAIR | apart PAIR | rebuild [--dry-run]")
    s.add_argument("items", nargs="*", metavar="ITEM",
                   help="item ids (from `gongkai dupes`), or a pair id for same/apart")
    s.add_argument("--dry-run", action="store_true", help="rebuild: show what would change, write nothing")
    s.add_argument("--year", type=int, help="list only clusters with an item of this year")
    s.add_argument("--json", action="store_true", help="list as JSON")
    s.add_argument("--reason", default="", help="why (kept in the audit log)")
    s.add_argument("--by", default=None, metavar="NAME", help="who (default: the login name)")
    s.set_defaults(func=cmd_dupes)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _manual_source(cfg: Config, source_id: str | None, channel: str | None) -> Source:
    manual_sources = [s for s in cfg.sources if s.type == "manual"]
    listed = ", ".join(f"{s.id} ({s.channel})" for s in manual_sources) or "none configured"
    if source_id:
        src = cfg.source(source_id)
        if src.type != "manual":
            raise app.UsageError(f"source {src.id!r} is a {src.type} source; items can only be "
                                 f"added to manual sources (manual sources: {listed})")
        return src
    if channel:
        found = [s for s in manual_sources if s.channel == channel]
    else:
        found = manual_sources
    if len(found) == 1:
        return found[0]
    what = f" on channel {channel!r}" if channel else ""
    if not found:
        raise app.UsageError(f"no manual source{what} in {cfg.path} (manual sources: {listed}); "
                             "add a [[sources]] with type = \"manual\"")
    raise app.UsageError(f"several manual sources{what}: {listed}; pass --source ID")


def cmd_add(args) -> int:
    cfg = app.load_config(args)
    src = _manual_source(cfg, args.source, args.channel)
    now = _now()
    try:
        entry = manual.make_entry(title=args.title, day=args.date, when=args.time, body=args.body,
                                  url=args.url, byline=args.byline, now=now)
    except manual.ManualError as e:
        raise app.UsageError(str(e)) from None
    rules = app.load_rules(cfg)
    with app.open_store(args, cfg) as st:
        [(_, item_id, is_new)] = manual.store_entries(
            st, cfg, src, [entry], now=now, origin="gongkai add",
            classifier=classifier.Classifier(rules))
        item = st.item(item_id)
        retyped = _retyped(st, src, [(entry, item_id, is_new)])
    verb = "added" if is_new else "already recorded as"
    print(f"{verb} item {item_id} ({src.id}, {item['pub_date']}): {item['title']} "
          f"-> {item['category'] or '?'}" + (" (not ours)" if item["attribution"] != "ours" else ""))
    _tell_retyped(retyped)
    _tell_year_typos([(entry, item_id)])
    return 0


def _tell_year_typos(saved) -> None:
    """Entries whose title names the next year of a January/February date (board_dates)."""
    for entry, _ in saved:
        why = board_dates.entry_conflict(entry.title, entry.day,
                                         entry.sheet_year).get("date_review")
        if why:
            where = f"row {entry.row}" if entry.row else "this entry"
            where = f"sheet {entry.sheet!r} {where}" if entry.sheet else where
            print(f"gongkai: note: {where}: {why} (sent to review)", file=sys.stderr)


def _retyped(st, src: Source, saved) -> list[tuple[str, dict]]:
    """New entries whose headline the source already counts once on another day, outside this
    import: perhaps the same entry typed again with its date corrected, which would count twice.
    A headline recorded on several days is a recurring notice, and said nothing of."""
    here = {item_id for _, item_id, _ in saved}
    out = []
    for entry, item_id, is_new in saved:
        others = [o for o in st.same_title(item_id) if o["id"] not in here] if is_new else []
        if len(others) == 1:
            out.append((f"row {entry.row}" if entry.row else "this entry", others[0]))
    return out


def _tell_retyped(retyped: list[tuple[str, dict]]) -> None:
    for where, other in retyped:
        print(f"gongkai: note: {where}: the same title is already counted, dated "
              f"{other['pub_date'] or 'unknown'} (item {other['id']}); if this corrects that "
              f"date, take the old entry back: gongkai withdraw {other['id']}", file=sys.stderr)


def cmd_withdraw(args) -> int:
    cfg = app.load_config(args)
    actor = args.by or app.login_name()
    now = _now()
    with app.open_store(args, cfg) as st:
        rows = []
        for item_id in args.items:      # every id checked before anything is written
            row = st.item(item_id)
            if row is None:
                raise app.UsageError(f"no item {item_id} in {app.db_path(args, cfg)}")
            src = st.source(row["source_id"]) or {}
            if src.get("type") != "manual":
                raise app.UsageError(
                    f"item {item_id} was collected from {row['source_id']} ({src.get('type')}), "
                    "not entered by hand: to stop counting it, mark it not ours in review")
            rows.append(row)
        want = "ours" if args.undo else "not_ours"
        for row in rows:
            if row["attribution"] == want:
                print(f"item {row['id']} is already {'counted' if args.undo else 'withdrawn'}")
                continue
            why = ("counted again" if args.undo else "withdrawn: entered in error") + (
                f": {args.reason}" if args.reason else "")
            st.review_set_attribution(row["id"], want, actor=actor, now=now, reason=why)
            print(f"{'counted again' if args.undo else 'withdrawn'}: item {row['id']} "
                  f"({row['source_id']}, {row['pub_date']}): {row['title']}")
        if not args.undo:
            # the pair of a mistyped entry and its retyped one is one 信息: `same` keeps it
            # counted once, dated by the entry still counted, even if the withdrawal is undone
            for item_id, pairs in st.open_pairs_of(args.items).items():
                for pair, other in pairs:
                    print(f"  item {item_id} and item {other} are possible duplicates: if the "
                          f"withdrawn entry was typed again as {other}, say so: "
                          f"gongkai dupes same {pair}")
    return 0


def cmd_import(args) -> int:
    if args.template:
        if args.file:
            raise app.UsageError("pass either FILE to import or --template OUT, not both")
        out = Path(args.template)
        if out.exists() and not args.force:
            raise app.UsageError(f"{out} already exists; pass --force to overwrite")
        cfg = app.load_config_optional(args)
        try:
            manual.write_template(out, cfg.bureau if cfg else "")
        except manual.ManualError as e:
            raise app.UsageError(str(e)) from None
        print(f"wrote {out}: headers {', '.join(manual.TEMPLATE_HEADERS)}")
        return 0
    if not args.file:
        raise app.UsageError("import needs FILE (an .xlsx or .csv), or --template OUT")
    cfg = app.load_config(args)
    src = _manual_source(cfg, args.source, args.channel)
    now = _now()
    try:
        plan = manual.plan_import(args.file, src.id, now=now)
    except manual.ManualError as e:
        raise app.UsageError(str(e)) from None
    for w in plan.warnings:
        print(f"gongkai: warning: {w}", file=sys.stderr)
    for note in plan.notes:
        print(f"gongkai: note: {args.file} {note}", file=sys.stderr)
    for row, message in plan.errors:
        print(f"{args.file} row {row}: {message}", file=sys.stderr)
    if plan.errors and not args.skip_bad:
        raise app.UsageError(
            f"{args.file}: {len(plan.errors)} bad row(s); nothing imported (fix them, or pass "
            f"--skip-bad to import the {len(plan.entries)} good row(s))")
    skipped = f", {len(plan.errors)} bad row(s) skipped" if plan.errors else ""
    if args.dry_run:
        known = _known(args, cfg, src.id, manual.keys_of(plan.entries, src.id))
        for entry, k in zip(plan.entries, known):
            print(f"row {entry.row}: {'already recorded' if k else 'new'}\t"
                  f"{entry.day.isoformat()}\t{entry.title}")
        print(f"dry run, nothing written: {args.file} -> {src.id}: "
              f"{known.count(False)} new, {known.count(True)} already recorded{skipped}")
        _tell_sheets(plan)
        return 0
    with app.open_store(args, cfg) as st:
        copies = board_copies.earlier_files(st, src.id, manual.keys_of(plan.entries, src.id),
                                            manual.origin_of(args.file))
        _, saved = manual.import_file(st, cfg, src, args.file, now=now, plan=plan, skip_bad=True,
                                      classifier=classifier.Classifier(app.load_rules(cfg)))
        retyped = _retyped(st, src, saved)
        dropped = _dropped(st, src, args.file, saved)
        here = {item_id for _, item_id, _ in saved}
        copied = [(other, n, total, st.left_out(src.id, other, here))
                  for other, n, total in copies]
    new = sum(1 for _, _, is_new in saved if is_new)
    print(f"imported {args.file} -> {src.id}: {new} new, {len(saved) - new} already recorded"
          f"{skipped}")
    _tell_sheets(plan)
    _tell_retyped(retyped)
    _tell_year_typos([(entry, item_id) for entry, item_id, _ in saved])
    if dropped:
        _tell_dropped(dropped, f"from a file named {Path(args.file).name}")
    for other, n, total, left in copied:
        name = other.removeprefix("gongkai import ")
        print(f"gongkai: note: this file looks like a corrected copy of {name}, imported before "
              f"({n} of its {total} counted rows are here)", file=sys.stderr)
        if left:
            _tell_dropped(left, f"from {name}")
    return 0


def _tell_dropped(dropped: list[dict], source: str) -> None:
    ids = " ".join(str(r["id"]) for r in dropped)
    shown = "; ".join(f"#{r['id']} {r['pub_date']} {r['title'][:30]}" for r in dropped[:5])
    more = f"; … and {len(dropped) - 5} more" if len(dropped) > 5 else ""
    print(f"gongkai: note: {len(dropped)} entr{'y' if len(dropped) == 1 else 'ies'} imported "
          f"before {source} {'is' if len(dropped) == 1 else 'are'}"
          f" not in this one ({shown}{more}); if this file corrects that one, take "
          f"{'it' if len(dropped) == 1 else 'them'} back: gongkai withdraw {ids}",
          file=sys.stderr)


def _tell_sheets(plan) -> None:
    """A workbook of several sheets: each sheet read with its rows, each skipped with why."""
    if plan.sheets:
        print(f"  sheets: {'; '.join(plan.sheets)}")


def _dropped(st, src: Source, path: str, saved) -> list[dict]:
    """Entries an earlier import of a file of this name counted that this import lacks — said
    only when this file repeats some of that import (a corrected copy of it, not next month's
    sheet under the same name)."""
    origin = manual.origin_of(path)
    here = {item_id for _, item_id, _ in saved}
    repeated = any(not is_new for _, _, is_new in saved)
    return st.left_out(src.id, origin, here) if repeated else []


def _known(args, cfg: Config, source_id: str, keys: list[str]) -> list[bool]:
    """For a dry run: which keys the database already records. A dry run creates nothing: with
    no database yet (or an empty file) every row is new, and none is started."""
    path = app.db_path(args, cfg)
    if not path.is_file() or path.stat().st_size == 0:
        print(f"(no database at {path} yet: every row would be new; none was created)")
        return [False] * len(keys)
    with store_mod.Store(path, create=False) as st:
        return [st.is_known(source_id, k) for k in keys]


def _item_ids(values: list[str]) -> list[int]:
    ids = []
    for v in values:
        v = v.lstrip("#")
        if not v.isdigit():
            raise app.UsageError(f"item ids are numbers (see `gongkai dupes`), got {v!r}")
        ids.append(int(v))
    return ids


def cmd_dupes(args) -> int:
    cfg = app.load_config_optional(args)
    actor = args.by or app.login_name()
    # usage mistakes first: they need no database
    if args.action == "list" and args.items:
        raise app.UsageError("`gongkai dupes` lists; use `dupes merge ITEM ITEM...` or "
                             "`dupes split ITEM` to change clusters")
    ids = _item_ids(args.items)
    if args.action == "merge" and len(ids) < 2:
        raise app.UsageError("dupes merge needs at least two item ids")
    if args.action == "split" and len(ids) != 1:
        raise app.UsageError("dupes split takes exactly one item id")
    if args.action in ("same", "apart") and len(ids) != 1:
        raise app.UsageError(f"dupes {args.action} takes exactly one pair id (from `gongkai dupes pairs`)")
    if args.action in ("pairs", "rebuild") and ids:
        raise app.UsageError(f"dupes {args.action} takes no ids")
    if args.dry_run and args.action != "rebuild":
        raise app.UsageError("--dry-run goes with `dupes rebuild`")
    with app.open_store(args, cfg) as st:
        if args.action == "list":
            return _list(st, args, display.names_for(st, cfg))
        if args.action == "pairs":
            return _pairs(st, args, display.names_for(st, cfg))
        if args.action == "rebuild":
            return _rebuild(st, args, actor)
        if args.action in ("same", "apart"):
            done = st.decide_dupe_pair(ids[0], "merged" if args.action == "same" else "apart",
                                       now=_now(), actor=actor)
            print(f"pair {ids[0]}: items {done['item_id']} and {done['other_id']} "
                  + ("are one 信息 now" if args.action == "same" else "stay two 信息 (kept apart)"))
            return 0
        if args.action == "merge":
            target = st.merge_items(ids, now=_now(), actor=actor, reason=args.reason)
            print(f"merged items {', '.join(map(str, ids))} into cluster {target}")
        else:
            st.split_item(ids[0], now=_now(), actor=actor, reason=args.reason)
            print(f"item {ids[0]} is now a cluster of its own")
    return 0


def _list(st, args, names: display.Names) -> int:
    clusters = st.clusters(args.year)
    if args.json:
        print(json.dumps(clusters, ensure_ascii=False))
        return 0
    for c in clusters:
        items = c["items"]
        print(f"cluster {c['cluster_id']}: {len(items)} items"
              + (" (placed by hand)" if c["manual"] else ""))
        for i in items:
            flags = "" if i["attribution"] == "ours" else "  [not ours]"
            print(f"  #{i['id']:<6} {i['pub_date'] or '????-??-??'}  "
                  f"{display.pad(names.source(i['source_id']), 24)} {i['title']}  "
                  f"[{i['category'] or '?'}]{flags}")
    where = f" with an item in {args.year}" if args.year else ""
    print(f"{len(clusters)} cluster(s) of more than one item{where}")
    return 0


def _pairs(st, args, names: display.Names) -> int:
    pairs = st.dupe_pairs("open", args.year)
    if args.json:
        print(json.dumps(pairs, ensure_ascii=False))
        return 0
    for p in pairs:
        print(f"pair {p['id']}  ({p['reason']}; score {p['score']:.2f})")
        for side in ("a", "b"):
            i = p[side]
            print(f"  #{i['id']:<6} {i['pub_date'] or '????-??-??'}  "
                  f"{display.pad(names.channel(i['channel']), 24)} {i['title']}")
            text = " ".join((i["body"] or "").split())
            print(f"          {text[:120]}{'…' if len(text) > 120 else ''}")
    where = f" with an item in {args.year}" if args.year else ""
    print(f"{len(pairs)} possible duplicate(s) to decide{where}: `gongkai dupes same PAIR` "
          "(one 信息) or `gongkai dupes apart PAIR` (two)")
    return 0


def _rebuild(st, args, actor: str) -> int:
    from . import clustering
    plan = clustering.rebuild(st, _now(), actor=actor, dry_run=args.dry_run)
    for line in clustering.describe_plan(plan):
        print(line)
    verb = "would move" if args.dry_run else "moved"
    print(f"{verb} {len(plan.moves)} item(s); {len(plan.pairs)} possible duplicate(s) "
          f"{'would be' if args.dry_run else 'were'} opened for review; items placed by hand "
          "and pairs kept apart were left as they are")
    if args.dry_run:
        print("nothing written (--dry-run)")
    return 0
