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


class OutputError(ValueError):
    """An output folder cannot be used: another run writes it, it holds a finished run, or
    it cannot be written (full disk, read-only, a file in the way)."""


# errno values meaning "this output cannot be written here" (not a bug of the program)
OUTPUT_ERRNOS = {"ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "ENOTDIR", "EISDIR", "EEXIST", "ENAMETOOLONG"}


def output_problem(err: OSError) -> str | None:
    """One line for an OSError that is about where results go (None: something else)."""
    import errno
    name = errno.errorcode.get(err.errno or 0, "")
    if name not in OUTPUT_ERRNOS:
        return None
    where = f" {err.filename}" if err.filename else ""
    return f"cannot write{where}: {err.strerror or name}"
