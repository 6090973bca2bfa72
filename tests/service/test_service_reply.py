"""tools/service_reply.py: appointment answers in French and English."""

import pytest
from dealer_tools.service_reply import CANCEL, CONFIRM, DECLINE, RESCHEDULE, classify


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


@pytest.mark.parametrize(("text", "lang"), [
    ("NON", "fr"), ("non.", "fr"), ("Non merci", None), ("NO", "en"), ("no thanks", None),
    ("N", None), ("Refuser", "fr"), ("decline", "en"),
])
def test_a_no_to_an_estimate(text, lang):
    assert classify(text) == (DECLINE, lang)


@pytest.mark.parametrize("text", [
    "No problem, go ahead", "non mais appelez-moi", "Nope", "n'importe quand",
])
def test_a_no_that_is_not_a_refusal(text):
    assert classify(text)[0] != DECLINE
