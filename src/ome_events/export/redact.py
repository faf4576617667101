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

# IPv4: four decimal octets wherever they stand: glued to letters (x203.0.113.13), with
# leading zeros (203.000.113.014). Octets are checked when replaced (at most 255). Text with
# percent escapes (rtmp%3A%2F%2F203.0.113.40, 203%2E0%2E113%2E40, 2001%3Adb8%3A%3A1) is
# searched decoded, and the addresses replaced where they stand in the original.
_IPV4 = r"(?<!\d)\d{1,3}(?:\.\d{1,3}){3}(?!\d)"
# IPv6 candidates: hex groups and colons (at least two), optionally ending in an embedded
# IPv4 (an IPv4-mapped address) and a zone. Every candidate is checked with the ipaddress
# module, so times such as "10:00:07" are not taken for addresses; one glued to a word must
# hold a digit, so C++ names such as "ov::Converter" are not either.
_IPV6 = (
    r"(?<![0-9A-Fa-f:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:%[A-Za-z0-9-]+)?(?![0-9A-Fa-f:]|\.\d)"
)
_ADDRESS = re.compile(f"(?P<v6>{_IPV6})|(?P<v4>{_IPV4})")
_ESCAPE = re.compile(r"%([0-7][0-9A-Fa-f])")  # an ASCII character, percent-encoded


def _decoded(text: str) -> tuple[str, list[int]]:
    """The text with its ASCII percent escapes decoded, and where each decoded character
    (and the end) stands in the original."""
    out: list[str] = []
    where: list[int] = []
    position = 0
    for match in _ESCAPE.finditer(text):
        for index in range(position, match.start()):
            out.append(text[index])
            where.append(index)
        out.append(chr(int(match.group(1), 16)))
        where.append(match.start())
        position = match.end()
    for index in range(position, len(text)):
        out.append(text[index])
        where.append(index)
    where.append(len(text))
    return "".join(out), where


def _address(match: re.Match[str]) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a match stands for, or None when it is not one (an octet over 255, a
    name such as ov::Converter)."""
    found = match.group()
    if match.lastgroup == "v4":
        octets = [int(part) for part in found.split(".")]
        if max(octets) > 255:
            return None
        return ipaddress.IPv4Address(bytes(octets))
    text = match.string
    start, end = match.span()
    glued = (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())
    if glued and not any(c.isdigit() for c in found):
        return None
    try:
        address = ipaddress.ip_address(found.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address  # ::ffff:203.0.113.5: the IPv6 form keeps its own pseudonym
    return address


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
        # Every address has a '.' or a ':' (or an encoded dot, %2E); most texts without
        # them are skipped without running the expression.
        if "." not in value and ":" not in value and "%" not in value:
            return value
        if "%" not in value:
            return _ADDRESS.sub(self._replace, value)
        decoded, where = _decoded(value)
        pieces = []
        position = 0
        for match in _ADDRESS.finditer(decoded):
            pseudonym = self._replace(match)
            if pseudonym == match.group():
                continue  # not an address after all
            start, end = where[match.start()], where[match.end()]
            pieces += [value[position:start], pseudonym]
            position = end
        return "".join([*pieces, value[position:]])

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
        address = _address(match)
        if address is None:
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
