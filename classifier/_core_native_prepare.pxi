# classifier/_core_native_prepare.pxi — included by _core_native.pyx (issue 18).
# prepare: a Classifier's tables turned into the automaton and C arrays.

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
    # classes of the BMP characters first, so they fit the 16-bit table (normalized words hold
    # no surrogate: at most 63,488 of them); those above it come after, looked up in a dict
    present = sorted({c for w in words for c in w}, key=lambda c: (ord(c) >= 65536, ord(c)))
    chars = {c: k for k, c in enumerate(present, 1)}
    t.nclass = len(chars) + 1
    cls = [0] * 65536
    astral = {}
    for c, k in chars.items():
        if ord(c) < 65536:
            cls[ord(c)] = k
        else:
            astral[ord(c)] = k
    t.cls = <uint16_t*> malloc(65536 * sizeof(uint16_t))
    if t.cls == NULL:
        raise MemoryError()
    for i in range(65536):
        t.cls[i] = <uint16_t> cls[i]
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
