# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, binding=False
"""The classifier's hot path in C: normalize, match, score and the second opinion's n-grams.

A hand-written counterpart of classifier/_core.py, which stays the reference: the same
functions (normalize, prepare, score_item, score_field, ngram_model) giving the same results —
tests/classifier/test_core.py and test_core_random.py compare the bytes ``gongkai classify``
prints both ways on the reference corpus and on thousands of generated items.
``tools/build_core.py`` (``make core``) compiles it into ``classifier._core_c``; classifier/
_coreload.py uses that only while its SOURCE_HASH is the hash of this file and of _core.py.

What is C here: a text is read as code points once; normalization's common case (text made of
characters whose NFKC form is themselves or ASCII: ideographs, CJK punctuation, full-width
forms, ASCII) is one pass into a code-point buffer — any other text goes through the reference
normalize; matching is an Aho–Corasick automaton over code points built once per Classifier,
with C arrays for its tables; the rules' steps (near terms, hidden hits, exclusions, groups)
work on C arrays of hits; the n-gram model hashes n-grams of up to three code points into a C
table. Python objects are made only for what is returned: the scores and the Evidence of the
hits that count.
"""

from libc.stdlib cimport malloc, calloc, realloc, free, qsort
from libc.string cimport memset, memcpy
from libc.stdint cimport uint64_t, uint32_t, uint16_t, int32_t
from cpython.ref cimport Py_INCREF, PyTypeObject
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM

import functools
import unicodedata

from classifier import _core as _pure

cdef extern from "Python.h":
    Py_UCS4* PyUnicode_AsUCS4Copy(object u) except NULL
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_KIND(object u)
    void* PyUnicode_DATA(object u)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil
    void PyMem_Free(void *p)
    object PyType_GenericAlloc(PyTypeObject *t, Py_ssize_t n)

PLAIN, HIDEABLE, NEAR = _pure.PLAIN, _pure.HIDEABLE, _pure.NEAR
cdef int K_NONE = -1, K_PLAIN = 0, K_HIDEABLE = 1, K_NEAR = 2

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


# --- the automaton and the rules' tables ------------------------------------------------------

cdef struct Hit:
    int32_t word
    int32_t start


cdef struct Cand:
    int32_t start
    int32_t end
    int32_t rank
    int32_t ci
    double weight
    int32_t word


cdef int cmp_cand(const void *a, const void *b) noexcept nogil:
    cdef const Cand *x = <const Cand*> a
    cdef const Cand *y = <const Cand*> b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    if x.end != y.end:
        return -1 if x.end < y.end else 1
    if x.rank != y.rank:
        return -1 if x.rank < y.rank else 1
    if x.ci != y.ci:
        return -1 if x.ci < y.ci else 1
    if x.weight != y.weight:
        return -1 if x.weight < y.weight else 1
    return 0


ctypedef int (*cand_cmp)(const void *, const void *) noexcept nogil


cdef inline void sort_cands(Cand *a, Py_ssize_t n, cand_cmp cmp) noexcept nogil:
    """Sort by *cmp*: insertion sort for the few dozen of a page, qsort beyond (glibc's
    allocates and calls through a pointer, most of the time on a short array)."""
    cdef Py_ssize_t i, j
    cdef Cand x
    if n > 48:
        qsort(a, n, sizeof(Cand), cmp)
        return
    for i in range(1, n):
        x = a[i]
        j = i - 1
        while j >= 0 and cmp(&a[j], &x) > 0:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = x


cdef int cmp_int(const void *a, const void *b) noexcept nogil:
    cdef int32_t x = (<const int32_t*> a)[0], y = (<const int32_t*> b)[0]
    return -1 if x < y else (1 if x > y else 0)


cdef int32_t* ints(list values) except NULL:
    cdef Py_ssize_t i, n = len(values)
    cdef int32_t *out = <int32_t*> malloc((n + 1) * sizeof(int32_t))
    if out == NULL:
        raise MemoryError()
    for i in range(n):
        out[i] = values[i]
    return out


cdef double* doubles(list values) except NULL:
    cdef Py_ssize_t i, n = len(values)
    cdef double *out = <double*> malloc((n + 1) * sizeof(double))
    if out == NULL:
        raise MemoryError()
    for i in range(n):
        out[i] = values[i]
    return out


cdef struct Scratch:
    # per word: first start (valid when first_gen == gen), occurrences (pos_off, pos_n)
    uint32_t *first_gen
    int32_t *first
    uint32_t *hide_gen
    int32_t *pos_off
    int32_t *pos_n
    int32_t *pos_fill
    int32_t *present       # words present, in order of first occurrence
    # per category
    uint32_t *ex_gen
    uint32_t *found_gen
    int32_t *found_pos
    double *found_wt
    double *scores
    # per group
    uint32_t *grp_gen
    int32_t *grp_list
    uint32_t gen
    # growing arrays
    Hit *hits
    Py_ssize_t hits_cap
    int32_t *pos
    Py_ssize_t pos_cap
    Cand *cands
    Py_ssize_t cands_cap
    int32_t *covered
    Py_ssize_t covered_cap
    uint64_t *seen
    Py_ssize_t seen_cap
    Cand *ev                # evidence of the field: word (or -1 - group), start, weight, ci
    Py_ssize_t ev_n
    Py_ssize_t ev_cap


