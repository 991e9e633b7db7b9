"""Hostile spreadsheets (issue 15 #3), built small on disk: each is a real .xlsx made by openpyxl
with one part swapped for the attack, written through a streaming zip writer so a part of 100 MB
never sits in memory."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Callable, Iterable

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet {NS}><sheetData>'.encode()
TAIL = b"</sheetData></worksheet>"


def base(path: Path, rows: Iterable[tuple] = (("标题", "发布日期"), ("促消费活动", "2024-03-05")),
         sheet: str = "信息") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def swap(path: Path, parts: dict[str, bytes | Callable[[], Iterable[bytes]]]) -> Path:
    """Rewrite ``path`` with ``parts`` replaced or added (bytes, or a function giving chunks)."""
    with zipfile.ZipFile(path) as z:
        old = {i.filename: z.read(i) for i in z.infolist()}
    if STRINGS in parts and STRINGS not in old:
        ct = old["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        old["[Content_Types].xml"] = ct
        rels = "xl/_rels/workbook.xml.rels"
        old[rels] = old[rels].replace(b"</Relationships>", (
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in dict.fromkeys([*old, *parts]):
            content = parts.get(name, old.get(name))
            if isinstance(content, bytes):
                z.writestr(name, content)
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as out:
                for chunk in content():
                    out.write(chunk)
    return path


def sheet_of(*chunks: bytes) -> Callable[[], Iterable[bytes]]:
    return lambda: [HEAD, *chunks, TAIL]


def far_cell(path: Path) -> Path:
    """A 5 KB file with one cell at XFD1048576: openpyxl's dimension is A1:XFD1048576."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["标题", "发布日期"])
    ws["XFD1048576"] = "x"
    wb.save(path)
    return path


def far_row(path: Path) -> Path:
    """The same without a dimension element: only the row number tells."""
    return swap(base(path), {SHEET: sheet_of(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')})


def zip_bomb(path: Path, unpacked: int) -> Path:
    """A sheet part of ``unpacked`` bytes of rows of one empty cell, compressing ~300:1."""
    row = b'<row><c t="n"/></row>'

    def chunks():   # well-formed: whole rows, then blanks up to the exact size
        yield HEAD
        block = row * ((1 << 20) // len(row))
        left = unpacked - len(HEAD) - len(TAIL)
        while left >= len(block):
            yield block
            left -= len(block)
        yield row * (left // len(row)) + b" " * (left % len(row))
        yield TAIL
    return swap(base(path), {SHEET: chunks})


def long_shared_string(path: Path, n: int) -> Path:
    """One shared string of ``n`` characters, used by cell A2."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst {NS} count="2" uniqueCount="2">'
           '<si><t>标题</t></si><si><t>').encode()
    return swap(base(path), {
        STRINGS: lambda: [sst, b"x" * n, b"</t></si></sst>"],
        SHEET: sheet_of(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                        b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>')})


# Numbers that differ from row to row keep these compressing like a real sheet (~10:1), so it is
# the row, string or element count that refuses them, not the zip ratio.
def rows(path: Path, n: int, columns: int = 2) -> Path:
    def chunks():
        yield HEAD
        for r in range(1, n + 1):
            yield (f'<row r="{r}">' + "".join(f'<c t="n"><v>{r * 7919 % 100003 + c}</v></c>'
                                              for c in range(columns)) + "</row>").encode()
        yield TAIL
    return swap(base(path), {SHEET: chunks})


def many_strings(path: Path, n: int) -> Path:
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst {NS}>'.encode()
    return swap(base(path), {STRINGS: lambda: [
        head, *(f"<si><t>{i * 7919 % 1000003}</t></si>".encode() for i in range(n)),
        b"</sst>"]})


def many_merges(path: Path, n: int) -> Path:
    return swap(base(path), {SHEET: lambda: [
        HEAD, b"</sheetData><mergeCells>",
        *(f'<mergeCell ref="A{i * 7919 % 100003}:B{i}"/>'.encode() for i in range(n)),
        b"</mergeCells></worksheet>"]})


def laughs(path: Path) -> Path:
    lol = ('<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
           + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg",
                                                                                   "bcdefgh"))
           + f']>\n<sst {NS}><si><t>&h;</t></si></sst>').encode()
    return swap(base(path), {STRINGS: lol})


def many_parts(path: Path, n: int) -> Path:
    base(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(f"x/{i}", b"")
    return path
