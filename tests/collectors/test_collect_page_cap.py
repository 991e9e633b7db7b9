"""Issue 15 #11 in the collector: a pass stopped by ``max_pages`` is ok but leaves a warning for
the pass and a note that stays, counting the passes, until a pass reads the column to its end."""
from datetime import datetime

from collectors import BEIJING, REGISTRY, CollectState


def test_a_capped_pass_warns_and_the_note_stays_until_the_column_is_read_to_its_end(server, http):
    url = server.base + "/trs/index.html"
    memo: dict = {}
    seen: set[str] = set()

    def one_pass(since=None, **opts):
        state = CollectState(is_known=seen.__contains__, memo=memo, since=since)
        seen.update(i.key for i in REGISTRY["website"]({"url": url, **opts}, http).collect(state))
        return state.memo.pop("warning", "")

    # the TRS fixture states 3 pages; a cap of 2 stops short of the last
    assert one_pass(max_pages=2) == "stopped at the page cap: 2 of 3 pages"
    assert memo["page_cap"] == {"note": "stopped at the page cap: 2 of 3 pages", "passes": 1,
                                "chosen": True}
    # an incremental pass never looks that deep: no new warning, the note stays and counts it
    assert one_pass(max_pages=2) == ""
    assert memo["page_cap"]["passes"] == 2
    # a pass that reads to the last page clears it
    assert one_pass(since=datetime(2000, 1, 1, tzinfo=BEIJING)) == ""
    assert "page_cap" not in memo and memo["stop_reason"].startswith("last page")