cdef class Tables:
    """Everything score_item needs of one Classifier, as C arrays (built by prepare)."""
    cdef int nw, nc, ng, nclass
    # automaton
    cdef int32_t *cls          # BMP code point -> character class (0: in no word)
    cdef unsigned char *inword # BMP code point -> bit: in some word (8 KB: stays in cache)
    cdef list astral           # code points above the BMP -> class
    cdef int32_t *root_next    # class -> state, from the root
    cdef int32_t *t_off, *t_cls, *t_next, *fail, *out_off, *outs
    cdef uint16_t *dfa         # state * nclass + class -> next state (NULL: too big, use fail)
    # words
    cdef int32_t *w_kind, *w_len, *w_rank
    cdef int32_t *kw_off, *kw_ci
    cdef double *kw_wt
    cdef int32_t *nt_off, *nt_ci, *nt_within, *nt_ctx_lo, *nt_ctx_hi
    cdef double *nt_wt
    cdef int32_t *ctx_idx, *ctx_len
    cdef int32_t *ct_off, *ct_idx, *ct_span, *ct_live, *ct_offs_off, *offs, *ct_nr_off
    cdef int32_t *nr_within, *nr_ctx_lo, *nr_ctx_hi
    cdef int32_t *ex_off, *ex_ci, *in_off, *in_w, *grp_off, *grp_ids
    cdef int32_t *in_group
    cdef int32_t *g_ci, *g_has_within, *g_within, *g_w_off, *g_w
    cdef double *g_wt
    # Python objects for what is printed
    cdef list texts, names, keywords
    cdef object make
    cdef object ev_type       # Evidence, when make is tuple.__new__ of it
    cdef Scratch scratch
    cdef bint busy

    def __cinit__(self):
        memset(&self.scratch, 0, sizeof(Scratch))
        self.dfa = NULL

    @property
    def full_table(self):
        """True when matching uses the full transition table (build_dfa)."""
        return self.dfa != NULL

    def __dealloc__(self):
        free(self.cls); free(self.inword); free(self.root_next); free(self.t_off); free(self.t_cls)
        free(self.t_next); free(self.fail); free(self.dfa); free(self.out_off); free(self.outs)
        free(self.w_kind); free(self.w_len); free(self.w_rank)
        free(self.kw_off); free(self.kw_ci); free(self.kw_wt)
        free(self.nt_off); free(self.nt_ci); free(self.nt_within); free(self.nt_ctx_lo); free(self.nt_ctx_hi)
        free(self.nt_wt); free(self.ctx_idx); free(self.ctx_len)
        free(self.ct_off); free(self.ct_idx); free(self.ct_span); free(self.ct_live)
        free(self.ct_offs_off); free(self.offs); free(self.ct_nr_off)
        free(self.nr_within); free(self.nr_ctx_lo); free(self.nr_ctx_hi)
        free(self.ex_off); free(self.ex_ci); free(self.in_off); free(self.in_w)
        free(self.grp_off); free(self.grp_ids); free(self.in_group)
        free(self.g_ci); free(self.g_has_within); free(self.g_within); free(self.g_w_off)
        free(self.g_w); free(self.g_wt)
        free_scratch(&self.scratch)


cdef void free_scratch(Scratch *s) noexcept:
    free(s.first_gen); free(s.first); free(s.hide_gen); free(s.pos_off); free(s.pos_n)
    free(s.pos_fill); free(s.present); free(s.ex_gen); free(s.found_gen); free(s.found_pos)
    free(s.found_wt); free(s.scores); free(s.grp_gen); free(s.grp_list); free(s.hits)
    free(s.pos); free(s.cands); free(s.covered); free(s.seen); free(s.ev)
    memset(s, 0, sizeof(Scratch))


cdef int init_scratch(Scratch *s, int nw, int nc, int ng) except -1:
    memset(s, 0, sizeof(Scratch))
    nw += 1; nc += 1; ng += 1
    s.first_gen = <uint32_t*> calloc(nw, sizeof(uint32_t))
    s.first = <int32_t*> calloc(nw, sizeof(int32_t))
    s.hide_gen = <uint32_t*> calloc(nw, sizeof(uint32_t))
    s.pos_off = <int32_t*> calloc(nw, sizeof(int32_t))
    s.pos_n = <int32_t*> calloc(nw, sizeof(int32_t))
    s.pos_fill = <int32_t*> calloc(nw, sizeof(int32_t))
    s.present = <int32_t*> calloc(nw, sizeof(int32_t))
    s.ex_gen = <uint32_t*> calloc(nc, sizeof(uint32_t))
    s.found_gen = <uint32_t*> calloc(nc, sizeof(uint32_t))
    s.found_pos = <int32_t*> calloc(nc, sizeof(int32_t))
    s.found_wt = <double*> calloc(nc, sizeof(double))
    s.scores = <double*> calloc(nc, sizeof(double))
    s.grp_gen = <uint32_t*> calloc(ng, sizeof(uint32_t))
    s.grp_list = <int32_t*> calloc(ng, sizeof(int32_t))
    s.gen = 0
    if (s.first_gen == NULL or s.first == NULL or s.hide_gen == NULL or s.pos_off == NULL
            or s.pos_n == NULL or s.pos_fill == NULL or s.present == NULL
            or s.ex_gen == NULL or s.found_gen == NULL or s.found_pos == NULL
            or s.found_wt == NULL or s.scores == NULL or s.grp_gen == NULL
            or s.grp_list == NULL):
        free_scratch(s)
        raise MemoryError()
    return 0


cdef int next_gen(Scratch *s, int nw, int nc, int ng) noexcept:
    s.gen += 1
    if s.gen == 0:   # wrapped round: start the stamps afresh
        memset(s.first_gen, 0, (nw + 1) * sizeof(uint32_t))
        memset(s.hide_gen, 0, (nw + 1) * sizeof(uint32_t))
        memset(s.ex_gen, 0, (nc + 1) * sizeof(uint32_t))
        memset(s.found_gen, 0, (nc + 1) * sizeof(uint32_t))
        memset(s.grp_gen, 0, (ng + 1) * sizeof(uint32_t))
        s.gen = 1
    return 0


cdef int grow(void **p, Py_ssize_t *cap, Py_ssize_t need, size_t item) except -1:
    cdef Py_ssize_t n = cap[0] if cap[0] else 64
    cdef void *q
    if need <= cap[0]:
        return 0
    while n < need:
        n *= 2
    q = realloc(p[0], n * item)
    if q == NULL:
        raise MemoryError()
    p[0] = q
    cap[0] = n
    return 0


def _flat(rows, list items):
    """Offsets of *rows* (lists) flattened into *items*: a list of len(rows) + 1."""
    off = [len(items)]
    for r in rows:
        items.extend(r)
        off.append(len(items))
    return off


