"""Subpackage faces that load their modules on first use.

Each subpackage's ``__init__`` names its public functions and the module that
defines them, and calls :func:`attach`. ``from plate_unet.data import
load_annotations`` then imports ``plate_unet.data.readers`` only, so importing
the light data code never pulls in TensorFlow, and ``plate-unet --help``
answers at once. Each name keeps one home: its module; the face only points
at it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def attach(
    package: str, exports: dict[str, list[str]]
) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """Returns ``(__getattr__, __dir__, __all__)`` for a subpackage's face.

    Args:
        package: The subpackage's ``__name__``.
        exports: Module name (relative to ``package``) → public names it defines.

    Returns:
        A module ``__getattr__`` that imports a name's module on first use, a
        matching ``__dir__``, and the sorted ``__all__``.

    Example:
        >>> from plate_unet._lazy import attach
        >>> getattr_, dir_, all_ = attach("plate_unet.data", {"records": ["Sample"]})
        >>> getattr_("Sample").__name__
        'Sample'
    """
    home = {name: module for module, names in exports.items() for name in names}
    clash = set(home) & {m.split(".")[0] for m in exports}
    if clash:  # the submodule would shadow the name once imported
        raise ValueError(f"{package}: names {sorted(clash)} are also module names")

    def __getattr__(name: str) -> object:
        if name in home:
            module = importlib.import_module(f"{package}.{home[name]}")
            return getattr(module, name)
        try:  # a submodule: `import plate_unet.data as d; d.readers` works
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{name}":
                raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(home)

    __getattr__.homes = dict(home)  # name → defining module, for the layout tests
    return __getattr__, __dir__, sorted(home)
