# classifier/_core_native_items.pxi — included by _core_native.pyx (issue 18).
# One item: both fields scored, ranked, and its Evidence made.

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
