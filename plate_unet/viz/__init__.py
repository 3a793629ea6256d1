"""Pictures and widgets for the notebooks.

* :mod:`~plate_unet.viz.plotting` - matplotlib figures (scenes, feature maps,
  learning curves, worst cases);
* :mod:`~plate_unet.viz.widgets` - ipywidgets apps whose callbacks are plain,
  tested functions.

The colour-blind-safe colours of truth and prediction (the error map, the
worst cases, the outlines of found plates) are in :mod:`plate_unet.colours`,
where the overlays of ``plate-unet predict`` take them from too. Sits on top of
the other subpackages; none of them imports it.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
