"""plate-unet: licence-plate segmentation with a U-Net, taught in notebooks.

The subpackages read as the pipeline, and imports flow one way along it:

* :mod:`plate_unet.data` - annotations in, images read and letterboxed, plate
  masks, synthetic scenes, the tf.data pipeline and augmentation;
* :mod:`plate_unet.model` - the U-Net, its config, the reference's reference table,
  and FLOPs, memory and receptive-field analysis;
* :mod:`plate_unet.training` - the fit loop, presets, callbacks, losses,
  metrics and devices;
* :mod:`plate_unet.inference` - prediction, post-processing (mask → plates),
  model files, export and evaluation;
* :mod:`plate_unet.viz` - plotting and the notebooks' widgets;
* :mod:`plate_unet.demo` and :mod:`plate_unet.cli` on top.

Importing this package, or its data code, does not import TensorFlow: each
subpackage's face loads a module when one of its names is first used.
"""

__version__ = "0.1.0"
