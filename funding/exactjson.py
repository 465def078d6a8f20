"""JSON with exact decimals both ways: numbers are read as Decimal and written back digit for digit.

360Giving amounts are JSON numbers; reading them through float would change public money (ticket-sales.md
asks the same of sales). The standard library has no switch to write a Decimal as a number, so decimals
are written as marked strings and the marks removed from the final text.
"""
import json
import re
from decimal import Decimal

_MARK = "@@exact-decimal@@"
_MARKED = re.compile(r'"' + _MARK + r'(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"')


class ExactJSONEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return f"{_MARK}{o}"
        return super().default(o)

    def encode(self, o):
        text = "".join(json.JSONEncoder.iterencode(self, o, _one_shot=True))
        return _MARKED.sub(r"\1", text)

    def iterencode(self, o, _one_shot=False):
        yield self.encode(o)


class ExactJSONDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)


def dumps(value, **kwargs) -> str:
    return json.dumps(value, cls=ExactJSONEncoder, ensure_ascii=False, **kwargs)


def loads(text: str | bytes):
    return json.loads(text, cls=ExactJSONDecoder)
