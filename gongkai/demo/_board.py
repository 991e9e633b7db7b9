"""The demo bureau's bulletin board (政务信息公开栏) as the spreadsheet an officer would keep of it.

The sheet is generated from the site's items, so it cannot drift from ``Site.truth``; the copy
shipped next to this module (``BOARD_XLSX``) is what this writes, byte for byte (a test checks it).
openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry: both are pinned
here so the bytes depend on the data only.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from ._site import Site, build_site

BOARD_XLSX = Path(__file__).with_name("board-2024.xlsx")
# the headers of `gongkai import --template` (gongkai.manual.TEMPLATE_HEADERS; a test keeps them equal)
HEADERS = ("标题", "发布日期", "时间", "正文", "链接", "来源")
_PINNED = datetime(2025, 1, 6, 9, 0, 0)     # "when the officer saved the sheet"
_ZIP_TIME = (2025, 1, 6, 9, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def board_xlsx_bytes(site: Site | None = None) -> bytes:
    """The .xlsx of the board's entries (first sheet: a header row, one row per entry)."""
    import openpyxl   # only the demo and the import need it; keep `import gongkai.demo` light
    site = site if site is not None else build_site()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公开栏"
    ws.append(list(HEADERS))
    for title, day, hhmm, body, url, byline in site.board_rows():
        # a real date cell, as Excel stores what the officer typed into a date-formatted column
        ws.append([title, date.fromisoformat(day), hhmm, body, url, byline])
        ws.cell(ws.max_row, 2).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEF", (60, 14, 8, 80, 20, 16)):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "卫滨区商务局"
    wb.properties.created = _PINNED
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>2025-01-06T09:00:00Z\g<2>", data)
            dst.writestr(zipfile.ZipInfo(info.filename, _ZIP_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_board_xlsx(path: str | Path, site: Site | None = None) -> Path:
    """Write the board spreadsheet to ``path`` (atomically) and return the path."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_bytes(board_xlsx_bytes(site))
    tmp.replace(p)
    return p
