"""collect -> store -> classify -> store. The whole flow of a crawl, in one screen."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable

import collectors
from classifier import Classifier, Ruleset, SecondOpinion
from store import Store, fault

from . import clustering, crash, district, reattribute, schemes
from .cleantext import clean_line, clean_text
from .config import Config, Source
from .matching import title_key
from .parallel import evidence_json

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The reason of a pass cut short by a shutdown; store/_ops.py spells it too (store imports
# nothing of gongkai) so a stopped pass is not counted as the source's failure.
STOPPED = "stopped before the end of the pass"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class RunResult:
    source_id: str
    status: str          # ok | not_modified | failed | manual (nothing to fetch, no run recorded)
    seen: int = 0
    new: int = 0
    reason: str = ""
    warning: str = ""    # an ok pass that left something unread: "stopped at the page cap: ..."


def crawl(cfg: Config, store: Store, classifier: Classifier, http, *,
          source_ids: Iterable[str] | None = None, since: datetime | None = None,
          clock: Clock = utcnow, progress: Callable[[str], None] = lambda m: None,
          should_stop: Callable[[], bool] = lambda: False) -> list[RunResult]:
    """One pass over the chosen enabled sources, then place new items into 信息 (the duplicate
    detector) and classify whatever is new or stale."""
    reattribute.sync(cfg, store, clock())
    # a manual source (the bulletin board) has nothing to fetch: only named, it says so
    chosen = [cfg.source(i) for i in source_ids] if source_ids else \
        [s for s in cfg.sources if s.enabled and s.type != "manual"]
    results = []
    try:
        for src in chosen:
            if should_stop():
                break
            results.append(collect_source(src, cfg, store, http, since=since, clock=clock,
                                          progress=progress, should_stop=should_stop))
    except KeyboardInterrupt:
        # What was saved before Ctrl-C is placed and classified now, or counts and the report
        # would leave it out until the next crawl (a second Ctrl-C leaves the rest to that one).
        progress("interrupted: placing and classifying the items saved so far")
        settle(store, classifier, clock, cfg)
        raise
    settle(store, classifier, clock, cfg)
    return results


def settle(store: Store, classifier: Classifier, clock: Clock = utcnow,
           cfg: Config | None = None) -> None:
    """Place every saved item into its 信息 (the duplicate detector), then classify whatever is
    new or stale (and, in a district, under each body's own categories): what makes saved
    items count."""
    clustering.place_pending(store, clock())
    classify_pending(store, classifier, clock)
    if cfg is not None:
        classify_own(cfg, store, clock)


def bring_up_to_date(cfg: Config, store: Store, now: datetime) -> None:
    """What a district's counts and reports need first after a config or rules edit: the
    sources and attributions synced (``reattribute.sync``) and each body with its own rules
    given its decisions (a body given rules mid-year, a rules file edited)."""
    reattribute.sync(cfg, store, now)
    if cfg.district:
        classify_own(cfg, store, lambda: now)


def classify_own(cfg: Config, store: Store, clock: Clock = utcnow) -> int:
    """Each body with categories of its own (``rules`` in its ``[[bureaus]]`` entry): its
    decision, by its rules, for every item it counts that has none of these rules yet (its
    hand-set ones stay). No second opinion: the built-in model knows only the district's
    categories. Returns how many decisions were made."""
    made = 0
    for body_id, rules in schemes.own_rules(cfg).items():
        # a category renamed or removed in its rules file: the items filed under it by hand go
        # back to its rules, and to review, rather than every count failing on the old name
        stale = store.stale_body_decisions(body_id, rules.names)
        for item_id, old in stale.items():
            store.set_body_category(item_id, body_id, None, actor="gongkai", now=clock(),
                                    reason=f"{rules.path}: no category {old} any more")
        if stale:
            log.warning("%s: %d item(s) of %s were filed by hand under categories its rules no "
                        "longer have (%s): filed again by its rules and sent to review",
                        rules.path, len(stale), body_id, ", ".join(sorted(set(stale.values()))))
        scope = district.scope(cfg, body_id, store)
        rows = store.pending_body_decisions(scope, rules.version)
        if not rows:
            continue
        clf = _classifier(rules)
        batch = []
        for row in rows:
            decision = clf.classify(row["title"] or "", row["body"] or "")
            review, evidence, _ = date_review(row["date_review"], decision.needs_review,
                                              evidence_json(decision), "")
            review = review or row["id"] in stale
            batch.append((row["id"], {**decision.as_dict(), "needs_review": review,
                                      "evidence_json": evidence}))
            if len(batch) >= 500:
                made += store.apply_body_decisions(body_id, batch, now=clock())
                batch = []
        made += store.apply_body_decisions(body_id, batch, now=clock())
    return made


_CLASSIFIERS: dict[str, Classifier] = {}


def _classifier(rules: Ruleset) -> Classifier:
    """One classifier per rules version (a version is the rules' content)."""
    if rules.version not in _CLASSIFIERS:
        if len(_CLASSIFIERS) > 64:
            _CLASSIFIERS.clear()
        _CLASSIFIERS[rules.version] = Classifier(rules)
    return _CLASSIFIERS[rules.version]


def collect_source(src: Source, cfg: Config, store: Store, http, *, since: datetime | None,
                   clock: Clock = utcnow, progress: Callable[[str], None] = lambda m: None,
                   should_stop: Callable[[], bool] = lambda: False) -> RunResult:
    if src.type == "manual":
        # Its items arrive by `gongkai add` / `gongkai import`, whose runs are its history; a
        # pass recorded here would show the officer a board "not modified" since the last poll.
        return RunResult(src.id, "manual")
    previous = store.last_run(src.id)
    if since is None and previous is not None and previous["status"] not in ("ok", "not_modified"):
        # The last pass did not finish: walk the whole column again (known items are not
        # re-fetched), or an incremental stop on already-known first pages would skip the rest.
        since = EPOCH
    run_id = store.begin_run(src.id, clock())
    state = collectors.CollectState(
        is_known=lambda key: store.is_known_key(src.id, key), since=since, progress=progress,
        now=clock(), memo=store.memo(src.id))
    result = RunResult(src.id, "ok")
    try:
        kind = collectors.REGISTRY[src.type](src.options, http)
        items = kind.collect(state)
        # collectors.Http bounds the whole pass: a stalled host fails its own source at its
        # deadline, in time for the sources after it (a test's stand-in client may not)
        within = getattr(http, "source_pass", None)
        for item in within(items) if within else items:
            # the text as it will be stored: a zero-width character inside 卫滨区商务局 must not
            # hide the bureau's name from attribution
            owners = district.attribute(cfg, src, clean_line(item.title), clean_text(item.body),
                                        clean_line(item.byline), fields=item.extra.get("fields"))
            why = owners.attribution
            record = _record(item)
            record["meta"]["attribution_reason"] = why.reason   # for review, beside the decision
            item_id, is_new = store.save_item(
                src.id, src.channel, record, attribution=why.value, now=clock(), raw=item.raw,
                raw_url=item.raw_url, raw_content_type=item.raw_content_type,
                bodies=owners.bodies)
            if item.extra.get("aliases"):
                store.add_aliases(src.id, item_id, item.extra["aliases"], clock())
            result.seen += 1
            result.new += is_new
            if should_stop():
                # Saved so far is committed; an unfinished pass makes the next one walk it all.
                result.status, result.reason = "failed", STOPPED
                break
    except KeyboardInterrupt:
        # Ctrl-C: the pass ends here, recorded as such (status shows how far it got); the next
        # pass walks the whole column again
        store.end_run(run_id, status="failed", reason=STOPPED, now=clock(), n_seen=result.seen,
                      n_new=result.new, memo=state.memo)
        raise
    except collectors.SourceError as e:
        result.status, result.reason = "failed", str(e)
        # the crawl's summary and `status` say it; the log keeps it for the daemon's file
        log.info("source %s failed: %s", src.id, e)
    except Exception as e:  # a bug in one collector fails its source, not the whole pass
        if fault(e):
            # the disk or the database failed, not this source: the pass stops (the run stays
            # 'running', so the next pass marks it interrupted and walks the column again)
            raise
        # Items saved before the crash stay (each is its own transaction); the failed run makes
        # the next pass walk the whole column again, finding them known, not new.
        result.status, result.reason = "failed", crash.report(log, src.id, e)
    warning = state.memo.pop("warning", "")    # this pass's only: what lasts, the memo keeps
    if result.status == "ok" and state.memo.pop("not_modified", False):
        result.status = "not_modified"
    if result.status == "ok":
        result.warning = warning
    store.end_run(run_id, status=result.status, reason=result.reason, now=clock(),
                  n_seen=result.seen, n_new=result.new, memo=state.memo)
    return result


def second_opinion(store: Store, rules: Ruleset) -> SecondOpinion | None:
    """The model trained on the items decided by hand (None until there are enough)."""
    return SecondOpinion.from_reviewed(
        ((r["title"] or "", r["body"] or "", r["category"]) for r in store.reviewed_items()),
        categories=rules.names)


def unchanged(row, category: str, score: float, margin: float, needs_review: bool,
              evidence_json: str) -> bool:
    """True when a stored item *row* (category, score, margin, needs_review, evidence_json of
    its current decision) already holds exactly this decision: then new rules that make it
    record no new decision, only their version (``Store.confirm_auto_decisions``)."""
    return (row["category"], row["score"], row["margin"], bool(row["needs_review"]),
            row["evidence_json"]) == (category, score, margin, needs_review, evidence_json)


def date_review(note: str | None, needs_review: bool, evidence: str,
                why: str) -> tuple[bool, str, str]:
    """An item whose date a person must settle — its dates disagree on the year, or the year was
    guessed from the crawl date (the collector's ``date_review`` note, naming every candidate) —
    goes to the review queue whatever its category's score, the note first in its evidence so
    the item page and ``gongkai review`` show the candidates. Returns (needs_review, evidence
    JSON, reason)."""
    if not note:
        return needs_review, evidence, why
    entry = json.dumps({"keyword": note, "field": "date", "start": 0, "weight": 0.0,
                        "category": ""}, ensure_ascii=False)
    hits = evidence.strip()[1:-1].strip()
    return True, "[" + entry + (", " + hits if hits else "") + "]", "; ".join(
        filter(None, (why, note)))


def classify_pending(store: Store, classifier: Classifier, clock: Clock = utcnow) -> int:
    """Classify items never classified or decided under another ruleset; manual decisions stay.

    Once enough items are reviewed, a model trained on them gives a second opinion: it only
    flags decisions it confidently disagrees with for review, never changes a category.
    """
    rows = store.pending_classification(classifier.ruleset.version)
    if not rows:
        return 0
    opinion = second_opinion(store, classifier.ruleset)
    version = classifier.ruleset.version
    batch: list = []
    same: list[int] = []
    for row in rows:
        title, body = row["title"] or "", row["body"] or ""
        decision = classifier.classify(title, body)
        if opinion is not None:
            decision = opinion.review(decision, title, body)
        review, evidence, why = date_review(row["date_review"], decision.needs_review,
                                            evidence_json(decision), decision.second_opinion)
        # As `gongkai reclassify`: a decision the new rules make exactly as before adds no
        # history, its rules version just moves on.
        if unchanged(row, decision.category, decision.score, decision.margin, review, evidence):
            same.append(row["id"])
        else:
            batch.append((row["id"], {**decision.as_dict(), "needs_review": review,
                                      "evidence_json": evidence}, why))
        if len(batch) >= 500:  # one write transaction per few hundred decisions
            store.apply_auto_decisions(batch, now=clock())
            batch = []
    store.apply_auto_decisions(batch, now=clock())
    store.confirm_auto_decisions(same, version)
    return len(rows)


def _record(item: collectors.Item) -> dict:
    # Text from the web is cleaned here, once (the raw page keeps it as it came): no output —
    # Excel, terminal, HTML, docx — then meets control characters, bidi overrides or escapes.
    pub = item.published_at
    title = clean_line(item.title)
    return {
        "key": item.key, "url": item.url, "title": title, "title_norm": title_key(title),
        "published_at": pub.isoformat() if pub else None,
        "pub_date": collectors.beijing_date(pub).isoformat() if pub else None,
        "date_source": item.date_source, "date_raw": clean_line(item.date_raw),
        "list_date": clean_line(item.list_date),
        "body": clean_text(item.body), "byline": clean_line(item.byline), "external": item.external,
        "meta": {k: v for k, v in item.extra.items() if k != "aliases"},
    }
