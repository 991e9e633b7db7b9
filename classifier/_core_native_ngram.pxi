# classifier/_core_native_ngram.pxi — included by _core_native.pyx (issue 18).
# The second opinion's n-grams: a naive-Bayes table as a C hash table.

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
    cdef double *prior
    cdef double per_vote
    cdef tuple categories
    cdef uint32_t gen
    cdef object _args

    def __cinit__(self):
        self.keys = NULL
        self.rows = NULL
        self.ll = NULL
        self.stamp = NULL
        self.prior = NULL

    def __dealloc__(self):
        free(self.prior)
        free(self.keys)
        free(self.rows)
        free(self.ll)
        free(self.stamp)

    def __reduce__(self):
        return (ngram_model, self._args)

    def sums(self, str title, str body):
        """(the column sums of the features' log-likelihoods, the number of distinct features
        found): what NaiveBayes.predict sums from its vectors."""
        cdef double *sums = <double*> calloc(self.nc + 1, sizeof(double))
        cdef Py_ssize_t found
        cdef int i
        if sums == NULL:
            raise MemoryError()
        try:
            found = self.sum_into(title, body, sums)
            return [sums[i] for i in range(self.nc)], found
        finally:
            free(sums)

    def __call__(self, str title, str body):
        """(category, its probability, every category's probability): NaiveBayes.predict's
        arithmetic on these sums, operation for operation (libm's exp is math.exp's)."""
        cdef double *v = <double*> calloc(2 * self.nc + 1, sizeof(double))
        cdef double temper, top = 0.0, total = 0.0, best_p = 0.0
        cdef Py_ssize_t found
        cdef int i, best = 0
        if v == NULL:
            raise MemoryError()
        try:
            found = self.sum_into(title, body, v)
            temper = <double> found / self.per_vote
            if not temper > 1.0:
                temper = 1.0
            for i in range(self.nc):
                v[i] = self.prior[i] + v[i] / temper
                if i == 0 or v[i] > top:
                    top = v[i]
            for i in range(self.nc):
                v[self.nc + i] = exp(v[i] - top)
                total += v[self.nc + i]
            probs = {}
            for i in range(self.nc):
                v[i] = v[self.nc + i] / total
                probs[self.categories[i]] = v[i]
                # the highest; among equals the greater name (categories are sorted)
                if i == 0 or v[i] >= best_p:
                    best, best_p = i, v[i]
            return self.categories[best], probs[self.categories[best]], probs
        finally:
            free(v)

    cdef Py_ssize_t sum_into(self, str title, str body, double *sums) except -1:
        cdef Buf bt, bb
        cdef Py_ssize_t found = 0
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
            return found
        finally:
            free(bt.data)
            free(bb.data)

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


def ngram_model(ll, categories, prior, double features_per_vote, title_grams, body_grams,
                Py_ssize_t body_chars):
    """NaiveBayes.predict in C: its table _ll ({"t": {n-gram: row}, "b": ...}) as a C hash
    table, with the priors of *categories* (in their order) and its features per vote."""
    cdef NgramModel m = NgramModel()
    cdef Py_ssize_t cap = 16, slot, i, r
    cdef uint64_t k, tag
    cdef Py_UCS4 cps[3]
    cdef int nc = len(categories)
    m._args = (ll, categories, prior, features_per_vote, title_grams, body_grams, body_chars)
    m.nc = nc
    m.categories = tuple(categories)
    m.per_vote = features_per_vote
    m.prior = <double*> malloc((nc + 1) * sizeof(double))
    if m.prior == NULL:
        raise MemoryError()
    for i in range(nc):
        m.prior[i] = prior[i]
    m.t_lo, m.t_hi = title_grams
    m.b_lo, m.b_hi = body_grams
    m.body_chars = body_chars
    cdef Py_ssize_t size
    cdef Py_UCS4 ch
    cdef bint ok
    cdef str gram
    entries = []
    for tag_name, tag in (("t", 0), ("b", 1ULL << 63)):
        for key, row in ll.get(tag_name, {}).items():
            gram = key
            size = len(gram)
            if 1 <= size <= 3:
                ok = True
                for ch in gram:
                    if not in_run(ch):
                        ok = False
                if ok:
                    entries.append((tag, gram, row))
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
    cdef tuple values
    r = 0
    for entry in entries:
        tag = (<tuple> entry)[0]
        gram = (<tuple> entry)[1]
        values = tuple((<tuple> entry)[2])
        size = len(gram)
        for i in range(size):
            cps[i] = gram[i]
        k = gram_key(cps, <int> size, tag)
        slot = <Py_ssize_t> ((k * 0x9E3779B97F4A7C15ULL) >> 17) & m.mask
        while m.keys[slot]:
            slot = (slot + 1) & m.mask
        m.keys[slot] = k
        m.rows[slot] = <int32_t> r
        for i in range(nc):
            m.ll[r * nc + i] = values[i]
        r += 1
    return m
