"""Build step (not used at run time): cut the committed chart-font subset out of Noto Sans CJK SC.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb x
    python report/fonts/make_subset.py x/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The subset keeps ASCII, CJK punctuation, full-width forms and the 3,755 characters of GB 2312
level 1 (the common set), which covers category names a bureau realistically chooses; a name
with a rarer character falls back to any installed CJK font (see ``report._charts``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

OUT = Path(__file__).with_name("NotoSansSC-gongkai-subset.otf")
FAMILY = "Noto Sans CJK SC"


def common_chars() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)}   # CJK symbols and punctuation
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}   # full-width forms
    chars |= set("—–·•…‘’“”℃№‰")
    for hi in range(0xB0, 0xD8):                       # GB 2312 level 1: rows 16–55
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def main(ttc: str) -> None:
    collection = TTCollection(ttc)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
    options = subset.Options()
    options.layout_features = []      # charts need plain glyphs only
    options.hinting = False
    options.name_IDs = ["*"]          # keep copyright and licence names
    sub = subset.Subsetter(options)
    sub.populate(text=common_chars())
    sub.subset(font)
    font.save(str(OUT))
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
