"""What a customer's answer to an appointment text asks for (pure, no Odoo).

The texts say "Répondez C pour confirmer, R pour changer l'heure" / "Reply YES to confirm or R
to change the time". One-letter answers count only alone; words count alone or first ("oui
merci", "yes see you"), phrases anywhere ("je dois changer l'heure", "can we reschedule").
"""

import re

from .sms_keywords import normalise

CONFIRM, RESCHEDULE, CANCEL = "confirm", "reschedule", "cancel"
# a "no" to an estimate (see dealer.service.visit's approvals); to anything else, a text
# for the advisor
DECLINE = "decline"

# first word (or the whole text) -> (answer, language or None)
_WORDS = {
    "c": (CONFIRM, None), "oui": (CONFIRM, "fr"), "yes": (CONFIRM, "en"),
    "confirme": (CONFIRM, "fr"), "confirmer": (CONFIRM, "fr"), "confirm": (CONFIRM, "en"),
    "confirmed": (CONFIRM, "en"), "y": (CONFIRM, "en"), "o": (CONFIRM, "fr"),
    "r": (RESCHEDULE, None), "changer": (RESCHEDULE, "fr"), "reporter": (RESCHEDULE, "fr"),
    "reschedule": (RESCHEDULE, "en"), "deplacer": (RESCHEDULE, "fr"),
    "annuler": (CANCEL, "fr"), "annulez": (CANCEL, "fr"), "annule": (CANCEL, "fr"),
    "cancel": (CANCEL, "en"),
    "non": (DECLINE, "fr"), "no": (DECLINE, "en"), "n": (DECLINE, None),
    "refuse": (DECLINE, "fr"), "refuser": (DECLINE, "fr"), "decline": (DECLINE, "en"),
}
# letters that only count when they are the whole answer ("C", not "c'est beau")
# and a bare "no" ("No problem, go ahead" is not a refusal)
_ALONE_ONLY = {"c", "r", "y", "o", "n", "no", "non"}
_PHRASES = [
    (re.compile(r"\b(annuler|annulez|annule) (le |mon |notre |ce )?(rendez-vous|rdv|rv)\b"),
     CANCEL, "fr"),
    (re.compile(r"\bcancel (the |my |our |this )?(appointment|appt|booking)\b"), CANCEL, "en"),
    (re.compile(r"\b(changer|modifier|deplacer|reporter) (l'?heure|la date|le rendez-vous|"
                r"mon rendez-vous|le rdv|mon rdv)\b"), RESCHEDULE, "fr"),
    (re.compile(r"\b(autre (heure|moment|journee|jour|date))\b"), RESCHEDULE, "fr"),
    (re.compile(r"\b(reschedule|another (time|day|date)|different (time|day)|"
                r"change (the |my )?(time|date|appointment))\b"), RESCHEDULE, "en"),
    (re.compile(r"^(non|no)[ ,!.]+(merci|thanks|thank you)\b"), DECLINE, None),
]
_STRIP = " .!?,;:'\"()*-"


def classify(body):
    """``(answer, lang)``: answer is 'confirm', 'reschedule', 'cancel', 'decline' or None
    (anything else: a question, a call-back request...); lang 'fr', 'en' or None."""
    text = normalise(body)
    whole = text.strip(_STRIP)
    if whole in _WORDS:
        return _WORDS[whole]
    for pattern, answer, lang in _PHRASES:
        if pattern.search(text):
            return answer, lang
    first = whole.split(" ", 1)[0].strip(_STRIP) if whole else ""
    if first in _WORDS and first not in _ALONE_ONLY:
        return _WORDS[first]
    return None, None
