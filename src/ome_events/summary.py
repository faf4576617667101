"""Reading the ``Key: value`` fields out of an event's one-line summary. Best effort.

OME's summaries look like ``Stream created. Id: 103, StreamType: Rtmp, SourceUrl: TCP://...``:
a sentence, then fields separated by ``", "``. The separator is not escaped, so a value that
contains ``", "`` (a URL with a comma) could be cut in two. We only start a new field where
``", "`` (or ``". "``) is followed by a short capitalised-looking key and ``": "``, which keeps
``rtmp://h/app/a,b`` and ``x, y`` whole. Values may be empty (``StreamKey: ``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["summary_fields", "summary_message"]

# A key: one to three words of letters, digits, '_' or '-', starting with a letter, right after
# the start of the summary or a ". " / ", " separator, and followed by ":" and an optional space.
_KEY = re.compile(r"(?:^|(?<=[.,] ))([A-Za-z][\w-]*(?: [A-Za-z][\w-]*){0,2}):(?: |$)")

_EMPTY: Mapping[str, str] = MappingProxyType({})


def summary_fields(summary: str) -> Mapping[str, str]:
    """Return the fields of a summary, in order; the first of a repeated key wins.

    >>> dict(summary_fields("Stream created. Id: 103, StreamType: Rtmp, SourceUrl: TCP://h:1"))
    {'Id': '103', 'StreamType': 'Rtmp', 'SourceUrl': 'TCP://h:1'}
    >>> dict(summary_fields("PushPublishing started. Id: Jw, Url: rtmp://h/a,b, StreamKey: "))
    {'Id': 'Jw', 'Url': 'rtmp://h/a,b', 'StreamKey': ''}
    """
    matches = list(_KEY.finditer(summary))
    if not matches:
        return _EMPTY
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(summary)
        value = summary[match.end() : end]
        if index + 1 < len(matches):
            value = value[:-2]  # the ", " or ". " before the next key
        fields.setdefault(match.group(1), value.rstrip())
    return MappingProxyType(fields)


def summary_message(summary: str) -> str:
    """Return the leading sentence of a summary, without fields or final period.

    >>> summary_message("Stream created. Id: 103, StreamType: Rtmp")
    'Stream created'
    """
    match = _KEY.search(summary)
    head = summary if match is None else summary[: match.start()]
    return head.rstrip().rstrip(".,").rstrip()
