"""The whole suite: nothing it runs writes to the user's home — the built-in second opinion's
cache (classifier/_seedcache.py) goes to a folder of this run, for the tests' own processes and
the gongkai processes they start alike."""
import os
import tempfile


def pytest_configure(config):
    if "GONGKAI_CACHE_DIR" not in os.environ:
        os.environ["GONGKAI_CACHE_DIR"] = tempfile.mkdtemp(prefix="gongkai-test-cache-")
