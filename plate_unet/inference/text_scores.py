"""How well plates are read: plate accuracy, character error rate, confusions.

Texts are compared after :func:`~plate_unet.data.alphabet.normalize_text`
(separators and row breaks dropped); with ``o_is_zero`` the letter O and the
digit 0 count as one symbol, for annotations that mix them. The character
error rate is the edit distance (insertions, deletions and substitutions,
:func:`edit_operations`) summed over plates, over the true characters summed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from plate_unet.data.alphabet import normalize_text

#: Look-alike pairs whose substitutions :class:`TextScores` counts apart.
CONFUSABLE = (("O", "0"), ("I", "1"), ("B", "8"), ("S", "5"), ("Z", "2"), ("D", "0"))


def edit_operations(truth: str, read: str) -> tuple[int, list[tuple[str, str]]]:
    """Levenshtein distance from ``truth`` to ``read``, and its substitutions.

    Returns:
        ``(distance, substitutions)``: the fewest insertions, deletions and
        substitutions that turn ``truth`` into ``read``, and the
        ``(true, read)`` character pairs substituted on one such path.

    Example:
        >>> from plate_unet.inference.text_scores import edit_operations
        >>> edit_operations("AB123", "A8123")
        (1, [('B', '8')])
        >>> edit_operations("AB123", "B12")
        (2, [])
    """
    n, m = len(truth), len(read)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = truth[i - 1] == read[j - 1]
            cost[i][j] = min(
                cost[i - 1][j] + 1,  # deletion
                cost[i][j - 1] + 1,  # insertion
                cost[i - 1][j - 1] + (0 if same else 1),  # match or substitution
            )
    subs = []
    i, j = n, m
    while i > 0 and j > 0:  # walk one cheapest path back
        same = truth[i - 1] == read[j - 1]
        if cost[i][j] == cost[i - 1][j - 1] + (0 if same else 1):
            if not same:
                subs.append((truth[i - 1], read[j - 1]))
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return cost[n][m], subs[::-1]


@dataclass
class TextScores:
    """Reading scores over a set of plates.

    Attributes:
        plates: Plates scored (with a known text).
        correct: Plates read exactly right.
        edits: Edit distance summed over plates.
        characters: True characters summed over plates.
        confusions: ``"O→0"``-style counts of the :data:`CONFUSABLE`
            substitutions, either way round.
    """

    plates: int = 0
    correct: int = 0
    edits: int = 0
    characters: int = 0
    confusions: Counter = field(default_factory=Counter)

    @property
    def accuracy(self) -> float | None:
        """Share of plates read exactly right (None when there are none)."""
        return self.correct / self.plates if self.plates else None

    @property
    def cer(self) -> float | None:
        """Character error rate: edits over true characters."""
        return self.edits / self.characters if self.characters else None

    def add(self, truth: str, read: str, o_is_zero: bool = False) -> None:
        """Scores one plate (texts normalised first)."""
        t = normalize_text(truth, o_is_zero)
        r = normalize_text(read, o_is_zero)
        distance, subs = edit_operations(t, r)
        self.plates += 1
        self.correct += t == r
        self.edits += distance
        self.characters += len(t)
        for a, b in subs:
            for x, y in CONFUSABLE:
                if {a, b} == {x, y}:
                    self.confusions[f"{a}→{b}"] += 1


def score_texts(
    truths: Sequence[str], reads: Sequence[str], o_is_zero: bool = False
) -> TextScores:
    """Scores reads against true texts, pair by pair; empty truths are skipped.

    Example:
        >>> from plate_unet.inference.text_scores import score_texts
        >>> s = score_texts(["AB 123", "OX7", ""], ["AB123", "0X1", "Q"])
        >>> s.plates, s.accuracy, round(s.cer, 3), dict(s.confusions)
        (2, 0.5, 0.25, {'O→0': 1})
        >>> score_texts(["OX7"], ["0X7"], o_is_zero=True).accuracy
        1.0
    """
    scores = TextScores()
    for truth, read in zip(truths, reads, strict=True):
        if normalize_text(truth):
            scores.add(truth, read, o_is_zero)
    return scores
