"""Registries: named choices (seeding strategies, campaign plans) that config values pick.

Validation reads the allowed values from the registry, so adding a choice is one
`register` call (and its test): nothing else lists the names.
"""
from __future__ import annotations

from typing import Generic, TypeVar

from .errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str):
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T | None = None):
        """`REG.register("name", entry)`, or `@REG.register("name")` on a function."""
        def add(value: T) -> T:
            if name in self._entries:
                raise ValueError(f"{self.what} {name!r} is already registered")
            self._entries[name] = value
            return value
        return add(entry) if entry is not None else add

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def get(self, name: str, key: str = "") -> T:
        """The entry called `name`; a ConfigError naming `key` and the choices if there is none."""
        if name not in self._entries:
            raise ConfigError(key or self.what, f"must be one of {', '.join(self._entries)}; got {name!r}")
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries


