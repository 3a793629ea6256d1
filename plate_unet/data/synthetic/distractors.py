"""Things that are not plates, drawn away from the plates: a registry.

The scene's background distractors (signs and stickers with words, round
badges, bright rectangles) are entries of :data:`DISTRACTORS`: a name, how often
it is drawn against the others, and the function that draws it into a box of
the image. Adding one is one decorated function
(:func:`register_distractor`); :func:`pick_distractor` draws one entry by the
weights with one number from the scene's random stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from plate_unet.data.synthetic.text import draw_text_box

#: ``(img, rng, x, y, box_w, box_h)``: draws into ``img`` in place.
DistractorDrawer = Callable[
    [np.ndarray, np.random.Generator, float, float, float, float], None
]


@dataclass(frozen=True)
class Distractor:
    """One entry of :data:`DISTRACTORS`.

    Attributes:
        name: The key, e.g. ``"sign"``.
        weight: How often it is drawn, relative to the others.
        draw: Draws it into the box ``(x, y, box_w, box_h)`` of the image.
    """

    name: str
    weight: float
    draw: DistractorDrawer


#: Every background distractor, by name, in the order registered.
DISTRACTORS: dict[str, Distractor] = {}


def register_distractor(
    name: str, weight: float
) -> Callable[[DistractorDrawer], DistractorDrawer]:
    """Adds the decorated drawing function to :data:`DISTRACTORS`.

    Args:
        name: A new distractor name.
        weight: Relative frequency (> 0) among all distractors.

    Returns:
        A decorator that registers the function and returns it unchanged.

    Raises:
        ValueError: If ``name`` is taken or ``weight`` is not positive.

    Example:
        >>> from plate_unet.data.synthetic.distractors import (
        ...     DISTRACTORS, register_distractor)
        >>> sorted(DISTRACTORS)
        ['badge', 'bright_box', 'sign']
        >>> register_distractor("sign", 0.1)
        Traceback (most recent call last):
        ...
        ValueError: distractor 'sign' is already registered; choose another name
    """
    if name in DISTRACTORS:
        raise ValueError(
            f"distractor {name!r} is already registered; choose another name"
        )
    if weight <= 0:
        raise ValueError(f"distractor {name!r}: weight={weight} must be positive")

    def add(draw: DistractorDrawer) -> DistractorDrawer:
        DISTRACTORS[name] = Distractor(name, weight, draw)
        return draw

    return add


def pick_distractor(rng: np.random.Generator) -> Distractor:
    """Draws one distractor by the weights, with one ``rng.random()``.

    Example:
        >>> from plate_unet.data.synthetic.distractors import pick_distractor
        >>> pick_distractor(np.random.default_rng(0)).name  # 0.64: past 'sign'
        'badge'
    """
    r = rng.random() * sum(d.weight for d in DISTRACTORS.values())
    edge = 0.0
    for entry in DISTRACTORS.values():
        edge += entry.weight
        if r < edge:
            return entry
    return entry  # r rounded onto the last edge


@register_distractor("sign", 0.6)
def sign(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A sign or sticker: a coloured box with one or two lines of words."""
    draw_text_box(img, rng, x, y, bw, bh, rng.normal(0, 4))


@register_distractor("badge", 0.2)
def badge(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A round badge of one colour, as tall as the box."""
    c = (int(x + bw / 2), int(y + bh / 2))
    colour = tuple(float(v) for v in rng.uniform(0, 255, 3))
    cv2.circle(img, c, int(bh / 2), colour, -1, cv2.LINE_AA)


@register_distractor("bright_box", 0.2)
def bright_box(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A bright, nearly white rectangle (a lamp, a lit window, a label)."""
    v = rng.uniform(200, 255)
    cv2.rectangle(
        img, (int(x), int(y)), (int(x + bw), int(y + bh)), (v, v, v * 0.95), -1
    )
