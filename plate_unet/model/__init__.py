"""The model: the U-Net, its configuration, and analysis of what it costs.

* :mod:`~plate_unet.model.config` - :class:`UNetConfig`, whose defaults are the
  reference's (no Keras import);
* :mod:`~plate_unet.model.unet` - :func:`build_unet` and its blocks
  (:func:`conv_block`, :func:`encoder_block`, :func:`decoder_block`);
* :mod:`~plate_unet.model.reference` - the reference's Keras summary, parsed,
  and :func:`compare_model` to check a model against it row by row;
* :mod:`~plate_unet.model.flops`, :mod:`~plate_unet.model.memory`,
  :mod:`~plate_unet.model.receptive_field` - FLOPs, activation memory and
  receptive field;
* :mod:`~plate_unet.model.reader` - the plate reader, a small CRNN read with
  CTC (:func:`build_reader`, :func:`decode`, :func:`one_script`).

This subpackage imports nothing else of plate_unet but :mod:`plate_unet.errors`
and, for the reader's alphabet, :mod:`plate_unet.data.alphabet`.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
