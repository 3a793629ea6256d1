"""The whole job in one call, and the committed teaching checkpoint.

* :mod:`~plate_unet.demo.heldout` - the held-out synthetic scenes every report
  uses;
* :mod:`~plate_unet.demo.pretrained` - :func:`make_pretrained` re-makes
  ``plate_unet/inference/pretrained/teaching.keras``;
* :mod:`~plate_unet.demo.run` - :func:`run_demo`: data, training, held-out
  report and predictions in one folder.

Sits on top, beside the CLI.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
