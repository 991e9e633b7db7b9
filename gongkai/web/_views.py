"""Pages (queue, item, counts, sources, audit) and the reviewer's actions.

An account bound to one body of a district (``_auth.scope()``) sees and changes only that
body's items, counts, sources and possible duplicates: another body's item is a 404, never its
content (issue 17 #4)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import (Flask, abort, current_app, g, jsonify, redirect, render_template, request,
                   url_for)

import report
import store as store_mod

from .. import app as gk_app
from .. import display
from .. import district
from .. import pipeline as gk_pipeline
from . import _live
from ._auth import (bound_body, get_store, may_undo, own_change_is_last, require_items,
                    require_writer, scope, visible_items)
from ._highlight import highlight, keyword_map, paragraphs, snippet

PAGE_SIZE = 50
_FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
            '<rect width="16" height="16" rx="3" fill="#8b1a1a"/>'
            '<path d="M4 5h8M4 8h8M4 11h5" stroke="#fff" stroke-width="1.5"/></svg>')
FILTERS = ("year", "month", "category", "channel", "source", "status", "q")


def safe_link(url: str | None) -> str | None:
    """Only http(s) links reach an href: a crawled javascript: or data: URL never does."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _local_path(target: str) -> bool:
    # only a path on this site: a crafted link must not bounce the officer elsewhere
    return (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not urlsplit(target).netloc)


def _int(name: str, lo: int, hi: int) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        abort(400, f"{name} must be a number")
    if not lo <= value <= hi:
        abort(400, f"{name} out of range")
    return value


def _rules():
    return _live.rules()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def default_year() -> tuple[int, str]:
    """The year the home, counts and report pages open on, and the hint saying why when it is
    not the year being reported (that year has no item yet)."""
    st, now = get_store(), current_app.config["GONGKAI_CLOCK"]()
    years = st.review_facets()["years"]
    # the newest date is only wanted when the year being reported has nothing (a full scan)
    latest = st.latest_pub_date() if display.report_year(now) not in years else None
    return display.shown_year(now, years, latest)


def names() -> display.Names:
    """Display names of the channels and sources, once per request: the config's when the app
    has it, else the store's source rows (each crawl writes the config's resolved labels there)."""
    if "names" not in g:
        g.names = display.names_for(get_store(), _live.config())
    return g.names


def source_ids() -> set[str] | None:
    """The sources whose items this account sees (None: every source)."""
    sc = scope()
    return None if sc is None else {*sc.owned, *sc.shared}


def _facets(st: store_mod.Store) -> dict[str, list]:
    facets = st.review_facets()
    mine = source_ids()
    if mine is not None:
        facets["sources"] = [s for s in facets["sources"] if s in mine]
        channels = {r["channel"] for r in st.sources() if r["id"] in mine}
        facets["channels"] = [c for c in facets["channels"] if c in channels]
    return facets


def raw_counts(year: int) -> dict:
    """The store's counts of this account's items: the cached counts of the whole record, or
    one body's counted afresh (``Store.counts`` with its scope)."""
    sc = scope()
    return get_store().counts_cached(year) if sc is None else get_store().counts(year, sc)


def visible_pair(pair: dict) -> bool:
    ids = (pair["a"]["id"], pair["b"]["id"])
    return set(ids) <= visible_items(ids)


def _with_reasons(st: store_mod.Store, rows: list[dict]) -> list[dict]:
    """Each queue row with its keyword chips (one per keyword), a body snippet when the title
    holds no word of the winning category (around its weightiest word in the body), and its open
    possible-duplicate pairs."""
    pairs = st.open_pairs_of(r["id"] for r in rows)
    if scope() is not None:     # a pair with another body's item is the district's to decide
        seen = visible_items(other for ps in pairs.values() for _, other in ps)
        pairs = {i: [p for p in ps if p[1] in seen] for i, ps in pairs.items()}
    for r in rows:
        ranked = display.keyword_chips(r["evidence"], r["category"], limit=len(r["evidence"]))
        r["chips"] = ranked[:6]
        r["snippet"] = None
        body_words = {c["keyword"]: c["won"] for c in ranked if "正文" in c["fields"]}
        # the title shows no word of the winning category: the reason is in the body
        if body_words and not any(keyword_map(r["evidence"], "title", r["category"]).values()):
            r["snippet"] = snippet(st.item(r["id"])["body"], body_words)
        r["pairs"] = pairs.get(r["id"], [])
    return rows


