"""Array kernels that other layers read (the Grid's indicators): the public face of the
private sparse module, so nothing outside :mod:`peernet.metrics` imports an underscore name.
Internal: not re-exported as ``pn.metrics.*``."""

from ._sparse import arrays_from_net as arrays_from_net
from ._sparse import components as components
from ._sparse import gini as gini
from ._sparse import release_arrays as release_arrays

__all__: list[str] = []
