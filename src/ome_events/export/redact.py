"""Masking IP addresses: viewer and encoder addresses are personal data, and an export handed
to a colleague or a vendor should not carry them."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["IpRedactor"]

# IPv4: four decimal octets, not part of a longer dotted or numeric run ("1.2.3.4.5" and
# version strings with five parts are left alone).
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\d)"
# IPv6 candidates: hex groups and colons (at least two), optionally ending in an embedded
# IPv4 and a zone. Every candidate is checked with the ipaddress module, so times such as
# "10:00:07" and C++ names such as "ov::Converter" are not taken for addresses.
_IPV6 = (
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:%[\w-]+)?(?![\w:]|\.\d)"
)
_ADDRESS = re.compile(f"(?P<v4>{_IPV4})|(?P<v6>{_IPV6})")


class IpRedactor:
    """Replaces IP addresses by pseudonyms: ``ip-5f2c1a`` (IPv4) and ``ip6-09bd4e`` (IPv6).

    The same address always gets the same pseudonym within one redactor, so an export still
    shows that twenty failures came from one viewer, but the pseudonym is a keyed hash
    with a random key that is never stored: it cannot be turned back into the address
    (IPv4 is small enough to try every address against an unkeyed hash), and two exports
    cannot be linked. Pass ``key`` for pseudonyms that are stable across runs.

    Ports, hosts and the rest of the text stay. Addresses in ``0.0.0.0/8`` ("this network",
    never a host; also what a version string like ``0.18.1.2`` looks like) and the
    unspecified IPv6 address ``::`` are left alone.

    >>> redactor = IpRedactor(key=b"doc")
    >>> redactor.text("RemoteAddress: 203.0.113.66:50100, Url: rtmp://[2001:db8::7]:1935/app")
    'RemoteAddress: ip-fb9833:50100, Url: rtmp://[ip6-69eb85]:1935/app'
    >>> redactor.text("Version: 0.18.1.2, at 10:00:07, ov::Converter")
    'Version: 0.18.1.2, at 10:00:07, ov::Converter'
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else os.urandom(32)
        self._seen: dict[str, str] = {}

    def text(self, value: str) -> str:
        """The text with every IP address replaced by its pseudonym."""
        # Nearly every address has a digit and a '.' or ':'; most summaries are skipped by
        # this test without running the expression.
        if "." not in value and ":" not in value:
            return value
        return _ADDRESS.sub(self._replace, value)

    def value(self, value: Any) -> Any:
        """A decoded JSON value with the addresses in every string replaced (keys too).

        Walks the value with a stack of its own, so any depth a log can hold is fine.
        """
        if isinstance(value, str):
            return self.text(value)
        if not isinstance(value, Mapping | list | tuple):
            return value
        text = self.text
        top: Any = {} if isinstance(value, Mapping) else []
        stack: list[tuple[Any, Any]] = [(value, top)]
        while stack:
            source, target = stack.pop()
            items = source.items() if isinstance(source, Mapping) else enumerate(source)
            for key, item in items:
                if isinstance(item, str):
                    copy: Any = text(item)
                elif isinstance(item, Mapping):
                    copy = {}
                    stack.append((item, copy))
                elif isinstance(item, list | tuple):
                    copy = []
                    stack.append((item, copy))
                else:
                    copy = item
                if isinstance(target, dict):
                    target[text(str(key))] = copy
                else:
                    target.append(copy)
        return top

    def _replace(self, match: re.Match[str]) -> str:
        found = match.group()
        try:
            return self._seen[found]
        except KeyError:
            pass
        address_text = found.partition("%")[0]
        try:
            address = ipaddress.ip_address(address_text)
        except ValueError:
            return found
        if address.version == 4:
            if address in _THIS_NETWORK:
                return found
            prefix = "ip"
        else:
            if address.packed == bytes(16):
                return found
            prefix = "ip6"
        digest = hmac.new(self._key, address.packed, hashlib.sha256).hexdigest()[:6]
        self._seen[found] = pseudonym = f"{prefix}-{digest}"
        return pseudonym


_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
