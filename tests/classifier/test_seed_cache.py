"""The built-in second opinion is trained once and read back from the user's cache (issue 18):
the model read back must be the model training gives, and a cache that is not certainly that
model — corrupt, of another shape, of another corpus — is never used."""
import hashlib
import marshal

import pytest

from classifier import _classify, _learn, _seedcache

HEADLINES = ["2024年汽车消费券发放活动启动", "区商务局开展节前安全生产大检查",
             "总投资12亿元新能源电池项目签约落户", "成品油零售经营批准证书核发结果公示", "通知"]


@pytest.fixture
def trainings(tmp_path, monkeypatch):
    """GONGKAI_CACHE_DIR in tmp_path; counts the trainings of a NaiveBayes."""
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    count = [0]
    real = _learn.NaiveBayes.__init__

    def counted(self, *a, **k):
        count[0] += 1
        real(self, *a, **k)
    monkeypatch.setattr(_learn.NaiveBayes, "__init__", counted)
    _classify.seed_model.cache_clear()
    yield count
    _classify.seed_model.cache_clear()


def _fresh():
    _classify.seed_model.cache_clear()
    return _classify.seed_model()


def _cached(tmp_path):
    files = list((tmp_path / "cache").glob("seed-model-*.bin"))
    assert len(files) == 1
    return files[0]


def test_the_model_read_back_is_the_model_trained(trainings, tmp_path):
    trained = _fresh()
    assert trainings[0] == 1 and _cached(tmp_path).exists()
    read = _fresh()
    assert trainings[0] == 1          # not trained again
    assert read.state() == trained.state()
    for title in HEADLINES:
        assert read.predict(title, "检查组深入辖区加油站。") == trained.predict(
            title, "检查组深入辖区加油站。")


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "other shape"])
def test_a_damaged_cache_is_never_used(trainings, tmp_path, damage):
    trained = _fresh()
    path = _cached(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 1
    elif damage == "truncate":
        del data[len(data) // 2:]
    elif damage == "empty":
        data = bytearray()
    else:   # whole and checked, but not a model's state
        payload = marshal.dumps({"categories": ("a",), "prior": {"a": 1}, "ll": {}})
        data = bytearray(hashlib.sha256(_seedcache.FORMAT + payload).digest() + payload)
    path.write_bytes(bytes(data))
    again = _fresh()
    assert trainings[0] == 2          # trained again, and the cache written anew
    assert again.state() == trained.state()
    _fresh()
    assert trainings[0] == 2


def test_no_writable_cache_directory_only_means_training(trainings, tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(blocker / "cache"))
    first = _fresh()
    second = _fresh()
    assert trainings[0] == 2 and first.state() == second.state()
    monkeypatch.setenv("GONGKAI_CACHE_DIR", "")   # turned off
    _fresh()
    assert trainings[0] == 3


def test_another_corpus_or_training_code_is_another_cache():
    seed = _classify.SEED.read_bytes()
    assert _seedcache.key(seed) == _seedcache.key(seed)
    assert _seedcache.key(seed) != _seedcache.key(seed + b"\n")
