"""The two errors a user can cause: a bad configuration value and a bad input file.

Both end a command-line run with exit code 2 and one line (`influsim: error: ...`).
"""


class ConfigError(ValueError):
    """A configuration value is wrong; `key` is its dotted name."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


class DataError(ValueError):
    """An input file is missing or malformed; the message names the file (and line)."""
