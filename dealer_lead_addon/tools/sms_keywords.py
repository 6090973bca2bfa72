"""Opt-out, opt-in and help keywords of inbound texts, in English and French.

The carriers' rules (CTIA, and Canada's CASL/CWTA practice) make single-word keywords
binding: STOP and its synonyms opt out, START/UNSTOP opt back in, HELP answers with who we
are. Customers also write whole sentences ("stop texting me", "arrêtez de m'écrire"); those
opt out too. Anything else is a conversation: "yes", "oui", "ok" never opt anybody in.
"""

import re
import unicodedata

STOP, START, HELP = "stop", "start", "help"

# keyword (accents removed, lower case) -> (kind, language or None when both use it)
KEYWORDS = {
    "stop": (STOP, None),
    "stopall": (STOP, None),
    "unsubscribe": (STOP, "en"),
    "cancel": (STOP, "en"),
    "end": (STOP, "en"),
    "quit": (STOP, "en"),
    "revoke": (STOP, "en"),
    "optout": (STOP, "en"),
    "opt-out": (STOP, "en"),
    "arret": (STOP, "fr"),
    "arreter": (STOP, "fr"),
    "desabonner": (STOP, "fr"),
    "desabonnement": (STOP, "fr"),
    "start": (START, None),
    "unstop": (START, "en"),
    "reabonner": (START, "fr"),
    "help": (HELP, "en"),
    "info": (HELP, None),
    "aide": (HELP, "fr"),
}

# whole-sentence opt-outs, matched on the normalised text (accents removed, lower case,
# apostrophes straightened)
STOP_PHRASES = [
    (re.compile(r"\b(stop|quit|don'?t|do not|never) (text(ing)?|messag(e|ing)|send(ing)?|"
                r"contact(ing)?|writ(e|ing) to) (me|us)\b"), "en"),
    (re.compile(r"\b(unsubscribe me|(remove|take) me (off|from))\b"), "en"),
    (re.compile(r"\bopt me out\b"), "en"),
    (re.compile(r"\bno more (texts|text messages|messages|sms)\b"), "en"),
    (re.compile(r"\barrete(z|r)? (de|d'?) ?(m'?|me |nous )?(ecrire|texter|envoyer|contacter|"
                r"relancer)\b"), "fr"),
    (re.compile(r"\bne (m'?|me |nous )?(ecrivez|textez|contactez|relancez|envoyez) plus\b"),
     "fr"),
    (re.compile(r"\b(desabonnez|retirez|enlevez)[- ]moi\b"), "fr"),
    (re.compile(r"\bplus de (textos|messages|sms|texto)\b"), "fr"),
]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def normalise(text):
    """Lower case, accents removed, apostrophes straightened, spaces collapsed."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_APOSTROPHES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())


def classify(body):
    """What an inbound text asks for.

    :return: ``(kind, lang)``: kind is 'stop', 'start', 'help' or None (a conversation);
        lang is 'fr' or 'en' when the words tell the customer's language, else None
    """
    text = normalise(body)
    word = text.strip(" .!?,;:'\"()*-")
    if word in KEYWORDS:
        return KEYWORDS[word]
    for pattern, lang in STOP_PHRASES:
        if pattern.search(text):
            return STOP, lang
    return None, None
