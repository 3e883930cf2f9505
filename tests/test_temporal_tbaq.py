"""The tagger on TimeBank and AQUAINT (../shared/data/tbaq): a floor under the scores.

The floor sits a little under the figures in docs/benchmarks.md, so a change that makes
the tagger worse on real news fails here. Skipped outside CI when the corpus is missing;
a failure under CI=true.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import require_shared_data

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_tbaq_scores_stay_above_the_recorded_floor() -> None:
    folder = require_shared_data("tbaq")
    sys.path.insert(0, str(BENCH))
    try:
        import timex
        from timex_tbaq import read_corpus
    finally:
        sys.path.remove(str(BENCH))
    docs = read_corpus(folder)
    assert len(docs) == 256
    run = timex.run_ours(docs, repeats=1)
    overall = timex.score(docs, run)
    date_time = timex.score(docs, run, ("DATE", "TIME"))
    # above HeidelTime's 0.920 / 0.773 / 0.781 (docs/benchmarks.md): the target
    assert overall["relaxed"][2] >= 0.921, overall
    assert overall["value"] >= 0.775, overall
    assert date_time["value"] >= 0.785, date_time
