"""The yearly report in the browser (issue 16.4): tables 二/三/四 and the texts as one form.

The form reads and writes the same data file as ``gongkai report init|check`` (the config's
``[report] data``, else ``report-YEAR.toml`` beside the config), atomically, and only when
``report check``'s own checks (``gongkai.cmd_report.check_data`` → ``report.check``) find no
error: the browser and the CLI cannot disagree. A fingerprint of the file as it was loaded
refuses a save over a change made meanwhile (by the CLI or a colleague). ``/report/<year>/check``
runs the same checks on the unsaved form for static/report_form.js, which shows them as you type.
Problems are placed next to the cells and texts they name by their rule ids; the rules
themselves live only in ``report``.

In a district each body has its own data file and report (``report init|check --bureau ID``): an
account bound to a body gets its body's, and another body's (``?bureau=``) is a 404; an admin
chooses the body with ``?bureau=ID`` (the first body without it).
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import (Flask, abort, g, jsonify, redirect, render_template, request,
                   send_file, url_for)

import report

from .. import cmd_report
from . import _live
from ._auth import (_now, body_menu, bound_body, can_write, get_store, report_body,
                    require_writer)
from ._views import default_year

log = logging.getLogger(__name__)

MAX_TEXT = 20_000           # characters per text; a whole report's narrative is a few thousand
_FORM_BYTES = 512 * 1024    # the form posts multipart UTF-8: room for all eight texts at MAX_TEXT
_ENDPOINTS = ("report_form", "report_check", "report_download")

T2_CELLS = tuple(f"t2.{row}.{col}" for b in report.T2_BLOCKS for row, _ in b.rows for col, _ in b.columns)
T3_CELLS = tuple(f"t3.{r.id}.{col}" for r in report.T3_ROWS for col, _ in report.T3_COLUMNS)
T4_CELLS = tuple(f"t4.{prefix}_{o}" for prefix, _ in report.T4_GROUPS for o, _ in report.T4_OUTCOMES)
FEE_CELLS = frozenset(f"t2.{row}.{col}" for b in report.T2_BLOCKS if b.decimal
                      for row, _ in b.rows for col, _ in b.columns)
_T3_RESULT_ROWS = ("r1_new", "r2_carried_in", "r3_7_total", "r4_carried_out")


@dataclass
class Shown:
    """Problems arranged for the page: by anchor (the row or text they are shown under) and the
    set of fields to mark."""

    by_anchor: dict[str, list[dict]] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    errors: int = 0
    warnings: int = 0

    def add(self, anchor: str | tuple[str, ...], fields: list[str], severity: str, message: str,
            rule: str) -> None:
        for where in (anchor,) if isinstance(anchor, str) else anchor:
            self.by_anchor.setdefault(where, []).append(
                {"severity": severity, "message": message, "rule": rule, "fields": fields})
        if severity == "error":
            self.bad.update(fields)
            self.errors += 1
        else:
            self.warnings += 1

    def as_json(self) -> dict:
        return {"errors": self.errors, "warnings": self.warnings, "by_anchor": self.by_anchor}


def data_file(year: int, body: str | None = None) -> Path:
    """Where ``report check --year YEAR [--bureau BODY]`` (with the same config) reads its
    data."""
    cfg = _config()
    return cmd_report.data_path(cfg, year, body) or cmd_report.default_data(cfg, year, body)


def _which(body: str | None) -> dict:
    """The query arguments naming the body in the form's own links (an admin's choice)."""
    return {"bureau": body} if body is not None and bound_body() is None else {}


def _fingerprint(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"


def _cell_values(tables: report.Tables) -> dict[str, str]:
    def shown(value) -> str:
        return format(value, "f") if isinstance(value, Decimal) else str(value)   # never 1E+1

    return {ref: shown(tables.get(ref)) for ref in T2_CELLS + T3_CELLS + T4_CELLS}


def parse_form(form) -> tuple[report.Tables, dict[str, str], dict[str, str], dict[str, str]]:
    """(tables, texts, what was typed per field, field errors in Chinese). An empty cell is 0."""
    tables, typed, errors = report.Tables(), {}, {}
    for ref in T2_CELLS + T3_CELLS + T4_CELLS:
        raw = (form.get(ref) or "").strip()
        typed[ref] = raw
        if not raw:
            continue
        try:
            if ref in FEE_CELLS:
                value: object = Decimal(raw)
                ok = value.is_finite() and value >= 0
            else:
                # int() takes full-width digits (１２) as an IME types them, and no decimals
                value = int(raw)
                ok = value >= 0
        except (ValueError, InvalidOperation):
            ok = False
        if not ok:
            errors[ref] = ("请填写不小于 0 的金额（万元），如 1.25" if ref in FEE_CELLS
                           else "请填写不小于 0 的整数")
            continue
        tables.set(ref, value)
    texts = {}
    for key in report.TEXT_KEYS:
        text = (form.get(f"texts.{key}") or "").replace("\r\n", "\n")
        if len(text) > MAX_TEXT:
            errors[f"texts.{key}"] = f"不超过 {MAX_TEXT} 字，现有 {len(text)} 字"
            text = text[:MAX_TEXT]
        typed[f"texts.{key}"] = text
        if text.strip():
            texts[key] = text
    return tables, texts, typed, errors


def _text_anchors(model: report.ReportModel) -> list[tuple[str, str]]:
    """(where a problem message starts, text key), longest first: messages name the heading."""
    keys = {"active", "apply", "management", "platform", "supervision", "problems", "improvements"}
    found = []
    for section in model.sections:
        for part in section.parts:
            if part.key in keys:
                found.append((f"{section.heading}{part.heading}", part.key))
        if section.key == "s6":
            found.append((section.heading, "other"))
    return sorted(found, key=lambda x: -len(x[0]))


def arrange(problems: list[report.Problem], model: report.ReportModel | None,
            field_errors: dict[str, str]) -> Shown:
    """Each problem under the row or text it concerns, by its rule id (see report._validate)."""
    shown = Shown()
    for ref, message in field_errors.items():
        shown.add(_anchor_of(ref), [ref], "error", message, "FIELD")
    texts = _text_anchors(model) if model is not None else []
    for p in problems:
        rule, message = p.rule, p.message
        anchor: str | tuple[str, ...] = "general"
        fields: list[str] = []
        tail = rule.rsplit("-", 1)[-1]
        if rule.startswith("T3-IDENT-"):
            # 一+二 = 七+四: said under 二, where the officer starts, and under 四, where it closes
            anchor = ("t3.r2_carried_in", "t3.r4_carried_out")
            fields = [f"t3.{r}.{tail}" for r in _T3_RESULT_ROWS]
        elif rule.startswith("T3-TOTALROW-"):
            anchor, fields = "t3.r3_7_total", [f"t3.r3_7_total.{tail}"]
        elif rule.startswith("T3-COLSUM-"):
            row = rule[len("T3-COLSUM-"):]
            anchor, fields = f"t3.{row}", [f"t3.{row}.total"]
        elif rule.startswith("H-T3-CARRY-"):
            col = rule[len("H-T3-CARRY-"):]
            anchor, fields = "t3.r2_carried_in", [f"t3.r2_carried_in.{col}"]
        elif rule.startswith("T4-SUM-"):
            prefix = rule[len("T4-SUM-"):]
            anchor, fields = f"t4.{prefix}", [f"t4.{prefix}_total"]
        elif rule.startswith(("H-T2-BALANCE-", "H-T2-MONOTONE-")):
            row = rule.split("-", 3)[-1]
            anchor, fields = f"t2.{row}", [f"t2.{row}.in_force"]
        elif rule == "H-T2-NO-RULEMAKING":
            anchor = "t2.regulations"
        elif rule == "DOM-INT":
            ref = message.split(" ", 1)[0]
            anchor, fields = _anchor_of(ref), [ref]
        elif rule.startswith(("H-TEXT-", "H-NARR-")):
            for where, key in texts:
                if message.startswith(where):
                    anchor, fields = f"texts.{key}", [f"texts.{key}"]
                    break
        elif rule == "TEXT-DEFAULT":
            key = next((k for k in report.TEXT_KEYS if f"（{k}）" in message), None)
            if key is not None:
                anchor = f"texts.{key}"
        shown.add(anchor, fields, p.severity, officer_message(message, rule), rule)
    return shown


# `report check` names rows, columns and texts by their ids too, for the data file's editor:
# "表三“自然人”列（natural_person）"; the officer reads the Chinese names only.
_ID_IN_BRACKETS = re.compile(r"（[A-Za-z][A-Za-z0-9_.]*）")


def cell_name(ref: str) -> str:
    """A cell of the form in the report's words: t3.r1_new.natural_person ->
    表三“一、本年新收政府信息公开申请数量”行“自然人”列."""
    parts = ref.split(".")
    if parts[0] == "t2" and len(parts) == 3:
        for block in report.T2_BLOCKS:
            rows, cols = dict(block.rows), dict(block.columns)
            if parts[1] in rows and parts[2] in cols:
                return f"表二“{rows[parts[1]]}”行“{cols[parts[2]]}”"
    if parts[0] == "t3" and len(parts) == 3:
        rows = {r.id: r.label for r in report.T3_ROWS}
        cols = dict(report.T3_COLUMNS)
        if parts[1] in rows and parts[2] in cols:
            return f"表三“{rows[parts[1]]}”行“{cols[parts[2]]}”列"
    if parts[0] == "t4" and len(parts) == 2:
        for prefix, group in report.T4_GROUPS:
            outcome = dict(report.T4_OUTCOMES).get(parts[1].removeprefix(prefix + "_"))
            if parts[1].startswith(prefix + "_") and outcome:
                return f"表四“{group}”的“{outcome}”"
    return "表格中的一格"


def officer_message(message: str, rule: str) -> str:
    """A problem as the form shows it: the Chinese names of rows, columns and texts, no ids."""
    if rule == "DOM-INT":
        ref, _, rest = message.partition(" ")
        message = f"{cell_name(ref)} {rest}"
    return _ID_IN_BRACKETS.sub("", message)


def _anchor_of(ref: str) -> str:
    if ref.startswith("texts."):
        return ref
    parts = ref.split(".")
    if parts[0] == "t4":
        # t4.lit_after_review_total -> t4.lit_after_review: the group's row of the form
        return next((f"t4.{prefix}" for prefix, _ in report.T4_GROUPS
                     if parts[1].startswith(prefix + "_")
                     and parts[1][len(prefix) + 1:] in dict(report.T4_OUTCOMES)), "general")
    return ".".join(parts[:2])


def _defaults(model: report.ReportModel | None) -> dict[str, str]:
    """The wording the report prints for each text left empty, shown greyed in its box."""
    if model is None:
        return {}
    found = {}
    for section in model.sections:
        if section.key == "s6":
            found["other"] = "\n".join(section.paragraphs)
        for part in section.parts:
            if part.key != "active":       # its first paragraph is the generated sentences
                found[part.key] = "\n".join(part.paragraphs)
    return {k: v for k, v in found.items() if k in model.defaulted_texts}


def _config():
    cfg = _live.config()
    if cfg is None:
        abort(503, "年度报告需要配置文件：请用 gongkai serve --config gongkai.toml 启动 "
                   "(the report form needs the config: start gongkai serve with --config)")
    return cfg


def _check(year: int, tables, texts, path: Path, charts: bool = False,
           body: str | None = None):
    return cmd_report.check_data(_config(), _live.rules(), get_store(), year,
                                 tables=tables, texts=texts, data=path, charts=charts, body=body,
                                 now=_now())


def _blocking(problems: list[report.Problem]) -> list[report.Problem]:
    # COUNTS-* come from the crawled counts, not from the form: they must not lock the form.
    return [p for p in problems if p.severity == "error" and not p.rule.startswith("COUNTS-")]


def _year_hint(year: int) -> str:
    # the page says why it opened on another year than the one being reported
    shown, hint = default_year()
    return hint if year == shown else ""


def _year(year: int) -> int:
    if not 2000 <= year <= 2999:
        abort(404)
    return year


def install(app: Flask) -> None:
    @app.url_value_preprocessor
    def _room_for_texts(endpoint, _values):
        # before the CSRF guard reads the form: the texts need more room than the app's 64 KB
        if endpoint in _ENDPOINTS:
            request.max_content_length = _FORM_BYTES
            request.max_form_memory_size = _FORM_BYTES

    @app.route("/report")
    def report_home():
        raw = request.args.get("year", "").strip()
        year = int(raw) if raw.isdecimal() and len(raw) == 4 else default_year()[0]
        return redirect(url_for("report_form", year=year, **_which(report_body(_config()))))

    @app.route("/report/<int:year>", methods=["GET", "POST"])
    def report_form(year: int):
        year = _year(year)
        body = report_body(_config())
        path = data_file(year, body)
        notes: list[str] = []
        file_error = None
        status = 200
        saved = request.args.get("saved") == "1"
        if request.method == "POST":
            require_writer()
            tables, texts, typed, field_errors = parse_form(request.form)
            model, problems = _check(year, tables, texts, path, body=body)
            shown = arrange(problems, model, field_errors)
            fingerprint = request.form.get("fingerprint", "")
            if fingerprint != _fingerprint(path):
                notes.append("数据文件在您打开本页之后已被修改（命令行或其他同事），本次未保存。"
                             "请复制您的改动，重新载入本页后再保存。")
                status = 409
            elif field_errors or _blocking(problems):
                notes.append("有错误，未保存：请按红色提示修改后再保存。数据文件未改动。")
                status = 422
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                report.write_text_atomic(path, report.data_template(year, tables, texts))
                log.info("report data %s saved by %s", path, g.user["name"])
                return redirect(url_for("report_form", year=year, saved=1, **_which(body)))
        else:
            fingerprint = _fingerprint(path)
            try:
                if path.exists():
                    loaded = report.load_data(path, year)
                    tables, texts = loaded.tables, loaded.texts
                else:
                    tables, texts, carried = report.starting_data(path, year)
                    notes += [f"尚无数据文件，已按上年数据预填：{n}" for n in carried]
            except report.ReportError as e:
                file_error = str(e)
                tables, texts = report.Tables(), {}
            typed = {**_cell_values(tables), **{f"texts.{k}": texts.get(k, "") for k in report.TEXT_KEYS}}
            field_errors = {}
            try:
                model, problems = _check(year, tables, texts, path, body=body)
            except report.ReportError as e:
                file_error, model, problems = file_error or str(e), None, []
            shown = arrange(problems, model, field_errors)
        return render_template(
            "report_form.html", year=year, path=path, fingerprint=fingerprint, typed=typed,
            shown=shown, notes=notes, file_error=file_error, saved=saved, editable=can_write(),
            exists=path.exists(), text_keys=_TEXT_FORM, layout=report, fee_cells=FEE_CELLS,
            t4_rows=[(prefix, label) for prefix, label in report.T4_GROUPS],
            sentence=model.proactive_sentence if model is not None else "",
            defaults=_defaults(model), year_hint=_year_hint(year),
            which=_which(body), body=body, bodies=body_menu(_config()),
            body_name=_config().body(body).name if body else "",
            check_command=f"gongkai report check --year {year}"
                          f"{' --bureau ' + body if body else ''} --data {path}"), status

    @app.route("/report/<int:year>/check", methods=["POST"])
    def report_check(year: int):
        year = _year(year)
        body = report_body(_config())
        tables, texts, _typed, field_errors = parse_form(request.form)
        model, problems = _check(year, tables, texts, data_file(year, body), body=body)
        return jsonify(arrange(problems, model, field_errors).as_json())

    @app.route("/report/<int:year>/download.<fmt>")
    def report_download(year: int, fmt: str):
        year = _year(year)
        if fmt not in ("docx", "html"):
            abort(404)
        body = report_body(_config())
        path = data_file(year, body)
        if not path.exists():
            abort(409, f"{year} 年的数据文件还没有保存：请先填写并保存本页 (no data file yet)")
        try:
            loaded = report.load_data(path, year)
        except report.ReportError as e:
            abort(409, f"数据文件有误：{e}")
        model, problems = _check(year, loaded.tables, loaded.texts, path, charts=True, body=body)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            abort(409, f"{len(errors)} 个错误，不能生成报告，第一个：{errors[0]}")
        name = f"report-{year}{'-' + body if body else ''}.{fmt}"
        if fmt == "html":
            body = io.BytesIO(report.render_html(model).encode("utf-8"))
            return send_file(body, mimetype="text/html; charset=utf-8", as_attachment=True,
                             download_name=name)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / name
            report.render_docx(model, out)
            body = io.BytesIO(out.read_bytes())
        return send_file(body, as_attachment=True, download_name=name, mimetype=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))


# (key, heading shown on the form, rows of the textarea)
_TEXT_FORM = (
    ("active", "一（一）主动公开：生成的渠道与分类句之后的补充（可空）", 3),
    ("apply", "一（二）依申请公开", 4),
    ("management", "一（三）政府信息管理", 3),
    ("platform", "一（四）政府信息公开平台建设", 3),
    ("supervision", "一（五）监督保障", 3),
    ("problems", "五（一）存在的主要问题", 3),
    ("improvements", "五（二）改进情况", 3),
    ("other", "六、其他需要报告的事项", 2),
)
