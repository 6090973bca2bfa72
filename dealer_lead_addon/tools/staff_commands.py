"""Lead codes and the commands a salesperson texts back from their own mobile.

A lead code ("#A7K") names a lead in a text: three characters or more, drawn from letters and
digits that cannot be mistaken for one another on a phone keyboard or a small screen (no O/0,
I/1/L, S/5, B/8, Z/2), and spread so that consecutive leads do not get look-alike codes. It is
computed from the lead's id (nothing stored, nothing to race for) and is no secret: it only
means something to a staff member's known alert mobile.

Commands (accents and case ignored, French and English):
``1`` / ``OK`` / ``OUI`` / ``YES`` claim the lead; ``P`` / ``PASS`` / ``PASSE`` pass it to the next
person in rotation; ``IN`` / ``OUT`` join or leave the rotation; ``?`` / ``AIDE`` / ``HELP``
list the commands. Any other text is a message for the customer. A reply may start with a lead
code ("#A7K 1", "A7K I'm on it") to say which lead it is about.
"""

import re

from .sms_keywords import normalise

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
BASE = len(ALPHABET)
MIN_LENGTH = 3
# multiplier coprime with every power of BASE (25 = 5²): spreads consecutive ids
SPREAD = 7919

CLAIM, PASS, JOIN, LEAVE, HELP, MESSAGE = "claim", "pass", "join", "leave", "help", "message"
COMMANDS = {
    "1": CLAIM, "ok": CLAIM, "oui": CLAIM, "yes": CLAIM,
    "p": PASS, "pass": PASS, "passe": PASS, "passer": PASS,
    "in": JOIN, "out": LEAVE,
    "?": HELP, "aide": HELP, "help": HELP,
}
CODE_RE = re.compile(r"^\s*#?([A-Za-z0-9]{3,8})\b[\s:,.-]*", re.ASCII)


def _length(lead_id):
    length = MIN_LENGTH
    while lead_id >= BASE ** length:
        length += 1
    return length


def encode(lead_id):
    """The code of ``lead_id`` (a positive integer), e.g. ``"A7K"``."""
    length = _length(lead_id)
    value = lead_id * SPREAD % BASE ** length
    chars = []
    for _position in range(length):
        value, digit = divmod(value, BASE)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def decode(code):
    """The lead id that ``code`` names (any case, with or without ``#``), or None."""
    code = (code or "").strip().lstrip("#").upper()
    if len(code) < MIN_LENGTH or any(char not in ALPHABET for char in code):
        return None
    value = 0
    for char in code:
        value = value * BASE + ALPHABET.index(char)
    modulus = BASE ** len(code)
    lead_id = value * pow(SPREAD, -1, modulus) % modulus
    return lead_id if lead_id and _length(lead_id) == len(code) else None


def split_code(text):
    """``(lead_id, rest)``: the lead a reply names first, if any, and the rest of the text.

    A first word that is not a valid code is left in the text (``(None, text)``).
    """
    match = CODE_RE.match(text or "")
    if match:
        lead_id = decode(match.group(1))
        if lead_id:
            return lead_id, text[match.end():].strip()
    return None, (text or "").strip()


def command(text):
    """The command a reply is (``CLAIM``, ``PASS``...), ``MESSAGE`` for anything else."""
    return COMMANDS.get(normalise(text).rstrip(" !."), MESSAGE)
