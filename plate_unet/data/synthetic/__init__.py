"""Synthetic plate scenes: the offline default data.

* :mod:`~plate_unet.data.synthetic.generate` - a scene from a random seed
  (:func:`generate_scene`) and a folder of them with a reference-format CSV
  (:func:`generate_dataset`);
* :mod:`~plate_unet.data.synthetic.scene` - backgrounds, cars and distractors;
* :mod:`~plate_unet.data.synthetic.plate_styles` - plates in several real styles;
* :mod:`~plate_unet.data.synthetic.glyphs` - character masks;
* :mod:`~plate_unet.data.synthetic.camera` - light, blur, noise and JPEG.

Nothing here imports TensorFlow.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
