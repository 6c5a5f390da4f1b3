"""Whether an answer is right: one rule, used when grading and when showing results."""
from __future__ import annotations

import unicodedata


def normal_text(text) -> str:
    """Fill-in answers compare without regard to width, case or spaces."""
    return unicodedata.normalize("NFKC", str(text)).strip().lower().replace(" ", "")


def is_correct(question, answer) -> bool:
    if answer in (None, "", []):
        return False
    if question.kind == "fill":
        given = normal_text(answer)
        return any(given == normal_text(accepted) for accepted in question.answer)
    if question.kind == "multiple":
        return sorted(answer) == sorted(question.answer)
    return [answer] == list(question.answer)
