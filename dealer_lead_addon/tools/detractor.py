"""Whether a satisfaction answer is a detractor's (pure, no Odoo).

A score of 6 or less out of 10 (the NPS detractor band), or a comment with words of an unhappy
customer in French or English, whatever the score: a 9 with "très déçu du délai" is a customer
to call before they write a public review.
"""

import re

from .sms_keywords import normalise

DETRACTOR_MAX_SCORE = 6

_NEGATIVE = re.compile(
    r"\b(decu|decue|decevant|insatisfait|insatisfaite|mecontent|mecontente|mauvais|mauvaise|"
    r"nul|nulle|horrible|affreux|inacceptable|plainte|fache|fachee|arnaque|jamais plus|"
    r"plus jamais|pas satisfait|pas content|pas contente|pire|"
    r"disappointed|disappointing|unhappy|dissatisfied|bad|terrible|awful|horrible|"
    r"unacceptable|complaint|angry|rude|scam|worst|never again|not happy|not satisfied|"
    r"rip ?off)\b")
# "pas mal" (not bad) and "not bad" are praise
_PRAISE = re.compile(r"\b(pas mal|pas mauvais|not bad|not terrible)\b")


def negative_comment(text):
    """Whether ``text`` has the words of an unhappy customer."""
    words = _PRAISE.sub(" ", normalise(text))
    return bool(_NEGATIVE.search(words))


def is_detractor(score, comment):
    """``score`` 0-10 or None (not answered), ``comment`` free text."""
    return (score is not None and score <= DETRACTOR_MAX_SCORE) or negative_comment(comment)