def prepare(words, plans, exclude, inside, in_group, all_of, groups, names, make):
    """The tables of one Classifier (the arguments of classifier/_core.py's prepare)."""
    cdef Tables t = Tables()
    cdef Py_ssize_t i
    words = list(words)
    t.nw = len(words)
    t.nc = len(names)
    t.ng = len(groups)
    t.texts = words
    t.names = list(names)
    t.keywords = [g[5] for g in groups]
    t.make = make
    t.ev_type = None
    if (isinstance(make, functools.partial) and make.func is tuple.__new__
            and len(make.args) == 1 and not make.keywords and isinstance(make.args[0], type)
            and issubclass(make.args[0], tuple) and make.args[0].__itemsize__ == tuple.__itemsize__
            and make.args[0].__basicsize__ == tuple.__basicsize__):
        t.ev_type = make.args[0]
    index = {w: i for i, w in enumerate(words)}

    # -- the automaton: character classes, a trie, failure links, outputs
    chars = {}
    for w in words:
        for c in w:
            if c not in chars:
                chars[c] = len(chars) + 1
    t.nclass = len(chars) + 1
    cls = [0] * 65536
    astral = {}
    for c, k in chars.items():
        if ord(c) < 65536:
            cls[ord(c)] = k
        else:
            astral[ord(c)] = k
    t.cls = ints(cls)
    t.inword = <unsigned char*> calloc(65536 // 8, 1)
    if t.inword == NULL:
        raise MemoryError()
    for i in range(65536):
        if cls[i]:
            t.inword[i >> 3] |= 1 << (i & 7)
    t.astral = [astral]
    goto = [{}]
    own = [[]]
    for wi, w in enumerate(words):
        s = 0
        for c in w:
            k = chars[c]
            nxt = goto[s].get(k)
            if nxt is None:
                nxt = len(goto)
                goto[s][k] = nxt
                goto.append({})
                own.append([])
            s = nxt
        own[s].append(wi)
    fail = [0] * len(goto)
    outs = [list(o) for o in own]
    queue = list(goto[0].values())
    head = 0
    while head < len(queue):
        s = queue[head]
        head += 1
        for k, nxt in goto[s].items():
            f = fail[s]
            while f and k not in goto[f]:
                f = fail[f]
            fail[nxt] = goto[f].get(k, 0) if goto[f].get(k, 0) != nxt else 0
            outs[nxt] = outs[nxt] + outs[fail[nxt]]
            queue.append(nxt)
    root = [0] * t.nclass
    for k, nxt in goto[0].items():
        root[k] = nxt
    t.root_next = ints(root)
    t_cls, t_next = [], []
    t_off = [0]
    for g in goto:
        for k in sorted(g):
            t_cls.append(k)
            t_next.append(g[k])
        t_off.append(len(t_cls))
    t.t_off = ints(t_off)
    t.t_cls = ints(t_cls)
    t.t_next = ints(t_next)
    t.fail = ints(fail)
    build_dfa(t, len(goto), queue)
    flat = []
    t.out_off = ints(_flat(outs, flat))
    t.outs = ints(flat)

    # -- each word's plan
    rank = {w: r for r, w in enumerate(sorted(words))}
    kinds, lens, ranks = [], [], []
    kw, kw_ci, kw_wt = [], [], []
    nt_rows, nt_ci, nt_within, nt_wt, nt_ctx = [], [], [], [], []
    ctx_idx, ctx_len = [], []
    ct_rows, ct_idx, ct_span, ct_live, ct_offs, ct_nr = [], [], [], [], [], []
    nr_within = []

    def context(pairs, lo, hi):
        lo.append(len(ctx_idx))
        for idx, c in pairs:
            ctx_idx.append(idx)
            ctx_len.append(len(c))
        hi.append(len(ctx_idx))

    nt_lo, nt_hi, nr_lo, nr_hi = [], [], [], []
    for wi, w in enumerate(words):
        plan = plans[wi]
        lens.append(len(w))
        ranks.append(rank[w])
        if plan is None:
            kinds.append(K_NONE)
            kw.append([])
            nt_rows.append([])
            ct_rows.append([])
            continue
        kind, what = plan
        kinds.append(kind)
        if kind == PLAIN:
            kw.append([(ci, weight) for _w, _n, ci, weight in what])
            nt_rows.append([])
            ct_rows.append([])
            continue
        _i, _text, _size, keyword, near_term, near_with, containers = what
        kw.append(list(keyword))
        row = []
        for k in range(len(near_term)):
            ci, within, weight = near_term[k]
            row.append((ci, within, weight, tuple(near_with[k])))
        nt_rows.append(row)
        row = []
        for idx, (span, offsets, near) in containers.items():
            row.append((idx, span, offsets, near))
        ct_rows.append(row)

    kw_off = [0]
    for r in kw:
        for ci, weight in r:
            kw_ci.append(ci)
            kw_wt.append(weight)
        kw_off.append(len(kw_ci))
    # near terms: (ci, within, weight) and their context words
    nt_off = [0]
    for r in nt_rows:
        for ci, within, weight, pairs in r:
            nt_ci.append(ci)
            nt_within.append(within)
            nt_wt.append(weight)
            context(pairs, nt_lo, nt_hi)
        nt_off.append(len(nt_ci))
    # containers: (index, span, offsets, near rules or None)
    ct_off = [0]
    offs = []
    ct_offs_off = []
    ct_nr_off = []
    nr_list = []
    for r in ct_rows:
        for idx, span, offsets, near in r:
            ct_idx.append(idx)
            ct_span.append(span)
            ct_live.append(1 if near is None else 0)
            ct_offs_off.append(len(offs))
            offs.extend(offsets)
            ct_nr_off.append(len(nr_within))
            for within, pairs in (near or ()):
                nr_within.append(within)
                context(pairs, nr_lo, nr_hi)
        ct_off.append(len(ct_idx))
    ct_offs_off.append(len(offs))
    ct_nr_off.append(len(nr_within))
    t.w_kind = ints(kinds)
    t.w_len = ints(lens)
    t.w_rank = ints(ranks)
    t.kw_off = ints(kw_off)
    t.kw_ci = ints(kw_ci)
    t.kw_wt = doubles(kw_wt)
    t.nt_off = ints(nt_off)
    t.nt_ci = ints(nt_ci)
    t.nt_within = ints(nt_within)
    t.nt_wt = doubles(nt_wt)
    t.ctx_idx = ints(ctx_idx)
    t.ctx_len = ints(ctx_len)
    t.ct_off = ints(ct_off)
    t.ct_idx = ints(ct_idx)
    t.ct_span = ints(ct_span)
    t.ct_live = ints(ct_live)
    t.ct_offs_off = ints(ct_offs_off)
    t.offs = ints(offs)
    t.ct_nr_off = ints(ct_nr_off)
    t.nr_within = ints(nr_within)
    t.nt_ctx_lo = ints(nt_lo)
    t.nt_ctx_hi = ints(nt_hi)
    t.nr_ctx_lo = ints(nr_lo)
    t.nr_ctx_hi = ints(nr_hi)

    flat = []
    t.ex_off = ints(_flat([list(exclude.get(i, ())) for i in range(t.nw)], flat))
    t.ex_ci = ints(flat)
    flat = []
    t.in_off = ints(_flat([list(inside.get(i, ())) for i in range(t.nw)], flat))
    t.in_w = ints(flat)
    flat = []
    t.grp_off = ints(_flat([list(all_of.get(i, ())) for i in range(t.nw)], flat))
    t.grp_ids = ints(flat)
    t.in_group = ints([1 if i in in_group else 0 for i in range(t.nw)])
    t.g_ci = ints([g[0] for g in groups])
    t.g_has_within = ints([0 if g[3] is None else 1 for g in groups])
    t.g_within = ints([0 if g[3] is None else g[3] for g in groups])
    t.g_wt = doubles([float(g[4]) for g in groups])
    flat = []
    t.g_w_off = ints(_flat([list(g[2]) for g in groups], flat))
    t.g_w = ints(flat)
    init_scratch(&t.scratch, t.nw, t.nc, t.ng)
    return t


# --- matching and scoring ---------------------------------------------------------------------

# The automaton as a full transition table when it is at most this big (a few MB for a
# thousand rule words): one load per character instead of a search and failure links.
DFA_MAX_BYTES = 64 << 20


cdef int build_dfa(Tables t, Py_ssize_t nstates, list order) except -1:
    """Every state's row: its failure state's row with its own transitions on top, in
    breadth-first *order* (a failure state is always shallower). 16-bit states: half the
    table, which is what the matching loop waits on; more states than that use the walk."""
    cdef Py_ssize_t nc = t.nclass, j
    cdef int32_t st
    cdef uint16_t *row
    t.dfa = NULL
    if nstates > 65535 or <size_t> (nstates * nc) * sizeof(uint16_t) > <size_t> DFA_MAX_BYTES:
        return 0
    t.dfa = <uint16_t*> malloc(nstates * nc * sizeof(uint16_t))
    if t.dfa == NULL:
        return 0   # the search-and-failure walk needs no table
    for j in range(nc):
        t.dfa[j] = <uint16_t> t.root_next[j]
    for o in order:
        st = o
        row = t.dfa + st * nc
        memcpy(row, t.dfa + t.fail[st] * nc, nc * sizeof(uint16_t))
        for j in range(t.t_off[st], t.t_off[st + 1]):
            row[t.t_cls[j]] = <uint16_t> t.t_next[j]
    return 0


cdef inline int32_t class_of(Tables t, Py_UCS4 c) except -1:
    if c < 65536:
        return t.cls[c]
    return t.astral[0].get(<long> c, 0)


cdef int match(Tables t, Scratch *s, const Py_UCS4 *text, Py_ssize_t n, Py_ssize_t *nhits) except -1:
    """Every occurrence of every word, ordered by end: s.hits[:nhits]."""
    cdef Py_ssize_t i, h = 0
    cdef int32_t st = 0, k, lo, hi, o
    cdef Py_UCS4 c
    for i in range(n):
        c = text[i]
        if c < 65536:
            if not (t.inword[(<uint32_t> c) >> 3] >> ((<uint32_t> c) & 7)) & 1:
                st = 0
                continue
            k = t.cls[c]
        else:
            k = class_of(t, c)
        if k == 0:
            st = 0
            continue
        if t.dfa != NULL:
            st = t.dfa[st * t.nclass + k]
        else:
            st = nfa_step(t, st, k)
        lo = t.out_off[st]
        hi = t.out_off[st + 1]
        if lo < hi:
            if h + (hi - lo) > s.hits_cap:
                grow(<void**> &s.hits, &s.hits_cap, h + (hi - lo), sizeof(Hit))
            for o in range(lo, hi):
                s.hits[h].word = t.outs[o]
                s.hits[h].start = <int32_t> (i + 1 - t.w_len[t.outs[o]])
                h += 1
    nhits[0] = h
    return 0


cdef inline int32_t nfa_step(Tables t, int32_t st, int32_t k) noexcept:
    """The next state by the trie's transitions and failure links (no DFA table)."""
    cdef int32_t lo, hi, mid
    while True:
        if st == 0:
            return t.root_next[k]
        lo = t.t_off[st]
        hi = t.t_off[st + 1]
        while lo < hi:
            mid = (lo + hi) >> 1
            if t.t_cls[mid] < k:
                lo = mid + 1
            else:
                hi = mid
        if lo < t.t_off[st + 1] and t.t_cls[lo] == k:
            return t.t_next[lo]
        st = t.fail[st]


cdef inline int32_t lower_bound(const int32_t *a, int32_t n, int32_t x) noexcept nogil:
    cdef int32_t lo = 0, hi = n, mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef bint spans_near(Tables t, Scratch *s, int32_t start, int32_t end, int32_t within,
                     int32_t c0, int32_t c1) noexcept:
    """classifier/_core.py's spans_near over the context words ctx[c0:c1]."""
    cdef int32_t j, idx, size, i, n, p
    cdef const int32_t *starts
    for j in range(c0, c1):
        idx = t.ctx_idx[j]
        if s.first_gen[idx] != s.gen:
            continue
        size = t.ctx_len[j]
        starts = s.pos + s.pos_off[idx]
        n = s.pos_n[idx]
        i = lower_bound(starts, n, start - within - size)
        while i < n:
            p = starts[i]
            if p > end + within:
                break
            if p != start or p + size != end:
                return True
            i += 1
    return False


cdef inline int add_cand(Scratch *s, Py_ssize_t *nc, int32_t start, int32_t end, int32_t rank,
                         int32_t ci, double weight, int32_t word) except -1:
    if nc[0] >= s.cands_cap:
        grow(<void**> &s.cands, &s.cands_cap, nc[0] + 1, sizeof(Cand))
    s.cands[nc[0]].start = start
    s.cands[nc[0]].end = end
    s.cands[nc[0]].rank = rank
    s.cands[nc[0]].ci = ci
    s.cands[nc[0]].weight = weight
    s.cands[nc[0]].word = word
    nc[0] += 1
    return 0


cdef int complex_candidates(Tables t, Scratch *s, int32_t w, Py_ssize_t *nc) except -1:
    """classifier/_core.py's complex_candidates for word *w*."""
    cdef int32_t *occ = s.pos + s.pos_off[w]
    cdef int32_t nocc = s.pos_n[w], i, j, q, idx, p, span, ncov = 0, nvis = 0, k, ci, within
    cdef int32_t size = t.w_len[w], r, lo, hi
    cdef bint live
    cdef double weight
    cdef Py_ssize_t need
    for j in range(t.ct_off[w], t.ct_off[w + 1]):
        idx = t.ct_idx[j]
        if s.first_gen[idx] != s.gen:
            continue
        span = t.ct_span[j]
        for q in range(s.pos_n[idx]):
            p = s.pos[s.pos_off[idx] + q]
            live = t.ct_live[j] != 0
            if not live:
                for r in range(t.ct_nr_off[j], t.ct_nr_off[j + 1]):
                    if spans_near(t, s, p, p + span, t.nr_within[r], t.nr_ctx_lo[r],
                                  t.nr_ctx_hi[r]):
                        live = True
                        break
            if live:
                need = ncov + t.ct_offs_off[j + 1] - t.ct_offs_off[j]
                if need > s.covered_cap:
                    grow(<void**> &s.covered, &s.covered_cap, need, sizeof(int32_t))
                for k in range(t.ct_offs_off[j], t.ct_offs_off[j + 1]):
                    s.covered[ncov] = p + t.offs[k]
                    ncov += 1
    if ncov:
        qsort(s.covered, ncov, sizeof(int32_t), cmp_int)
    # visible occurrences, in place at the front of a scratch copy: occ is ascending
    cdef int32_t *vis = occ
    cdef int32_t *tmp = NULL
    if ncov:
        tmp = <int32_t*> malloc((nocc + 1) * sizeof(int32_t))
        if tmp == NULL:
            raise MemoryError()
        for i in range(nocc):
            q = lower_bound(s.covered, ncov, occ[i])
            if q < ncov and s.covered[q] == occ[i]:
                continue
            tmp[nvis] = occ[i]
            nvis += 1
        vis = tmp
    else:
        nvis = nocc
    try:
        if nvis == 0:
            return 0
        for k in range(t.kw_off[w], t.kw_off[w + 1]):
            add_cand(s, nc, vis[0], vis[0] + size, t.w_rank[w], t.kw_ci[k], t.kw_wt[k], w)
        # found: per category (position, weight), stamped with the field's mark
        for k in range(t.nt_off[w], t.nt_off[w + 1]):
            ci = t.nt_ci[k]
            within = t.nt_within[k]
            weight = t.nt_wt[k]
            lo = t.nt_ctx_lo[k]
            hi = t.nt_ctx_hi[k]
            # none of the rule's context words in this field: it holds nowhere here
            live = False
            for r in range(lo, hi):
                if s.first_gen[t.ctx_idx[r]] == s.gen:
                    live = True
                    break
            if not live:
                continue
            for i in range(nvis):
                p = vis[i]
                if s.found_gen[ci] == s.gen and s.found_pos[ci] < p:
                    break
                if spans_near(t, s, p, p + size, within, lo, hi):
                    if (s.found_gen[ci] != s.gen or p < s.found_pos[ci]
                            or (p == s.found_pos[ci] and weight < s.found_wt[ci])):
                        s.found_gen[ci] = s.gen
                        s.found_pos[ci] = p
                        s.found_wt[ci] = weight
                    break
        for k in range(t.nt_off[w], t.nt_off[w + 1]):
            ci = t.nt_ci[k]
            if s.found_gen[ci] == s.gen:
                add_cand(s, nc, s.found_pos[ci], s.found_pos[ci] + size, t.w_rank[w], ci,
                         s.found_wt[ci], w)
                s.found_gen[ci] = 0   # once per category
    finally:
        free(tmp)
    return 0


cdef inline bint seen_add(Scratch *s, uint64_t key, Py_ssize_t mask) noexcept:
    """Insert key+1 into the open-addressing set s.seen; False when it was there."""
    cdef uint64_t k = key + 1
    cdef Py_ssize_t i = <Py_ssize_t> ((k * 0x9E3779B97F4A7C15ULL) >> 20) & mask
    while s.seen[i]:
        if s.seen[i] == k:
            return False
        i = (i + 1) & mask
    s.seen[i] = k
    return True


cdef int add_ev(Scratch *s, int32_t word, int32_t start, double wt, int32_t ci,
                int32_t field) except -1:
    if s.ev_n >= s.ev_cap:
        grow(<void**> &s.ev, &s.ev_cap, s.ev_n + 1, sizeof(Cand))
    s.ev[s.ev_n].rank = field
    s.ev[s.ev_n].end = <int32_t> s.ev_n
    s.ev[s.ev_n].word = word
    s.ev[s.ev_n].start = start
    s.ev[s.ev_n].weight = wt
    s.ev[s.ev_n].ci = ci
    s.ev_n += 1
    return 0


cdef int score_buf(Tables t, Scratch *s, const Py_UCS4 *text, Py_ssize_t n,
                   double mult, int32_t field) except -1:
    """Steps 1–6 on one normalized field: adds to s.scores, appends to s.ev."""
    cdef Py_ssize_t nhits = 0, h, nc = 0, np = 0, i, j, m, cap
    cdef int32_t w, k, total, g, ng = 0, a, anchor, hlen, o, q, idx, kind
    cdef bint close, missing
    cdef double wt
    if n == 0 or t.nw == 0:
        return 0
    next_gen(s, t.nw, t.nc, t.ng)
    match(t, s, text, n, &nhits)
    if nhits == 0:
        return 0
    # first start of each word (hits come by end; a word's starts ascend with its ends)
    for h in range(nhits):
        w = s.hits[h].word
        if s.first_gen[w] != s.gen:
            s.first_gen[w] = s.gen
            s.first[w] = s.hits[h].start
            s.pos_n[w] = 0
            s.present[np] = w
            np += 1
        s.pos_n[w] += 1
    # every start of every word, by word: ascending
    total = 0
    for i in range(np):
        w = s.present[i]
        s.pos_off[w] = total
        s.pos_fill[w] = total
        total += s.pos_n[w]
    if total > s.pos_cap:
        grow(<void**> &s.pos, &s.pos_cap, total, sizeof(int32_t))
    for h in range(nhits):
        w = s.hits[h].word
        s.pos[s.pos_fill[w]] = s.hits[h].start
        s.pos_fill[w] += 1
    # exclusions and words a longer present word may hide
    for i in range(np):
        w = s.present[i]
        for k in range(t.ex_off[w], t.ex_off[w + 1]):
            s.ex_gen[t.ex_ci[k]] = s.gen
        for k in range(t.in_off[w], t.in_off[w + 1]):
            s.hide_gen[t.in_w[k]] = s.gen
    for i in range(np):
        w = s.present[i]
        kind = t.w_kind[w]
        if kind == K_NONE:
            continue
        if kind == K_PLAIN or (kind == K_HIDEABLE and s.hide_gen[w] != s.gen):
            for k in range(t.kw_off[w], t.kw_off[w + 1]):
                add_cand(s, &nc, s.first[w], s.first[w] + t.w_len[w], t.w_rank[w],
                         t.kw_ci[k], t.kw_wt[k], w)
        else:
            complex_candidates(t, s, w, &nc)
    # required groups, in rule order
    if t.ng:
        for i in range(np):
            w = s.present[i]
            if t.in_group[w]:
                for k in range(t.grp_off[w], t.grp_off[w + 1]):
                    g = t.grp_ids[k]
                    if s.grp_gen[g] != s.gen:
                        s.grp_gen[g] = s.gen
                        s.grp_list[ng] = g
                        ng += 1
        if ng > 1:
            qsort(s.grp_list, ng, sizeof(int32_t), cmp_int)
        for a in range(ng):
            g = s.grp_list[a]
            if s.ex_gen[t.g_ci[g]] == s.gen:
                continue
            missing = False
            for k in range(t.g_w_off[g], t.g_w_off[g + 1]):
                if s.first_gen[t.g_w[k]] != s.gen:
                    missing = True
                    break
            if missing:
                continue
            idx = t.g_w[t.g_w_off[g]]
            anchor = s.first[idx]
            if t.g_has_within[g]:
                hlen = t.w_len[idx]
                q = 0   # which occurrence of the head the anchor is
                while True:
                    close = True
                    for k in range(t.g_w_off[g] + 1, t.g_w_off[g + 1]):
                        if not near_one(t, s, anchor, anchor + hlen, t.g_within[g], t.g_w[k]):
                            close = False
                            break
                    if close:
                        break
                    q += 1
                    if q >= s.pos_n[idx]:
                        anchor = -1
                        break
                    anchor = s.pos[s.pos_off[idx] + q]
                if anchor < 0:
                    continue
            wt = t.g_wt[g] * mult
            s.scores[t.g_ci[g]] += wt
            add_ev(s, -1 - g, anchor, wt, t.g_ci[g], field)
    if nc == 0:
        return 0
    sort_cands(s.cands, nc, cmp_cand)
    cap = 16
    while cap < 2 * nc:
        cap *= 2
    if cap > s.seen_cap:
        grow(<void**> &s.seen, &s.seen_cap, cap, sizeof(uint64_t))
    memset(s.seen, 0, cap * sizeof(uint64_t))
    for i in range(nc):
        if s.ex_gen[s.cands[i].ci] == s.gen:
            continue
        if not seen_add(s, <uint64_t> s.cands[i].ci * <uint64_t> (t.nw + 1)
                        + <uint64_t> s.cands[i].word, cap - 1):
            continue
        wt = s.cands[i].weight * mult
        s.scores[s.cands[i].ci] += wt
        add_ev(s, s.cands[i].word, s.cands[i].start, wt, s.cands[i].ci, field)
    return 0


cdef bint near_one(Tables t, Scratch *s, int32_t start, int32_t end, int32_t within,
                   int32_t idx) noexcept:
    """classifier/_core.py's context_near with the occurrences of word *idx*."""
    cdef int32_t size = t.w_len[idx], n = s.pos_n[idx], i, p
    cdef const int32_t *starts = s.pos + s.pos_off[idx]
    i = lower_bound(starts, n, start - within - size)
    while i < n:
        p = starts[i]
        if p > end + within:
            break
        if p != start or p + size != end:
            return True
        i += 1
    return False


cdef Scratch* acquire(Tables t, Scratch *own) except NULL:
    """The table's own scratch space, or *own* set up afresh when another call (a thread that
    ran while this one called back into Python) holds it."""
    if not t.busy:
        t.busy = True
        return &t.scratch
    init_scratch(own, t.nw, t.nc, t.ng)
    return own


cdef void release(Tables t, Scratch *s) noexcept:
    if s == &t.scratch:
        t.busy = False
    else:
        free_scratch(s)


cdef int cmp_ev(const void *a, const void *b) noexcept nogil:
    # (another category than the winner, body rather than title) in rank, then position,
    # then the order of scoring (end): list.sort's stable order
    cdef const Cand *x = <const Cand*> a
    cdef const Cand *y = <const Cand*> b
    if x.rank != y.rank:
        return -1 if x.rank < y.rank else 1
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    return -1 if x.end < y.end else (1 if x.end > y.end else 0)


FIELDS = ("title", "body")


cdef object new_evidence(Tables t, str keyword, str field, int32_t start, double weight,
                         str category):
    cdef object ev
    cdef object st = start, wt = weight
    if t.ev_type is None:
        return t.make((keyword, field, start, weight, category))
    # Evidence is a tuple subclass: allocated as tuple.__new__ does, without the call
    ev = PyType_GenericAlloc(<PyTypeObject*> t.ev_type, 5)
    Py_INCREF(keyword)
    PyTuple_SET_ITEM(ev, 0, keyword)
    Py_INCREF(field)
    PyTuple_SET_ITEM(ev, 1, field)
    Py_INCREF(st)
    PyTuple_SET_ITEM(ev, 2, st)
    Py_INCREF(wt)
    PyTuple_SET_ITEM(ev, 3, wt)
    Py_INCREF(category)
    PyTuple_SET_ITEM(ev, 4, category)
    return ev


cdef object evidence_of(Tables t, Scratch *s):
    """The Evidence of s.ev, in its order, as a tuple: the only Python objects made per hit."""
    cdef Py_ssize_t i, n = s.ev_n
    cdef int32_t w
    cdef object out = PyTuple_New(n)
    cdef object ev
    names = t.names
    texts = t.texts
    for i in range(n):
        w = s.ev[i].word
        ev = new_evidence(t, texts[w] if w >= 0 else t.keywords[-1 - w],
                          FIELDS[s.ev[i].rank & 1], s.ev[i].start, s.ev[i].weight,
                          names[s.ev[i].ci])
        Py_INCREF(ev)
        PyTuple_SET_ITEM(out, i, ev)
    s.ev_n = 0
    return out


cdef int score_both(Tables t, Scratch *s, Buf *bt, Buf *bb, double tm, double bm) except -1:
    memset(s.scores, 0, (t.nc + 1) * sizeof(double))
    s.ev_n = 0
    if bt.data != NULL:
        score_buf(t, s, bt.data, bt.n, tm, 0)
    if bb.data != NULL:
        score_buf(t, s, bb.data, bb.n, bm, 1)
    return 0


def score_item(Tables t, str title, str body, double title_mult, double body_mult, int n):
    """(scores by category, evidence) of one item: both fields normalized and scored."""
    cdef Buf bt, bb
    cdef Scratch own
    cdef Scratch *s
    cdef int i
    bt.data = NULL
    bb.data = NULL
    try:
        if title:
            bt = to_buf(title)
        if body:
            bb = to_buf(body)
        s = acquire(t, &own)
        try:
            score_both(t, s, &bt, &bb, title_mult, body_mult)
            scores = [s.scores[i] for i in range(n)]
            evidence = list(evidence_of(t, s))
        finally:
            release(t, s)
    finally:
        free(bt.data)
        free(bb.data)
    return scores, evidence


def rank_item(Tables t, str title, str body, double title_mult, double body_mult,
              list priority):
    """classifier/_core.py's rank_item: (best, its score, runner-up's score, evidence)."""
    cdef Buf bt, bb
    cdef Scratch own
    cdef Scratch *s
    cdef int i, best = 0, n = len(priority)
    cdef double top, second = 0.0, x
    cdef long pb, pi
    if n == 0:
        raise ValueError("no categories")
    bt.data = NULL
    bb.data = NULL
    try:
        if title:
            bt = to_buf(title)
        if body:
            bb = to_buf(body)
        s = acquire(t, &own)
        try:
            score_both(t, s, &bt, &bb, title_mult, body_mult)
            # sorted by (-score, -priority, index): the first, and the best score of the rest
            top = s.scores[0]
            pb = priority[0]
            for i in range(1, n):
                x = s.scores[i]
                pi = priority[i]
                if x > top or (x == top and pi > pb):
                    best, top, pb = i, x, pi
            first = True
            for i in range(n):
                if i != best and (first or s.scores[i] > second):
                    second = s.scores[i]
                    first = False
            if n == 1 or second < 0.0:
                second = 0.0
            if top > 0 and s.ev_n > 1:
                for i in range(s.ev_n):
                    s.ev[i].rank = (s.ev[i].rank & 1) | ((s.ev[i].ci != best) << 1)
                sort_cands(s.ev, s.ev_n, cmp_ev)
            evidence = evidence_of(t, s)
        finally:
            release(t, s)
    finally:
        free(bt.data)
        free(bb.data)
    return best, top, second, evidence


def score_field(Tables t, str field, str text, double mult, list scores, list evidence):
    """Score one normalized field into *scores* and *evidence*."""
    cdef Scratch own
    cdef Scratch *s
    cdef Py_UCS4 *buf
    cdef Py_ssize_t n = len(text)
    cdef int i
    if not text:
        return
    buf = PyUnicode_AsUCS4Copy(text)
    try:
        s = acquire(t, &own)
        try:
            for i in range(t.nc):
                s.scores[i] = scores[i]
            s.ev_n = 0
            score_buf(t, s, buf, n, mult, 0 if field == "title" else 1)
            for i in range(t.nc):
                scores[i] = s.scores[i]
            for ev in evidence_of(t, s):
                evidence.append(t.make((ev[0], field, ev[2], ev[3], ev[4])))
        finally:
            release(t, s)
    finally:
        PyMem_Free(buf)


# --- the second opinion's n-grams --------------------------------------------------------------

cdef inline bint in_run(Py_UCS4 c) noexcept nogil:
    # classifier/_learn.py's _RUN: ideographs (extension A, unified, compatibility), a-z, 0-9
    return ((0x4e00 <= c <= 0x9fff) or (0x3400 <= c <= 0x4dbf) or (0xf900 <= c <= 0xfaff)
            or (0x61 <= c <= 0x7a) or (0x30 <= c <= 0x39))


cdef inline uint64_t gram_key(const Py_UCS4 *p, int n, uint64_t tag) noexcept nogil:
    cdef uint64_t k = tag
    cdef int i
    for i in range(n):
        k |= (<uint64_t> p[i]) << (21 * i)
    return k


cdef class NgramModel:
    """A NaiveBayes's log-likelihood table (classifier/_learn.py) as a C hash table: n-grams of
    up to three code points, title and body apart."""
    cdef uint64_t *keys
    cdef int32_t *rows
    cdef Py_ssize_t mask
    cdef double *ll
    cdef int nc, nrows
    cdef int t_lo, t_hi, b_lo, b_hi
    cdef Py_ssize_t body_chars
    cdef uint32_t *stamp
    cdef uint32_t gen
    cdef object _args

    def __cinit__(self):
        self.keys = NULL
        self.rows = NULL
        self.ll = NULL
        self.stamp = NULL

    def __dealloc__(self):
        free(self.keys)
        free(self.rows)
        free(self.ll)
        free(self.stamp)

    def __reduce__(self):
        return (ngram_model, self._args)

    def __call__(self, str title, str body):
        """(the column sums of the features' log-likelihoods, the number of distinct features
        found): what NaiveBayes.predict sums from its vectors."""
        cdef Buf bt, bb
        cdef double *sums = <double*> calloc(self.nc + 1, sizeof(double))
        cdef Py_ssize_t found = 0
        cdef int i
        if sums == NULL:
            raise MemoryError()
        bt.data = NULL
        bb.data = NULL
        bt.n = bb.n = 0
        try:
            if title:
                bt = to_buf(title)
            body = body[:self.body_chars]
            if body:
                bb = to_buf(body)
            self.gen += 1
            if self.gen == 0:
                memset(self.stamp, 0, (self.nrows + 1) * sizeof(uint32_t))
                self.gen = 1
            if bt.data != NULL:
                found += self.grams(bt.data, bt.n, self.t_lo, self.t_hi, 0, sums)
            if bb.data != NULL:
                found += self.grams(bb.data, bb.n, self.b_lo, self.b_hi, 1ULL << 63, sums)
            return [sums[i] for i in range(self.nc)], found
        finally:
            free(bt.data)
            free(bb.data)
            free(sums)

    cdef Py_ssize_t grams(self, const Py_UCS4 *text, Py_ssize_t n, int lo, int hi,
                          uint64_t tag, double *sums) noexcept:
        cdef Py_ssize_t i = 0, j, size, start, found = 0, slot
        cdef int g, c
        cdef uint64_t k
        cdef int32_t row
        cdef double *v
        while i < n:
            if not in_run(text[i]):
                i += 1
                continue
            start = i
            while i < n and in_run(text[i]):
                i += 1
            size = i - start
            for g in range(lo, (hi if hi < size else size) + 1):
                for j in range(start, i - g + 1):
                    k = gram_key(text + j, g, tag)
                    slot = <Py_ssize_t> ((k * 0x9E3779B97F4A7C15ULL) >> 17) & self.mask
                    while self.keys[slot]:
                        if self.keys[slot] == k:
                            row = self.rows[slot]
                            if self.stamp[row] != self.gen:
                                self.stamp[row] = self.gen
                                found += 1
                                v = self.ll + <Py_ssize_t> row * self.nc
                                for c in range(self.nc):
                                    sums[c] += v[c]
                            break
                        slot = (slot + 1) & self.mask
        return found


def ngram_model(ll, int nc, title_grams, body_grams, Py_ssize_t body_chars):
    """The C form of NaiveBayes._ll ({"t": {n-gram: row}, "b": ...}) for NaiveBayes.predict."""
    cdef NgramModel m = NgramModel()
    cdef Py_ssize_t cap = 16, slot, i, r
    cdef uint64_t k, tag
    cdef Py_UCS4 cps[3]
    m._args = (ll, nc, title_grams, body_grams, body_chars)
    m.nc = nc
    m.t_lo, m.t_hi = title_grams
    m.b_lo, m.b_hi = body_grams
    m.body_chars = body_chars
    entries = []
    for tag_name, tag in (("t", 0), ("b", 1ULL << 63)):
        for gram, row in ll.get(tag_name, {}).items():
            if 1 <= len(gram) <= 3:
                ok = True
                for ch in gram:
                    if not in_run(ord(ch)):
                        ok = False
                entries.append((tag, gram, row)) if ok else None
    m.nrows = len(entries)
    while cap < 2 * (m.nrows + 1):
        cap *= 2
    m.mask = cap - 1
    m.keys = <uint64_t*> calloc(cap, sizeof(uint64_t))
    m.rows = <int32_t*> calloc(cap, sizeof(int32_t))
    m.ll = <double*> malloc((m.nrows * nc + 1) * sizeof(double))
    m.stamp = <uint32_t*> calloc(m.nrows + 1, sizeof(uint32_t))
    if m.keys == NULL or m.rows == NULL or m.ll == NULL or m.stamp == NULL:
        raise MemoryError()
    for r, (tag, gram, row) in enumerate(entries):
        for i in range(len(gram)):
            cps[i] = ord(gram[i])
        k = gram_key(cps, len(gram), tag)
        slot = <Py_ssize_t> ((k * 0x9E3779B97F4A7C15ULL) >> 17) & m.mask
        while m.keys[slot]:
            slot = (slot + 1) & m.mask
        m.keys[slot] = k
        m.rows[slot] = r
        for i in range(nc):
            m.ll[r * nc + i] = row[i]
    return m

