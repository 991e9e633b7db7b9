"""Spreadsheets from outside, checked before openpyxl opens them (issue 15 #3).

An .xlsx is a zip of XML parts, and openpyxl trusts both: a 5 KB file with one cell at
XFD1048576 makes its read-only reader pad a million rows to 16,384 columns, a zip bomb unpacks
gigabytes of sheet XML, and the shared strings are read whole. ``check`` looks at the zip
directory, then streams every XML part through expat once — counting, keeping nothing — and
refuses the file with one sentence naming the file and the limit before openpyxl reads a byte.
A file within the limits below reads in under 300 MB (README, "Limits").
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

MAX_FILE_BYTES = 20_000_000
MAX_PARTS = 10_000               # members of the zip
MAX_PART_BYTES = 50_000_000      # one part, unpacked
MAX_TOTAL_BYTES = 80_000_000     # all parts, unpacked
MAX_RATIO = 100                  # unpacked : packed, for parts over RATIO_FROM bytes
RATIO_FROM = 1_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 64
MAX_CELL = 32_767                # characters in one cell: Excel's own limit
MAX_STRINGS = 300_000            # entries of the shared-string table, read whole by openpyxl
MAX_STRING_CHARS = 10_000_000    # characters of all of them
# What openpyxl holds while it reads a part: elements outside the rows (and their attributes and
# text) stay until the end of the part; a row or shared string is held while it is read.
MAX_ELEMENTS = 50_000
MAX_KEPT_CHARS = 10_000_000
MAX_ROW_ELEMENTS = 10_000
MAX_ROW_CHARS = 4_000_000
MAX_RUN = 1 << 20                # bytes between two '<' or '>': bounds any one tag or text
_CHUNK = 1 << 16
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,10})\$?(\d{1,15})$")
_XML_STARTS = (b"<", b"\xff\xfe", b"\xfe\xff", b"\x00<")   # UTF-8 or UTF-16
_LETTERS = re.compile(r"\$?([A-Za-z]{1,4})")   # 4 letters are past any limit already


class SheetRefused(ValueError):
    """A spreadsheet refused before reading; the message names the file and what is wrong."""


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _count_members(path: Path) -> int:
    """The member count from the end-of-central-directory record, read before zipfile builds an
    object per member (250,000 empty members fit in 20 MB and cost it 140 MB)."""
    with path.open("rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65_557))
        tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise SheetRefused(f"{path}: not a readable .xlsx file (no zip directory)")
    return struct.unpack_from("<H", tail, at + 10)[0]   # 0xFFFF: ZIP64, more than any sheet needs


class _Part:
    """Streams one XML part through expat, counting what openpyxl would hold."""

    def __init__(self, path: Path, name: str, max_rows: int, max_columns: int) -> None:
        self.where = f"{path} ({name})"
        self.max_rows, self.max_columns = max_rows, max_columns
        self.kind = ""              # worksheet | sst | other, from the root element
        self.depth = 0
        self.kept = self.kept_chars = 0      # outside rows and shared strings
        self.unit_depth = 0         # depth of the open <row> or <si>, 0 outside one
        self.unit_elements = self.unit_chars = 0
        self.row = self.col = 0
        self.strings = self.string_chars = 0
        self.text = 0               # characters of the open cell or shared string
        p = expat.ParserCreate(namespace_separator=" ")
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.chars
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.doctype
        self.parser = p

    def refuse(self, what: str) -> None:
        raise SheetRefused(f"{self.where}: {what}; not read")

    def doctype(self, *_) -> None:
        self.refuse("a DOCTYPE or entity declaration, which no spreadsheet part has")

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(" ")[2]
        self.depth += 1
        if self.depth == 1:
            self.kind = {"worksheet": "worksheet", "sst": "sst"}.get(local, "other")
        size = sum(len(k) + len(v) for k, v in attrs.items()) if attrs else 0
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > MAX_ROW_ELEMENTS:
                self.refuse(f"more than {MAX_ROW_ELEMENTS:,} XML elements in one row or string")
            self.unit_add(size)
            if local == "c" and self.kind == "worksheet":
                self.cell(attrs)
            return
        if (self.kind, local) == ("worksheet", "row"):
            r = attrs.get("r", "")
            if r.isascii() and r.isdigit():
                self.row = int(r) if len(r) <= 10 else self.max_rows + 1
            else:
                self.row += 1
            if self.row > self.max_rows:
                self.refuse(f"row {self.row:,} is beyond the limit of {self.max_rows:,} rows")
            self.col = 0
            self.open_unit(size)
        elif (self.kind, local) == ("sst", "si"):
            self.strings += 1
            if self.strings > MAX_STRINGS:
                self.refuse(f"more than {MAX_STRINGS:,} shared strings")
            self.text = 0
            self.open_unit(size)
        else:
            self.kept += 1
            if self.kept > MAX_ELEMENTS:
                self.refuse(f"more than {MAX_ELEMENTS:,} XML elements outside the rows")
            self.keep(size)
            if (self.kind, local) == ("worksheet", "dimension"):
                self.dimension(attrs.get("ref", ""))

    def open_unit(self, size: int) -> None:
        self.unit_depth, self.unit_elements, self.unit_chars = self.depth, 0, 0
        self.unit_add(size)

    def unit_add(self, n: int) -> None:
        self.unit_chars += n
        if self.unit_chars > MAX_ROW_CHARS:
            self.refuse(f"more than {MAX_ROW_CHARS:,} characters in one row or string")

    def keep(self, n: int) -> None:
        self.kept_chars += n
        if self.kept_chars > MAX_KEPT_CHARS:
            self.refuse(f"more than {MAX_KEPT_CHARS:,} characters outside the rows")

    def cell(self, attrs: dict) -> None:
        m = _LETTERS.match(attrs.get("r", ""))
        self.col = _column(m.group(1)) if m else self.col + 1
        if self.col > self.max_columns:
            self.refuse(f"row {self.row:,} has a cell in column {self.col:,}, beyond the limit "
                        f"of {self.max_columns} columns")
        self.text = 0

    def dimension(self, ref: str) -> None:
        m = _CELL_REF.search(ref)
        if m is None:
            return   # openpyxl refuses an unreadable one itself
        rows, cols = int(m.group(2)), _column(m.group(1))
        if rows > self.max_rows or cols > self.max_columns:
            self.refuse(f"the sheet spans {ref}, beyond the limit of {self.max_rows:,} rows and "
                        f"{self.max_columns} columns")

    def end(self, name: str) -> None:
        if self.depth == self.unit_depth:
            self.unit_depth = 0
        self.depth -= 1

    def chars(self, data: str) -> None:
        if not self.unit_depth:
            self.keep(len(data))
            return
        self.unit_add(len(data))
        self.text += len(data)
        if self.text > MAX_CELL:
            self.refuse(f"a cell or string of more than {MAX_CELL:,} characters"
                        + (f" in row {self.row:,}" if self.kind == "worksheet" else ""))
        if self.kind == "sst":
            self.string_chars += len(data)
            if self.string_chars > MAX_STRING_CHARS:
                self.refuse(f"more than {MAX_STRING_CHARS:,} characters of shared strings")

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as e:
            raise SheetRefused(f"{self.where}: not a readable .xlsx file (bad XML: "
                               f"{expat.ErrorString(e.code)}, line {e.lineno})") from None


def _scan(z: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, max_rows: int,
          max_columns: int) -> None:
    part: _Part | None = None
    run = 0          # bytes since the last '<' or '>'
    with z.open(info) as f:
        while chunk := f.read(_CHUNK):
            if part is None:
                if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_XML_STARTS):
                    return   # not XML (an image, a printer setting): openpyxl does not parse it
                part = _Part(path, info.filename, max_rows, max_columns)
            first = min((i for i in (chunk.find(b"<"), chunk.find(b">")) if i >= 0), default=-1)
            if first < 0:
                run += len(chunk)
            else:
                run += first
                if run <= MAX_RUN:
                    run = len(chunk) - 1 - max(chunk.rfind(b"<"), chunk.rfind(b">"))
            if run > MAX_RUN:
                part.refuse(f"more than {MAX_RUN:,} bytes in one tag or text")
            part.feed(chunk)
    if part is not None:
        part.feed(b"", final=True)


def check(path: str | Path, *, max_rows: int = MAX_ROWS,
          max_columns: int = MAX_COLUMNS) -> None:
    """SheetRefused, naming the file and the limit, unless ``path`` is an .xlsx within the limits
    above (sheets of at most ``max_rows`` × ``max_columns``). Reads the file once, keeps nothing."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise SheetRefused(f"{p}: file not found") from None
    if size > MAX_FILE_BYTES:
        raise SheetRefused(f"{p}: {size:,} bytes is larger than the limit of "
                           f"{MAX_FILE_BYTES:,} bytes for a spreadsheet")
    if _count_members(p) > MAX_PARTS:
        raise SheetRefused(f"{p}: more than {MAX_PARTS:,} parts in the zip; not read")
    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_PART_BYTES:
                    raise SheetRefused(f"{p}: part {info.filename} unpacks to "
                                       f"{info.file_size:,} bytes, over the limit of "
                                       f"{MAX_PART_BYTES:,}; not read")
                if info.file_size > RATIO_FROM and \
                        info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise SheetRefused(
                        f"{p}: part {info.filename} unpacks "
                        f"{info.file_size // max(info.compress_size, 1):,} times its packed size "
                        f"(limit {MAX_RATIO}:1, a zip bomb?); not read")
            if total > MAX_TOTAL_BYTES:
                raise SheetRefused(f"{p}: unpacks to {total:,} bytes in all, over the limit of "
                                   f"{MAX_TOTAL_BYTES:,}; not read")
            for info in infos:
                if not info.is_dir():
                    _scan(z, info, p, max_rows, max_columns)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError,
            RuntimeError, EOFError, OSError) as e:
        # a damaged zip or stream, an unknown compression, an encrypted part, a wrong CRC
        raise SheetRefused(f"{p}: not a readable .xlsx file ({type(e).__name__})") from None
