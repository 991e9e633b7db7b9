"""gongkai (公开): the application — config, pipeline, daemon, CLI, demo site."""
__version__ = "0.1.0"
