# classifier/_core_native_match.pxi — included by _core_native.pyx (issue 18).
# Matching and the rules' steps on one normalized field.

# --- matching and scoring ---------------------------------------------------------------------

# The automaton as a full transition table (a few MB for a thousand rule words): one load per
# character instead of a search and failure links, ~4 µs less an item. The tables of all the
# classifiers of a process share this budget (a district daemon keeps one per rules version);
# beyond it a classifier walks the failure links, which needs no table.
DFA_MAX_BYTES = 32 << 20
cdef size_t dfa_in_use = 0


cdef void free_dfa(Tables t) noexcept:
    global dfa_in_use
    free(t.dfa)
    t.dfa = NULL
    dfa_in_use -= t.dfa_bytes
    t.dfa_bytes = 0


cdef int build_dfa(Tables t, Py_ssize_t nstates, list order) except -1:
    """Every state's row: its failure state's row with its own transitions on top, in
    breadth-first *order* (a failure state is always shallower). 16-bit states: half the
    table, which is what the matching loop waits on; more states than that use the walk."""
    global dfa_in_use
    cdef Py_ssize_t nc = t.nclass, j
    cdef int32_t st
    cdef uint16_t *row
    cdef size_t size = <size_t> (nstates * nc) * sizeof(uint16_t)
    t.dfa = NULL
    t.dfa_bytes = 0
    if nstates > 65535 or dfa_in_use + size > <size_t> DFA_MAX_BYTES:
        return 0
    t.dfa = <uint16_t*> malloc(size)
    if t.dfa == NULL:
        return 0   # the search-and-failure walk needs no table
    t.dfa_bytes = size
    dfa_in_use += size
    for j in range(nc):
        t.dfa[j] = <uint16_t> t.root_next[j]
    for o in order:
        st = o
        row = t.dfa + st * nc
        memcpy(row, t.dfa + t.fail[st] * nc, nc * sizeof(uint16_t))
        for j in range(t.t_off[st], t.t_off[st + 1]):
            row[t.t_cls[j]] = <uint16_t> t.t_next[j]
    return 0


def dfa_bytes_in_use():
    """The bytes of all full transition tables of this process (for the tests)."""
    return dfa_in_use


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
