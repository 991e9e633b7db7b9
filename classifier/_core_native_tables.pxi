# classifier/_core_native_tables.pxi — included by _core_native.pyx (issue 18).
# The C records, the scratch space of a call, and the Tables of one Classifier.

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
    cdef uint16_t *cls         # BMP code point -> character class (0: in no word)
    cdef unsigned char *inword # BMP code point -> bit: in some word (8 KB: stays in cache)
    cdef list astral           # code points above the BMP -> class
    cdef int32_t *root_next    # class -> state, from the root
    cdef int32_t *t_off
    cdef int32_t *t_cls
    cdef int32_t *t_next
    cdef int32_t *fail
    cdef int32_t *out_off
    cdef int32_t *outs
    cdef uint16_t *dfa         # state * nclass + class -> next state (NULL: too big, use fail)
    cdef size_t dfa_bytes
    # words
    cdef int32_t *w_kind
    cdef int32_t *w_len
    cdef int32_t *w_rank
    cdef int32_t *kw_off
    cdef int32_t *kw_ci
    cdef double *kw_wt
    cdef int32_t *nt_off
    cdef int32_t *nt_ci
    cdef int32_t *nt_within
    cdef int32_t *nt_ctx_lo
    cdef int32_t *nt_ctx_hi
    cdef double *nt_wt
    cdef int32_t *ctx_idx
    cdef int32_t *ctx_len
    cdef int32_t *ct_off
    cdef int32_t *ct_idx
    cdef int32_t *ct_span
    cdef int32_t *ct_live
    cdef int32_t *ct_offs_off
    cdef int32_t *offs
    cdef int32_t *ct_nr_off
    cdef int32_t *nr_within
    cdef int32_t *nr_ctx_lo
    cdef int32_t *nr_ctx_hi
    cdef int32_t *ex_off
    cdef int32_t *ex_ci
    cdef int32_t *in_off
    cdef int32_t *in_w
    cdef int32_t *grp_off
    cdef int32_t *grp_ids
    cdef int32_t *in_group
    cdef int32_t *g_ci
    cdef int32_t *g_has_within
    cdef int32_t *g_within
    cdef int32_t *g_w_off
    cdef int32_t *g_w
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
        free(self.t_next); free(self.fail); free(self.out_off); free(self.outs)
        if self.dfa != NULL:
            free_dfa(self)
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
