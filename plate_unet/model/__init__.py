"""The model: the U-Net, its configuration, and analysis of what it costs.

* :mod:`~plate_unet.model.config` - :class:`UNetConfig`, whose defaults are the
  reference's (no Keras import);
* :mod:`~plate_unet.model.unet` - :func:`build_unet` and its blocks
  (:func:`conv_block`, :func:`encoder_block`, :func:`decoder_block`);
* :mod:`~plate_unet.model.reference` - the reference's Keras summary, parsed,
  and :func:`compare_model` to check a model against it row by row;
* :mod:`~plate_unet.model.flops`, :mod:`~plate_unet.model.memory`,
  :mod:`~plate_unet.model.receptive_field` - FLOPs, activation memory and
  receptive field.

This subpackage imports nothing else of plate_unet but :mod:`plate_unet.errors`.
"""

from plate_unet._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "config": ["REFERENCE_CONFIG", "UNetConfig", "nearest_valid_sizes"],
        "unet": ["build_unet", "conv_block", "decoder_block", "encoder_block"],
        "reference": [
            "REFERENCE_TOTAL_PARAMS",
            "compare_model",
            "reference_summary_rows",
        ],
        "flops": ["config_flops", "flops_by_layer", "forward_flops"],
        "memory": ["activation_memory", "format_memory_table"],
        "receptive_field": ["receptive_fields"],
    },
)
