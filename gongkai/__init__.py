"""gongkai (公开): the application — config, pipeline, daemon, CLI, demo site."""
__version__ = "0.1.0"
DEFAULT_CONFIG = "gongkai.toml"   # the config file commands read when --config is not given
