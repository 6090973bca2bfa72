"""tools/detractor.py: who gets a call from the manager after the survey."""

import pytest
from dealer_tools.detractor import is_detractor


@pytest.mark.parametrize(("score", "comment"), [
    (0, ""), (5, "Correct"), (6, None),
    (9, "Très déçu du délai"), (10, "Le conseiller était impoli, plus jamais"),
    (8, "disappointed by the wait"), (9, "Worst oil change ever"),
    (None, "Inacceptable, ma voiture est revenue sale"),
])
def test_detractors(score, comment):
    assert is_detractor(score, comment)


@pytest.mark.parametrize(("score", "comment"), [
    (7, ""), (9, "Super service, merci!"), (10, None), (8, "pas mal du tout"),
    (9, "not bad at all"), (None, ""),
])
def test_not_detractors(score, comment):
    assert not is_detractor(score, comment)
