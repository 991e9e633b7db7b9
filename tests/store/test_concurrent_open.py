"""Two processes opening a new database at once — the daemon and the web UI started together on
a fresh install — must both get it (found by a helper: one failed with "not a gongkai database
(database is locked)", or "duplicate column name" when both applied the same migration)."""
import multiprocessing as mp

from store import Store

PROCESSES = 6


def _open(path, barrier, results):
    barrier.wait()
    try:
        with Store(path) as st:
            results.put(st.db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0])
    except Exception as e:                     # reported, not raised: the parent asserts
        results.put(f"{type(e).__name__}: {e}")


def test_processes_opening_a_new_database_at_once_all_get_it(tmp_path):
    ctx = mp.get_context("fork")
    for round_ in range(12):
        path = tmp_path / f"g{round_}.db"
        barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
        procs = [ctx.Process(target=_open, args=(str(path), barrier, results))
                 for _ in range(PROCESSES)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        got = [results.get(timeout=5) for _ in procs]
        # each opened it, and each saw every migration applied once
        assert all(isinstance(n, int) for n in got), got
        assert len(set(got)) == 1, got
        with Store(path) as st:
            names = [r[0] for r in st.db.execute("SELECT name FROM _sqlite_migrations")]
        assert len(names) == len(set(names)) == got[0]