def _item_json(item: dict) -> dict:
    rules = _rules()
    return {**{k: item[k] for k in ("id", "category", "decided_by", "attribution",
                                    "needs_review", "score", "margin")},
            # the item page's header says it in words; the script puts it there as it is
            "how": display.how_decided(item, min_score=rules.min_score,
                                       min_margin=rules.min_margin)}


def _brand() -> str:
    """The body named in the header: a bound account's own, else the config's bureau."""
    cfg, body = _live.config(), bound_body()
    if cfg is not None and body is not None:
        return cfg.body(body).name
    return _live.bureau()


def _visible(rows: list[dict]) -> list[dict]:
    mine = visible_items(r["id"] for r in rows)
    return [r for r in rows if r["id"] in mine]


def _bodies_of(it: dict) -> dict:
    """Whose the item is in a district: its source's owner, or on a shared source the bodies it
    counts for (``current``) and those it may be moved to (``choices``, the source's list)."""
    cfg = _live.config()
    out = {"district": bool(cfg and cfg.district), "shared": False, "owner": "",
           "current": {}, "choices": {}}
    if not out["district"]:
        return out
    names_of = {b.id: b.name for b in cfg.bodies}
    src = next((s for s in cfg.sources if s.id == it["source_id"]), None)
    shared = (src.shared if src is not None
              else it["source_id"] in district.shared_sources(cfg, get_store()))
    current = get_store().item_bodies(it["id"])
    if not shared:
        owner = src.bureaus[0] if src is not None else next(iter(current), "")
        out["owner"] = names_of.get(owner, owner)
        return out
    listed = src.bureaus if src is not None else tuple(names_of)
    out.update(shared=True, current={b: names_of.get(b, b) for b in current},
               choices={b: names_of[b] for b in listed if b in names_of})
    return out


