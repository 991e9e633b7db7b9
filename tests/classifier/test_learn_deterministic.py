"""The second opinion's probabilities are the same in every run: its n-grams are a set, whose
order changes with hash randomisation, and a plain sum of their log-likelihoods in that order
changed the last bits from run to run (found in issue 18's work). Asked of the pure path in
processes with different hash seeds."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = """
from classifier._classify import seed_model
p = seed_model().predict('卫滨区商务局开展夜市促消费活动', '为激发消费活力，区商务局组织开展夜间经济系列活动。')
print(repr(sorted(p.probabilities.items())))
"""


def test_the_same_probabilities_whatever_the_hash_seed(tmp_path):
    got = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "GONGKAI_CORE": "pure",
               "GONGKAI_CACHE_DIR": "", "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True,
                             text=True, check=True, cwd=tmp_path)
        got.add(out.stdout)
    assert len(got) == 1, got
