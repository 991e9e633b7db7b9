# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, binding=False
"""The classifier's hot path in C: normalize, match, score and the second opinion's n-grams.

A hand-written counterpart of classifier/_core.py, which stays the reference: the same
functions (normalize, prepare, score_item, score_field, ngram_model, evidence_json) giving the same results —
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
from libc.math cimport exp
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

# The parts, in the order they build on each other (one module: Cython's include).
include "_core_native_text.pxi"
include "_core_native_tables.pxi"
include "_core_native_prepare.pxi"
include "_core_native_match.pxi"
include "_core_native_items.pxi"
include "_core_native_ngram.pxi"
include "_core_native_json.pxi"
