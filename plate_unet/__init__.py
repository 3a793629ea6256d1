"""plate-unet: licence-plate segmentation with a U-Net, taught in notebooks.

Importing the package registers its losses and metrics with Keras, so a saved
``.keras`` model that uses them loads with ``keras.saving.load_model(path)``.
"""

from plate_unet import losses, metrics  # noqa: F401  (registers serialisables)

__version__ = "0.1.0"
