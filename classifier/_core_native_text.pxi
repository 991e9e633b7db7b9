# classifier/_core_native_text.pxi — included by _core_native.pyx (issue 18).
# Normalization: the fast path's character table and the one pass into code points.

# --- normalize -------------------------------------------------------------------------------

# Per BMP code point: 0 unknown (the reference normalize decides), 1 kept as it is, 2 white
# space (a gap between words), 3 replaced by its NFKC form, lower-cased: MAPLEN[c] code points
# from POOL[MAP[c]] (full-width forms, ℃, ①, ㈠, ﹝, …). Built at import from this Python's
# unicodedata, as the reference uses it.
cdef enum:
    C_UNKNOWN = 0
    C_KEEP = 1
    C_SPACE = 2
    C_MAP = 3
    MAX_MAP = 8
    POOL_SIZE = 32768
cdef unsigned char CLS[65536]
cdef unsigned char MAPLEN[65536]
cdef uint32_t MAP[65536]
cdef Py_UCS4 POOL[POOL_SIZE]
cdef Py_ssize_t pool_used = 0


cdef bint _simple_kept(str c):
    # NFKC-stable, no decomposition at all, not combining, printable, caseless under
    # str.lower: what the fast path copies as it is
    return (unicodedata.normalize("NFKC", c) == c and unicodedata.combining(c) == 0
            and c.isprintable() and not c.isspace() and c.lower() == c
            and unicodedata.decomposition(c) == "")


cdef void _map_to(int i, str n):
    global pool_used
    cdef Py_ssize_t j
    CLS[i] = C_MAP
    MAP[i] = pool_used
    MAPLEN[i] = len(n)
    for j in range(len(n)):
        POOL[pool_used] = ord(n[j])
        pool_used += 1


cdef void _build_classes():
    cdef int i
    memset(CLS, C_UNKNOWN, sizeof(CLS))
    for i in range(0x21, 0x7f):
        CLS[i] = C_KEEP
    for i in range(ord("A"), ord("Z") + 1):
        _map_to(i, chr(i).lower())
    for i in (0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20):
        CLS[i] = C_SPACE
    # Unified ideographs and extension A: no decomposition, no case, no composition.
    for i in range(0x4e00, 0xa000):
        CLS[i] = C_KEEP
    for i in range(0x3400, 0x4dc0):
        CLS[i] = C_KEEP
    # The punctuation and symbol blocks of Chinese pages, decided character by character;
    # a block's replacements may use the characters of the blocks before it.
    for lo, hi in ((0xa0, 0x100), (0x2000, 0x2070), (0x2100, 0x2190), (0x2460, 0x2500),
                   (0x3000, 0x3040), (0x3200, 0x3400), (0xfe10, 0xfe70), (0xff00, 0xfff0)):
        for i in range(lo, hi):
            c = chr(i)
            if unicodedata.combining(c) or unicodedata.category(c) in ("Cf", "Cc", "Co", "Cn"):
                continue
            n = unicodedata.normalize("NFKC", c)
            if n == c:
                if c.isspace():
                    CLS[i] = C_SPACE
                elif _simple_kept(c):
                    CLS[i] = C_KEEP
            elif n.isspace() and len(n) == 1:
                CLS[i] = C_SPACE
            elif 0 < len(n) <= MAX_MAP and pool_used + len(n) <= POOL_SIZE:
                low = n.lower()
                if len(low) != len(n):
                    continue
                ok = True
                for ch in low:
                    m = ord(ch)
                    if m >= 0x10000 or CLS[m] != C_KEEP:
                        ok = False
                        break
                if ok:
                    _map_to(i, low)


_build_classes()


def classes():
    """The fast path's table, for the tests: {code point: (class, mapped code point)}."""
    return {i: (CLS[i], "".join(chr(POOL[MAP[i] + j]) for j in range(MAPLEN[i]))
                if CLS[i] == C_MAP else "") for i in range(65536) if CLS[i] != C_UNKNOWN}


cdef inline bint is_cjk(Py_UCS4 c) nogil:
    return ((0x4e00 <= c <= 0x9fff) or (0x3000 <= c <= 0x30ff) or (0x3400 <= c <= 0x4dbf)
            or (0x2e80 <= c <= 0x2fdf) or (0xf900 <= c <= 0xfaff)
            or c == 0x201c or c == 0x201d or c == 0x2018 or c == 0x2019)


cdef struct Buf:
    Py_UCS4 *data
    Py_ssize_t n


cdef Py_ssize_t fast_normalize(str text, Py_UCS4 *out) except -2:
    """Normalize *text* into *out* (room for MAX_MAP × len): its length, or -1 when a
    character needs the reference normalize."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t size = len(text)
    if kind == 1:
        return fast_normalize_kind(<const unsigned char*> data, size, out)
    if kind == 2:
        return fast_normalize_kind(<const unsigned short*> data, size, out)
    return fast_normalize_kind(<const Py_UCS4*> data, size, out)


ctypedef fused chars_t:
    const unsigned char
    const unsigned short
    const Py_UCS4


cdef Py_ssize_t fast_normalize_kind(chars_t *data, Py_ssize_t size, Py_UCS4 *out) noexcept:
    cdef Py_ssize_t i, j, n = 0
    cdef Py_UCS4 c, last = 0
    cdef const Py_UCS4 *m
    cdef unsigned char k, mn
    cdef bint gap = False
    for i in range(size):
        c = data[i]
        if c >= 0x10000:
            return -1
        k = CLS[c]
        if k == C_KEEP and not gap:
            out[n] = c
            n += 1
            last = c
            continue
        if k == C_SPACE:
            gap = True
            continue
        if k == C_UNKNOWN:
            return -1
        if k == C_MAP:
            m = POOL + MAP[c]
            mn = MAPLEN[c]
        else:
            m = &c
            mn = 1
        if gap:
            # whitespace between two pieces: none between CJK characters, else one space
            if n and not (is_cjk(last) and is_cjk(m[0])):
                out[n] = 0x20
                n += 1
            gap = False
        for j in range(mn):
            out[n] = m[j]
            n += 1
        last = m[mn - 1]
    return n


cdef Buf to_buf(str text) except *:
    """*text* normalized, as a PyMem/malloc'd code-point buffer (free with free_buf)."""
    cdef Buf b
    cdef Py_ssize_t n
    b.data = <Py_UCS4*> malloc((MAX_MAP * len(text) + 1) * sizeof(Py_UCS4))
    if b.data == NULL:
        raise MemoryError()
    n = fast_normalize(text, b.data)
    if n < 0:
        free(b.data)
        norm = _pure.normalize(text)
        b.n = len(norm)
        b.data = <Py_UCS4*> malloc((b.n + 1) * sizeof(Py_UCS4))
        if b.data == NULL:
            raise MemoryError()
        if b.n:
            tmp = PyUnicode_AsUCS4Copy(norm)
            memcpy(b.data, tmp, b.n * sizeof(Py_UCS4))
            PyMem_Free(tmp)
    else:
        b.n = n
    return b


def normalize(str text):
    """What classifier/_core.py's normalize returns, in one pass for common text."""
    cdef Buf b
    if not text:
        return ""
    b = to_buf(text)
    try:
        return PyUnicode_FromKindAndData(4, b.data, b.n)
    finally:
        free(b.data)


def join_words(parts):
    return _pure.join_words(parts)
