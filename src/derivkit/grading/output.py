"""What derivkit writes for people and programs is always valid UTF-8 and safe to print.

Input may hold anything: lone surrogates (a JSON ``"\\ud800"``, or an invalid byte kept by
``surrogateescape``), terminal escape sequences, right-to-left overrides. Everything a
command writes goes through one of two functions here, so no writer has to think of it:

* :func:`json_line` for JSON (``--json``, ``--batch`` lines): standard JSON (no NaN or
  Infinity; a non-finite float becomes the string ``"NaN"``/``"Infinity"``), with every
  code point that cannot be encoded or that a terminal would act on written as a ``\\uXXXX``
  escape, which decodes back to the same string.
* :func:`printable` for text: the same code points as ``\\xNN``/``\\uXXXX``; an invalid
  byte kept by surrogateescape shows as the byte (``\\xff``).
"""

from __future__ import annotations

import json
import math
import re

#: Code points never written raw: C0 controls but tab and newline, DEL and C1 controls,
#: bidirectional controls (ALM, LRM, RLM, LRE..RLO, LRI..PDI), line and paragraph
#: separators, and surrogates (which UTF-8 cannot encode).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}]")
_UNSAFE_JSON = re.compile(f"[{_UNSAFE}]")  # json.dumps has escaped C0 already; the rest is here


def _text_escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control, bidirectional and unencodable characters escaped (newlines and
    tabs kept), so that printing it cannot fail or move the terminal's cursor."""
    return _UNSAFE_TEXT.sub(_text_escape, text)


def _standard(value: object) -> object:
    """``value`` with non-finite floats as strings (JSON has no NaN or Infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _standard(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_standard(v) for v in value]
    return value


def json_line(value: object, indent: int | None = None) -> str:
    """``value`` as standard JSON text that encodes to valid UTF-8 and prints safely."""
    text = json.dumps(_standard(value), ensure_ascii=False, allow_nan=False, indent=indent)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


__all__ = ["json_line", "printable"]
