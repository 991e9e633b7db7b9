"""The error every command shows as one line, in a module that imports nothing, so that a light
command (``gongkai classify``) can raise it without loading the rest of the application."""


class UsageError(Exception):
    """A mistake on the command line or in stdin; shown as one line."""
