"""Training: losses, metrics, devices, callbacks, presets and the fit loop.

* :mod:`~plate_unet.training.losses` and :mod:`~plate_unet.training.metrics` -
  BCE + Dice, focal loss, IoU and Dice scores (registered with Keras, so a saved
  model loads with no ``custom_objects``);
* :mod:`~plate_unet.training.devices` - GPUs, mixed precision, XLA and the
  ``tf.distribute`` strategy;
* :mod:`~plate_unet.training.callbacks` - checkpoints and backups that a crash
  cannot leave half-written;
* :mod:`~plate_unet.training.presets` - training recipes (:data:`PRESETS`) and
  which one fits this machine (no Keras import);
* :mod:`~plate_unet.training.fit` - :func:`train` and :func:`train_synthetic`.

Uses :mod:`plate_unet.data` and :mod:`plate_unet.model`; neither imports it.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
