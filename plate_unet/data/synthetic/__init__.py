"""Synthetic plate scenes: the offline default data.

* :mod:`~plate_unet.data.synthetic.generate` - a scene from a random seed
  (:func:`generate_scene`) and a folder of them with a reference-format CSV
  (:func:`generate_dataset`);
* :mod:`~plate_unet.data.synthetic.crops` - plates cut from scenes as a detector
  would, grey, with their texts: a plate reader's training data
  (:func:`generate_crops`);
* :mod:`~plate_unet.data.synthetic.background` - ground, walls, foliage, road paint;
* :mod:`~plate_unet.data.synthetic.vehicles` - cars, vans, lorries and motorbikes
  around their plates;
* :mod:`~plate_unet.data.synthetic.plate_styles` - plates of the world (a registry);
* :mod:`~plate_unet.data.synthetic.distractors` - things that are not plates
  (a registry);
* :mod:`~plate_unet.data.synthetic.text` - signs, stickers and watermarks;
* :mod:`~plate_unet.data.synthetic.camera` - light, blur, noise and JPEG;
* :mod:`~plate_unet.data.synthetic.paint` and :mod:`~plate_unet.data.synthetic.glyphs`
  - drawing primitives and character masks.

Nothing here imports TensorFlow.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