def install(app: Flask) -> None:
    app.jinja_env.globals.update(safe_link=safe_link, highlight=highlight,
                                 keyword_map=keyword_map, FILTERS=FILTERS, D=display,
                                 names=names)

    @app.context_processor
    def _common():
        rules = _rules()
        return {"categories": rules.categories, "user": g.get("user"), "user_body": bound_body(),
                "bureau": _brand(),
                "min_score": rules.min_score, "min_margin": rules.min_margin}

    @app.route("/favicon.ico")
    def favicon():
        # browsers ask for it on every page; a 404 each time fills the log and the console
        return current_app.response_class(_FAVICON, mimetype="image/svg+xml",
                                          headers={"Cache-Control": "max-age=86400"})

    @app.route("/queue")
    def queue():
        status = request.args.get("status", "")
        if status not in store_mod._review.STATUSES:
            abort(400, "unknown status")
        page = _int("page", 1, 100000) or 1
        args = dict(year=_int("year", 1900, 2999), month=_int("month", 1, 12),
                    category=request.args.get("category") or None,
                    channel=request.args.get("channel") or None,
                    source_id=request.args.get("source") or None, status=status,
                    query=(request.args.get("q") or "")[:100] or None)
        st = get_store()
        rows = st.review_queue(**args, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
                               scope=scope())
        more = len(rows) > PAGE_SIZE
        current = {k: request.args.get(k, "") for k in FILTERS}
        return render_template("queue.html", rows=_with_reasons(st, rows[:PAGE_SIZE]),
                               more=more, page=page,
                               facets=_facets(st), current=current,
                               statuses=store_mod._review.STATUSES)

    @app.route("/item/<int:item_id>")
    def item(item_id: int):
        st = get_store()
        require_items([item_id])
        it = st.item(item_id)
        undo_move = False
        if item_id not in visible_items([item_id]):
            g.read_only_item = True     # moved to another body: its history, not its actions
            # ... but the move itself this body may take back (undo)
            last = st.review_last_action(item_id)
            undo_move = bool(last and bound_body() in last["moved"]
                             and g.user["role"] in ("admin", "reviewer"))
        evidence = st.auto_evidence([item_id]).get(item_id, [])
        sc = scope()
        if sc is not None and sc.own:       # its own decision in place of the district's
            it = st.body_overlay(sc.body, [{**it, "evidence": evidence}])[0]
            evidence = it["evidence"]
        try:
            meta = json.loads(it.get("meta_json") or "{}")
        except ValueError:
            meta = {}
        return render_template(
            "item.html", item=it, evidence=evidence,
            attribution_reason=str(meta.get("attribution_reason") or "") if isinstance(meta, dict) else "",
            title_html=highlight(it["title"], keyword_map(evidence, "title", it["category"])),
            body_html=paragraphs(it["body"], keyword_map(evidence, "body", it["category"])),
            duplicates=_visible(st.duplicates(item_id)), audit=st.audit(item_id),
            source=st.source(it["source_id"]), bodies=_bodies_of(it), undo_move=undo_move)

    def _counts(year: int) -> report.Counts:
        # the cached raw counts (exactly Store.counts while no counted column changed), shaped
        # like `gongkai counts` does it
        return report.Counts.from_raw(year, raw_counts(year), _rules().names)

    @app.route("/counts")
    def counts():
        year, hint = _int("year", 1900, 2999), ""
        if year is None:
            year, hint = default_year()
        c = _counts(year)
        return render_template("counts.html", counts=c, year=year, year_hint=hint,
                               labels=gk_app.labels(_rules()))

    @app.route("/counts.json")
    def counts_json():
        year = _int("year", 1900, 2999) or default_year()[0]
        return jsonify(_counts(year).as_dict())

    @app.route("/sources")
    def sources():
        from ._home import gap_rows, health_rows
        mine, year = source_ids(), default_year()[0]
        gaps = gap_rows(get_store(), year, current_app.config["GONGKAI_CLOCK"]())
        return render_template("sources.html", year=year, gaps=gaps, sources=[
            r for r in health_rows(get_store()) if mine is None or r["id"] in mine])

    @app.route("/dupes")
    def dupes():
        pairs = get_store().dupe_pairs("open")
        if scope() is not None:
            pairs = [p for p in pairs if visible_pair(p)]
        return render_template("dupes.html", pairs=pairs, back=None)

    @app.route("/dupes/<int:pair_id>")
    def dupe_pair(pair_id: int):
        """One possible-duplicate pair side by side, opened from the queue."""
        pairs = [p for p in get_store().dupe_pairs(None) if p["id"] == pair_id]
        if not pairs or not visible_pair(pairs[0]):
            abort(404)
        back = request.args.get("back", "")
        return render_template("dupes.html", pairs=pairs, single=True,
                               back=back if _local_path(back) else None)

    @app.route("/api/dupes/<int:pair_id>/<decision>", methods=["POST"])
    def decide_pair(pair_id: int, decision: str):
        require_writer()
        if decision not in ("same", "apart"):
            abort(404)
        pair = [p for p in get_store().dupe_pairs(None) if p["id"] == pair_id]
        if not pair or not visible_pair(pair[0]):
            abort(404)
        try:
            done = get_store().decide_dupe_pair(pair_id, "merged" if decision == "same" else "apart",
                                                now=_now(), actor=g.user["name"])
        except store_mod.StoreError:
            abort(404)
        if request.is_json or request.headers.get("X-Requested-With") == "fetch":
            return jsonify(done)
        back = request.form.get("back", "")
        return redirect(back if _local_path(back) else url_for("dupes"))

    @app.route("/audit")
    def audit():
        return render_template("audit.html",
                               rows=store_mod.access.scoped_audit(get_store(), scope(), 500))

    def _done(item_id: int):
        # JSON for the keyboard (fetch); a redirect back for the plain forms of the item page.
        it = get_store().item(item_id)
        sc = scope()
        if sc is not None and sc.own:       # the body's own decision, as its pages show it
            it = get_store().body_overlay(sc.body, [it])[0]
        if request.is_json or request.headers.get("X-Requested-With") == "fetch":
            return jsonify(_item_json(it))
        return redirect(f"/item/{item_id}")

    def _payload() -> dict:
        return (request.get_json(silent=True) or {}) if request.is_json else request.form

    def _existing(item_id: int) -> None:
        require_items([item_id], write=True)

    @app.route("/api/item/<int:item_id>/category", methods=["POST"])
    def set_category(item_id: int):
        require_writer()
        _existing(item_id)
        category = _payload().get("category", "")
        if category not in _rules().names:
            abort(400, "unknown category")
        reason = str(_payload().get("reason", ""))[:500]
        sc = scope()
        if sc is not None and sc.own:       # the body's own category (store/_body_rules.py)
            get_store().set_body_category(item_id, sc.body, category, actor=g.user["name"],
                                          now=_now(), reason=reason)
        else:
            get_store().review_set_category(item_id, category, actor=g.user["name"],
                                            now=_now(), reason=reason)
        return _done(item_id)

    @app.route("/api/item/<int:item_id>/not-ours", methods=["POST"])
    def toggle_not_ours(item_id: int):
        require_writer()
        _existing(item_id)
        st = get_store()
        body = bound_body()
        if (body is not None and st.item(item_id)["attribution"] == "ours"
                and set(st.item_bodies(item_id)) - {body}):
            # a joint notice: "not ours" takes this body off it; the others keep counting it
            store_mod.access.move_item(st, item_id, body, None, actor=g.user["name"], now=_now(),
                                       reason="非本单位 not ours")
            if request.is_json or request.headers.get("X-Requested-With") == "fetch":
                return jsonify(_item_json(st.item(item_id)))
            return redirect(url_for("queue"))
        new = "ours" if st.item(item_id)["attribution"] == "not_ours" else "not_ours"
        st.review_set_attribution(item_id, new, actor=g.user["name"], now=_now())
        return _done(item_id)

    @app.route("/api/item/<int:item_id>/undo", methods=["POST"])
    def undo(item_id: int):
        require_writer()
        require_items([item_id])        # a 404 unless it is, or was, this account's body's
        sc = scope()
        if sc is not None and sc.own and own_change_is_last(item_id, sc.body):
            # its own category set by hand goes back to its rules
            require_items([item_id], write=True)
            get_store().set_body_category(item_id, sc.body, None, actor=g.user["name"],
                                          now=_now(), reason="undo")
            gk_pipeline.classify_own(_live.config(), get_store(), _now)
            return _done(item_id)
        last = may_undo(item_id)
        try:
            get_store().review_undo(item_id, actor=g.user["name"], now=_now(),
                                    action_id=last["id"])
        except store_mod.StoreError as e:
            abort(409, str(e))
        return _done(item_id)

    @app.route("/item/<int:item_id>/move", methods=["POST"])
    def move(item_id: int):
        """Re-attribution (改归属单位): an item of a shared source taken from one body and given
        to another, by an admin or by a reviewer of the body it leaves; audited, so the item's
        history shows the move to both bodies."""
        require_writer()
        require_items([item_id], write=True)
        st, cfg = get_store(), _live.config()
        if cfg is None or not cfg.district:
            abort(400, "只有多单位（[[bureaus]]）配置才能改归属单位 (a district config only)")
        it = st.item(item_id)
        bodies = _bodies_of(it)
        if not bodies["shared"]:
            abort(400, f"这条信息来自 {bodies['owner']} 自己的来源，归该单位；要移走这个来源的信息，"
                       "请在配置中改该来源的 bureau (an own source's items are its body's)")
        old = bound_body() or request.form.get("from", "").strip() or None
        new = request.form.get("to", "").strip() or None
        if new is not None and new not in bodies["choices"]:
            abort(400, f"未知单位或该来源不发布此单位的信息：{new} (unknown body for this source)")
        if old is not None and old not in bodies["current"]:
            abort(400 if bound_body() is None else 403,
                  f"这条信息现在不计入 {old} (the item does not count for {old})")
        try:
            store_mod.access.move_item(st, item_id, old, new, actor=g.user["name"], now=_now(),
                                       reason=str(request.form.get("reason", ""))[:500])
        except store_mod.StoreError as e:
            abort(400, str(e))
        return redirect(url_for("item", item_id=item_id))

    @app.errorhandler(400)
    @app.errorhandler(401)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(409)
    def _error(e):
        if request.path.startswith("/api/"):
            return jsonify({"error": e.description}), e.code
        return render_template("error.html", error=e), e.code
