# classifier/_core_native_json.pxi — included by _core_native.pyx (issue 18).
# The evidence's JSON written in C: 13–15 µs a line in Python, most of it here.

cdef extern from "Python.h":
    char* PyOS_double_to_string(double val, char format_code, int precision, int flags,
                                int *ptype) except NULL
    int Py_DTSF_ADD_DOT_0
    Py_ssize_t PyUnicode_GET_LENGTH(object u)
    bint PyUnicode_CheckExact(object o)
    bint PyLong_CheckExact(object o)
    bint PyFloat_CheckExact(object o)
    bint PyTuple_Check(object o)
    Py_ssize_t PyTuple_GET_SIZE(object o)
    void* PyTuple_GET_ITEM_PTR "PyTuple_GET_ITEM" (object o, Py_ssize_t i)
    double PyFloat_AS_DOUBLE(object o)
    long long PyLong_AsLongLong(object o) except? -1

from libc.string cimport strlen
from libc.math cimport isfinite


cdef struct Out:
    Py_UCS4 *data
    Py_ssize_t n, cap


cdef int out_room(Out *o, Py_ssize_t extra) except -1:
    cdef Py_ssize_t cap
    cdef Py_UCS4 *p
    if o.n + extra <= o.cap:
        return 0
    cap = max(2 * o.cap, o.n + extra, 256)
    p = <Py_UCS4*> realloc(o.data, cap * sizeof(Py_UCS4))
    if p == NULL:
        raise MemoryError()
    o.data, o.cap = p, cap
    return 0


cdef int out_ascii(Out *o, const char *s) except -1:
    cdef Py_ssize_t i, n = 0
    while s[n] != 0:
        n += 1
    out_room(o, n)
    for i in range(n):
        o.data[o.n + i] = <unsigned char> s[i]
    o.n += n
    return 0


cdef int out_json_str(Out *o, object s) except -1:
    """*s* as a JSON string (ensure_ascii=False); 1 when it has a character json.dumps would
    escape (the caller's Python writes that item)."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(s)
    cdef int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    cdef Py_UCS4 c
    out_room(o, n + 2)
    o.data[o.n] = 34   # "
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c < 32 or c == 34 or c == 92:
            return 1
        o.data[o.n + 1 + i] = c
    o.data[o.n + 1 + n] = 34
    o.n += n + 2
    return 0


cdef int out_int(Out *o, long long v) except -1:
    cdef char digits[24]
    cdef int i = 0, j
    cdef unsigned long long u = <unsigned long long> v
    if v < 0:
        u = <unsigned long long> 0 - u
    while True:
        digits[i] = 48 + <char> (u % 10)
        u //= 10
        i += 1
        if u == 0:
            break
    out_room(o, i + 1)
    if v < 0:
        o.data[o.n] = 45   # -
        o.n += 1
    for j in range(i):
        o.data[o.n + j] = digits[i - 1 - j]
    o.n += i
    return 0


# repr() of the last weights written: a ruleset has a handful of distinct weights, and
# repr(float) was a sixth of the evidence's JSON
cdef enum:
    REPS = 16
cdef uint64_t rep_bits[REPS]
cdef char rep_text[REPS][32]
cdef int rep_n = 0, rep_next = 0


cdef const char* weight_repr(double w) except NULL:
    global rep_n, rep_next
    cdef uint64_t bits
    cdef int i
    cdef char *rep
    memcpy(&bits, &w, 8)   # by bits: 0.0 and -0.0 are two texts
    for i in range(rep_n):
        if rep_bits[i] == bits:
            return rep_text[i]
    rep = PyOS_double_to_string(w, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
    try:
        i = rep_next
        rep_next = (rep_next + 1) % REPS
        if rep_n < REPS:
            rep_n += 1
        rep_bits[i] = bits
        # a repr is at most 24 characters ("-2.2250738585072014e-308")
        memcpy(rep_text[i], rep, min(31, strlen(rep)) + 1)
        rep_text[i][31] = 0
    finally:
        PyMem_Free(rep)
    return rep_text[i]


def evidence_json(evidence):
    """``json.dumps([e.as_dict() for e in evidence], ensure_ascii=False)`` of Evidence tuples
    of a str keyword, field and category, an int start and a finite float weight; None for any
    other evidence (a character to escape, another type), which the caller writes in Python."""
    cdef Out o
    cdef Py_ssize_t i, n
    cdef double w
    if not PyTuple_Check(evidence):
        evidence = tuple(evidence)
    n = PyTuple_GET_SIZE(evidence)
    if n == 0:
        return "[]"
    o.data, o.n, o.cap = NULL, 0, 0
    try:
        out_ascii(&o, "[")
        for i in range(n):
            ev = evidence[i]
            if not PyTuple_Check(ev) or PyTuple_GET_SIZE(ev) != 5:
                return None
            keyword, field, start, weight, category = ev
            if not (PyUnicode_CheckExact(keyword) and PyUnicode_CheckExact(field)
                    and PyUnicode_CheckExact(category) and PyLong_CheckExact(start)
                    and PyFloat_CheckExact(weight)):
                return None
            w = PyFloat_AS_DOUBLE(weight)
            if not isfinite(w):
                return None
            out_ascii(&o, '{"keyword": ' if i == 0 else ', {"keyword": ')
            if out_json_str(&o, keyword):
                return None
            out_ascii(&o, ', "field": ')
            if out_json_str(&o, field):
                return None
            out_ascii(&o, ', "start": ')
            out_int(&o, PyLong_AsLongLong(start))
            out_ascii(&o, ', "weight": ')
            out_ascii(&o, weight_repr(w))
            out_ascii(&o, ', "category": ')
            if out_json_str(&o, category):
                return None
            out_ascii(&o, "}")
        out_ascii(&o, "]")
        return PyUnicode_FromKindAndData(4, o.data, o.n)
    finally:
        free(o.data)


def evidence_facts(evidence, str category):
    """classifier/_core.py's evidence_facts: (a word of *category* counted, one in the title,
    all one word, a word of another category in the title)."""
    cdef bint any_word = False, in_title = False, one = True, rival_in_title = False
    cdef object first = None
    for ev in evidence:
        keyword, field, _start, _weight, cat = ev
        if cat is category or cat == category:
            if first is None:
                first = keyword
                any_word = True
            elif one and not (keyword is first or keyword == first):
                one = False
            if not in_title and field == "title":
                in_title = True
        elif not rival_in_title and field == "title":
            rival_in_title = True
    return any_word, in_title, any_word and one, rival_in_title
