"""classify, reclassify, and the rules tooling: rules test / diff / suggest."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import classifier

from . import app, clustering, parallel, pipeline
from .cmd_classify import at_least, jobs_option

BATCH = 2000         # decisions per write transaction in reclassify
UNCLASSIFIED = "(unclassified)"
FEW_REVIEWED = 10    # reviewed items of a category below which rules suggest says it is guessing


def register(sub, common) -> None:
    s = sub.add_parser("reclassify", parents=[common],
                       help="apply the current rules to every item not decided by hand")
    s.add_argument("--rules", metavar="FILE", help="rules file (default: the config's rules)")
    jobs_option(s)
    s.set_defaults(func=cmd_reclassify)

    s = sub.add_parser("rules", parents=[common], help="test, compare and improve the rules file")
    rsub = s.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    t = rsub.add_parser("test", parents=[common],
                        help="precision, recall, F1 and confusion matrix against labelled items")
    t.add_argument("file", nargs="?", metavar="FILE.jsonl",
                   help='labelled JSON lines {"title", "body", "label"} '
                        "(default: the items reviewed in the database)")
    t.add_argument("--rules", metavar="FILE", help="rules file (default: the config's rules)")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    t.set_defaults(func=cmd_rules_test)

    d = rsub.add_parser("diff", parents=[common],
                        help="which items a new rules file would file differently, and why")
    d.add_argument("new", metavar="NEW.toml")
    d.add_argument("--rules", metavar="FILE", help="the current rules (default: the config's rules)")
    d.add_argument("--limit", type=at_least(0), default=50, metavar="N",
                   help="show at most N changed items in detail (default 50; all are counted)")
    d.set_defaults(func=cmd_rules_diff)

    g = rsub.add_parser("suggest", parents=[common],
                        help="candidate keywords per category learned from reviewed items")
    g.add_argument("--rules", metavar="FILE", help="rules file (default: the config's rules)")
    g.add_argument("--top", type=at_least(1), default=10, metavar="N",
                   help="per category (default 10)")
    g.add_argument("--min-hits", type=at_least(1), default=2, metavar="N",
                   help="reviewed items an n-gram must occur in (default 2)")
    g.add_argument("--body", type=at_least(0), default=0, metavar="CHARS",
                   help="also learn from the first CHARS characters of the body (default: titles)")
    g.set_defaults(func=cmd_rules_suggest)


def _check_categories(st, rules: classifier.Ruleset) -> None:
    """Refuse rules that lack a category items decided by hand are filed under: those items
    keep their category, so every count and report would fail on a category the rules do not
    know. (A category is renamed by re-filing its hand-decided items, then the rules.)"""
    manual = Counter(r["category"] for r in st.reviewed_items())
    missing = {c: n for c, n in manual.items() if c not in rules.names}
    if missing:
        what = ", ".join(f"{c} ({n} item{'s' if n != 1 else ''})" for c, n in sorted(missing.items()))
        raise app.UsageError(
            f"{rules.path or 'the rules'}: no category for items decided by hand: {what}; "
            f"re-file them first (gongkai review, or export / import-review) or keep the category")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _rules(args, cfg) -> classifier.Ruleset:
    return app.load_rules(cfg, getattr(args, "rules", None))


# -- reclassify -------------------------------------------------------------------------------

def cmd_reclassify(args) -> int:
    cfg = app.load_config_optional(args)
    rules = _rules(args, cfg)
    with app.open_store(args, cfg) as st:
        _check_categories(st, rules)
        # items a cut-short run saved but never placed into a 信息 are placed first, so that
        # reclassify alone settles what `counts` warns about
        clustering.place_pending(st, _now())
        opinion = pipeline.second_opinion(st, rules)
        total = st.count_auto_items()
        changes: Counter[tuple[str, str]] = Counter()
        done = written = confirmed = 0
        current: dict[int, dict] = {}   # the rows in flight: id -> current decision
        batch: list = []
        same: list[int] = []

        def rows():
            for row in st.iter_auto_items(evidence=True):
                current[row["id"]] = row
                yield row["id"], row["title"] or "", row["body"] or ""

        for item_id, category, score, margin, review, evidence, why in parallel.decide_rows(
                rules, rows(), opinion=opinion, jobs=args.jobs):
            row = current.pop(item_id)
            review, evidence, why = pipeline.date_review(row["date_review"], review, evidence, why)
            done += 1
            if row["category"] != category:
                changes[(row["category"] or UNCLASSIFIED, category)] += 1
            # Unchanged decisions are not rewritten: reclassifying twice adds no history. A
            # decision the new rules make exactly as before only has its rules version moved on.
            if not pipeline.unchanged(row, category, score, margin, review, evidence):
                batch.append((item_id, {"category": category, "score": score, "margin": margin,
                                        "needs_review": review, "evidence_json": evidence,
                                        "ruleset_version": rules.version}, why))
            elif row["ruleset_version"] != rules.version:
                same.append(item_id)
            if len(batch) >= BATCH:
                written += st.apply_auto_decisions(batch, now=_now())
                batch = []
            if len(same) >= BATCH:
                confirmed += st.confirm_auto_decisions(same, rules.version)
                same = []
            if done % BATCH == 0:
                app.progress(f"reclassify: {done:,}/{total:,} items")
        written += st.apply_auto_decisions(batch, now=_now())
        confirmed += st.confirm_auto_decisions(same, rules.version)
        reviewed = len(st.reviewed_items())
        # a district's bodies with categories of their own: theirs under their own rules
        own = pipeline.classify_own(cfg, st, _now) if cfg is not None and cfg.district else 0
    app.end_progress()
    print(f"reclassified {done:,} items with rules {rules.version}: "
          f"{sum(changes.values()):,} changed category, {written:,} decisions written "
          f"(new or different), {done - written:,} unchanged; {reviewed:,} decided by hand, "
          f"left alone")
    if own:
        print(f"  {own:,} decisions under bodies' own categories")
    if opinion is not None:
        print(f"  second opinion on: a model trained on the {opinion.model.n_items:,} items "
              f"decided by hand flags for review the decisions it confidently disagrees with")
    for (old, new), n in sorted(changes.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {old} → {new}: {n:,}")
    return 0


# -- rules test -------------------------------------------------------------------------------

def _labelled_file(path: Path, names: tuple[str, ...]) -> list[tuple[str, str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")   # a BOM from Windows Notepad is no text
    except (OSError, UnicodeDecodeError) as e:
        raise app.UsageError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        # '#' lines are comments, so a labelled set can carry its labelling rules at the top.
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise app.UsageError(f"{path}: line {n}: not JSON ({e.msg})") from None
        except RecursionError:   # the json module recurses once per nesting level
            raise app.UsageError(f"{path}: line {n}: not JSON (nested too deep)") from None
        if not isinstance(obj, dict) or not all(
                isinstance(obj.get(k, ""), str) for k in ("title", "body", "label")):
            raise app.UsageError(f'{path}: line {n}: expected {{"title", "body", "label"}} strings')
        label = obj.get("label", "")
        if not label:
            raise app.UsageError(f'{path}: line {n}: no "label"')
        if label not in names:
            raise app.UsageError(f"{path}: line {n}: unknown label {label!r} "
                                 f"(categories: {', '.join(names)})")
        rows.append((obj.get("title", ""), obj.get("body", ""), label))
    if not rows:
        raise app.UsageError(f"{path}: no labelled lines")
    return rows


def cmd_rules_test(args) -> int:
    cfg = app.load_config_optional(args)
    rules = _rules(args, cfg)
    if args.file:
        rows = _labelled_file(Path(args.file), rules.names)
        where = args.file
    else:
        with app.open_store(args, cfg) as st:
            rows = [(r["title"] or "", r["body"] or "", r["category"])
                    for r in st.reviewed_items()]
        where = "reviewed items in the database"
        if not rows:
            raise app.UsageError("no reviewed items in the database yet; review some items "
                                 "or pass a labelled FILE.jsonl")
    clf = classifier.Classifier(rules)
    decisions = [clf.classify(t, b) for t, b, _ in rows]
    ev = classifier.evaluate(((label, d.category) for (_, _, label), d in zip(rows, decisions)),
                             rules.names)
    doubt = review_figures(decisions, [label for _, _, label in rows], clf.review_threshold)
    trend = [] if args.file else _trend(args, cfg)
    if args.json:
        print(json.dumps({
            "rules_version": rules.version, "items": ev.total, "macro_f1": round(ev.macro_f1, 4),
            "accuracy": round(ev.accuracy, 4),
            "categories": {s.name: {"precision": round(s.precision, 4),
                                    "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                                    "support": s.support} for s in ev.scores},
            "confusion": ev.confusion, **doubt, "trend": trend}, ensure_ascii=False))
        return 0
    print(f"rules {rules.version} against {ev.total} labelled items ({where})")
    print(f"  {'category':<14}{'precision':>10}{'recall':>8}{'F1':>7}{'items':>7}")
    for s in ev.scores:
        print(f"  {_pad(s.name, 14)}{s.precision:>10.2f}{s.recall:>8.2f}{s.f1:>7.2f}"
              f"{s.support:>7}")
    print(f"macro-F1 {ev.macro_f1:.3f}   accuracy {ev.accuracy:.3f}")
    print(f"review load {doubt['review_load']:.1%} (flagged for review)   silent errors "
          f"{doubt['silent_errors']:.1%} (wrong and not flagged)")
    if doubt["curve"]:
        print("  doubt threshold   review load   silent errors   (how much to review for how few "
              "silent errors)")
        for p in doubt["curve"]:
            mark = "  <- in use" if p["in_use"] else ""
            print(f"  {p['threshold']:>15.3f}   {p['review_load']:>10.1%}   {p['silent_errors']:>12.1%}{mark}")
    if trend:
        print("rules versions on the reviewed items (the rules' decision before a person's)")
        print(f"  {'version':<14}{'first used':<22}{'items':>6}{'accuracy':>10}{'silent':>8}")
        for t in trend:
            print(f"  {t['ruleset_version']:<14}{t['first_used']:<22}{t['items']:>6}"
                  f"{t['accuracy']:>10.1%}{t['silent_errors']:>8.1%}")
    # Columns are numbered: Chinese names do not line up in a terminal table.
    print("confusion matrix (rows: label, columns: rules' category, numbered as the rows)")
    print("  " + " " * 16 + "".join(f"{i + 1:>5}" for i in range(len(ev.names))))
    for i, name in enumerate(ev.names):
        print(f"  {i + 1:>2} {_pad(name, 13)}"
              + "".join(f"{ev.confusion[name][p]:>5}" for p in ev.names))
    return 0


def review_figures(decisions: list, labels: list[str], cal: float | None) -> dict:
    """Review load and silent errors (wrong and not flagged) of *decisions* against *labels*,
    and the curve of both over doubt thresholds (``cal``, the one in use, marked)."""
    n = len(decisions) or 1
    flagged = sum(1 for d in decisions if d.needs_review)
    silent = sum(1 for d, label in zip(decisions, labels) if d.category != label and not d.needs_review)
    scored = [(d.doubt, d.category != label) for d, label in zip(decisions, labels)
              if d.doubt is not None]
    curve = []
    if scored:
        points = {round(t, 3) for t in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)}
        if cal is not None:
            points.add(round(cal, 3))
        for p in classifier.doubt_curve(scored, sorted(points)):
            curve.append({"threshold": p.threshold, "review_load": round(p.review, 4),
                          "silent_errors": round(p.silent, 4),
                          "in_use": cal is not None and round(cal, 3) == p.threshold})
    return {"review_load": round(flagged / n, 4), "silent_errors": round(silent / n, 4),
            "curve": curve}


def _trend(args, cfg) -> list[dict]:
    """Per rules version: how its decisions on the items people later reviewed fared."""
    with app.open_store(args, cfg) as st:
        history = st.reviewed_history()
    by: dict[str, dict] = {}
    for h in history:
        t = by.setdefault(h["ruleset_version"], {"ruleset_version": h["ruleset_version"],
                                                 "first_used": h["decided_at"] or "", "items": 0,
                                                 "right": 0, "silent": 0})
        t["items"] += 1
        right = h["auto_category"] == h["category"]
        t["right"] += right
        t["silent"] += (not right) and not h["needs_review"]
    out = []
    for t in sorted(by.values(), key=lambda t: t["first_used"]):
        out.append({"ruleset_version": t["ruleset_version"], "first_used": t["first_used"][:19],
                    "items": t["items"], "accuracy": round(t["right"] / t["items"], 4),
                    "silent_errors": round(t["silent"] / t["items"], 4)})
    return out


def _pad(text: str, width: int) -> str:
    """Left-justify in terminal columns (a CJK character takes two)."""
    used = sum(2 if ord(c) > 0x2e80 else 1 for c in text)
    return text + " " * max(1, width - used)


# -- rules diff -------------------------------------------------------------------------------

def _why(d: classifier.Decision, limit: int = 4) -> str:
    return _why_hits(d.category, d.score, [e.as_dict() for e in d.evidence], limit)


def _why_hits(category: str, score: float | None, evidence: list[dict], limit: int = 4) -> str:
    hits = [e for e in evidence if e.get("category") == category]
    if not hits:
        return f"{category} (no keyword hit)"
    words = ", ".join(f"{e['keyword']}@{e['field']} {e['weight']:g}" for e in hits[:limit])
    more = f", … {len(hits) - limit} more" if len(hits) > limit else ""
    return f"{category} {score or 0:g} [{words}{more}]"


def cmd_rules_diff(args) -> int:
    cfg = app.load_config_optional(args)
    old_rules = _rules(args, cfg)
    new_rules = classifier.load_rules(args.new)
    old, new = classifier.Classifier(old_rules), classifier.Classifier(new_rules)
    changes: Counter[tuple[str, str]] = Counter()
    shown = seen = 0
    with app.open_store(args, cfg) as st:
        _check_categories(st, new_rules)
        total = st.count_auto_items()
        # What reclassify would change: each item's decision as stored now (the current rules'
        # for an item never classified) against the new rules'.
        for row in st.iter_auto_items(evidence=True):
            seen += 1
            if seen % BATCH == 0:
                app.progress(f"rules diff: {seen:,}/{total:,} items")
            title, body = row["title"] or "", row["body"] or ""
            b = new.classify(title, body)
            if row["category"] is not None:
                before = row["category"]
                why_before = _why_hits(before, row["score"],
                                       json.loads(row["evidence_json"] or "[]"))
            else:
                a = old.classify(title, body)
                before, why_before = a.category, _why(a)
            if before == b.category:
                continue
            changes[(before, b.category)] += 1
            if shown < args.limit:
                if shown == 0:
                    app.end_progress()
                shown += 1
                print(f"#{row['id']} {title[:60]}")
                print(f"    now: {why_before}")
                print(f"    new: {_why(b)}")
        reviewed = st.reviewed_items()
    app.end_progress()
    n_changed = sum(changes.values())
    if n_changed > shown:
        print(f"({n_changed - shown:,} more not shown; --limit N shows more)")
    print(f"{n_changed:,} of {seen:,} items not decided by hand would change category "
          f"(as stored now → rules {new_rules.version})")
    for (a_cat, b_cat), n in sorted(changes.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {a_cat} → {b_cat}: {n:,}")
    if reviewed:
        agree_old = sum(old.classify(r["title"] or "", r["body"] or "").category == r["category"]
                        for r in reviewed)
        agree_new = sum(new.classify(r["title"] or "", r["body"] or "").category == r["category"]
                        for r in reviewed)
        print(f"items decided by hand that the rules get right: old {agree_old}/{len(reviewed)}, "
              f"new {agree_new}/{len(reviewed)}")
    return 0


# -- rules suggest ----------------------------------------------------------------------------

def cmd_rules_suggest(args) -> int:
    cfg = app.load_config_optional(args)
    rules = _rules(args, cfg)
    with app.open_store(args, cfg) as st:
        rows = [(r["title"] or "", r["body"] or "", r["category"]) for r in st.reviewed_items()]
    if not rows:
        raise app.UsageError("no reviewed items in the database yet; suggestions are learned "
                             "from the items you decide by hand")
    known = {c.name: [*c.keywords, *(t for n in c.near for t in n.terms)]
             for c in rules.categories}
    found = classifier.suggest_keywords(rows, min_hits=max(1, args.min_hits),
                                        per_category=args.top, known=known,
                                        body_chars=max(0, args.body))
    print(f"# candidate keywords learned from {len(rows)} reviewed items; paste the ones that "
          "fit into the category's [category.keywords] table and adjust the weight")
    per_category = Counter(c for _, _, c in rows)
    for name in rules.names:
        if name not in found:
            continue
        print(f"\n# {name}")
        if per_category[name] < FEW_REVIEWED:
            print(f"#   only {per_category[name]} reviewed item(s): too few to learn from "
                  f"(at least {FEW_REVIEWED}); treat these as hints")
        if not found[name]:
            print("#   (nothing distinctive yet)")
        for s in found[name]:
            print(f'"{s.ngram}" = 3   # in {s.hits} of {s.total} reviewed {name} items, '
                  f"{s.elsewhere} elsewhere")
    return 0
