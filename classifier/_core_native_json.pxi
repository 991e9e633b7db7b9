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

from libc.stdio cimport snprintf
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


def evidence_json(evidence):
    """``json.dumps([e.as_dict() for e in evidence], ensure_ascii=False)`` of Evidence tuples
    of a str keyword, field and category, an int start and a finite float weight; None for any
    other evidence (a character to escape, another type), which the caller writes in Python."""
    cdef Out o
    cdef Py_ssize_t i, n
    cdef char num[64]
    cdef char *rep
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
            snprintf(num, 64, ', "start": %lld, "weight": ', PyLong_AsLongLong(start))
            out_ascii(&o, num)
            rep = PyOS_double_to_string(w, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
            try:
                out_ascii(&o, rep)
            finally:
                PyMem_Free(rep)
            out_ascii(&o, ', "category": ')
            if out_json_str(&o, category):
                return None
            out_ascii(&o, "}")
        out_ascii(&o, "]")
        return PyUnicode_FromKindAndData(4, o.data, o.n)
    finally:
        free(o.data)
