"""Participation, structure, member, temporal, survey and uncertainty metrics (tidy tables).

Each submodule declares ``__all__``; everything listed there is available as
``pn.metrics.<name>``. To add a module: create it with ``__all__`` and list it in ``_MODULES``.
"""

import importlib

_MODULES = ("participation", "structure", "members", "survey", "temporal", "concentration",
            "uncertainty")

__all__: list[str] = []
for _name in _MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    for _attr in _module.__all__:
        globals()[_attr] = getattr(_module, _attr)
    __all__ += list(_module.__all__)
del _name, _module, _attr
