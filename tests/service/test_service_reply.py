"""tools/service_reply.py: appointment answers in French and English."""

import pytest
from dealer_tools.service_reply import CANCEL, CONFIRM, RESCHEDULE, classify


@pytest.mark.parametrize(("text", "answer", "lang"), [
    ("C", CONFIRM, None), ("c.", CONFIRM, None), ("OUI", CONFIRM, "fr"),
    ("Oui merci!", CONFIRM, "fr"), ("YES", CONFIRM, "en"), ("yes see you then", CONFIRM, "en"),
    ("Confirmé", CONFIRM, "fr"),
    ("R", RESCHEDULE, None), ("changer", RESCHEDULE, "fr"),
    ("Je dois changer l'heure", RESCHEDULE, "fr"), ("Est-ce possible une autre journée?",
                                                    RESCHEDULE, "fr"),
    ("reschedule", RESCHEDULE, "en"), ("Can we reschedule please", RESCHEDULE, "en"),
    ("I need another time", RESCHEDULE, "en"),
    ("ANNULER", CANCEL, "fr"), ("Annuler le rendez-vous svp", CANCEL, "fr"),
    ("CANCEL", CANCEL, "en"), ("please cancel my appointment", CANCEL, "en"),
])
def test_answers(text, answer, lang):
    assert classify(text) == (answer, lang)


@pytest.mark.parametrize("text", [
    "c'est prêt?", "Ready yet?", "rappelez-moi à 15 h", "call me back at 3pm", "", "ok", "r u open",
])
def test_conversation_is_no_answer(text):
    assert classify(text) == (None, None)
