"""Immutable records made by the hundred thousand (a province's files, sheets and results).

``record`` is ``dataclass(frozen=True)`` with one difference: its ``__init__`` sets all the fields in one step
(the instance's ``__dict__`` at once) instead of one ``object.__setattr__`` call per field, which made a frozen
record of thirteen fields cost three times a plain one. Equality, hashing, ``repr``, ``dataclasses.replace``,
pickling and the refusal to change a field are the dataclass's own."""

from __future__ import annotations

import dataclasses

_SET = object.__setattr__


def record(cls):
    """``@dataclass(frozen=True)``, built faster (for classes without ``__post_init__`` or ``init=False``
    fields)."""
    cls = dataclasses.dataclass(frozen=True)(cls)
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: record() builds plain fields only")
    defaults: dict[str, object] = {"_set": _SET, "_none": dataclasses.MISSING}
    parameters, values = [], []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            defaults[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
            values.append(f"{f.name!r}: {f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f"_factory_{f.name}"] = f.default_factory
            parameters.append(f"{f.name}=_none")
            values.append(f"{f.name!r}: _factory_{f.name}() if {f.name} is _none else {f.name}")
        else:
            parameters.append(f.name)
            values.append(f"{f.name!r}: {f.name}")
    source = (f"def __init__(self, {', '.join(parameters)}):\n"
              f"    _set(self, '__dict__', {{{', '.join(values)}}})\n")
    exec(source, defaults)  # noqa: S102 - our own fields' names, as dataclasses itself builds __init__
    init = defaults["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


class Decoded(dict):
    """Stored texts decoded once each: ``decoded[text]`` is ``decode(text)``, computed when first asked for (a
    province's rows repeat their dates, scores, vetoes and officers; a text decode refuses is not kept)."""

    __slots__ = ("decode",)

    def __init__(self, decode) -> None:
        super().__init__()
        self.decode = decode

    def __missing__(self, text):
        value = self[text] = self.decode(text)
        return value
