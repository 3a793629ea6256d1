"""plate-unet: licence-plate segmentation with a U-Net, taught in notebooks."""

__version__ = "0.1.0"
