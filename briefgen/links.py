"""The one safe-link policy: which addresses a brief may make live.

A source's ``url`` is checked when content loads (:func:`unsafe` gives the
reason to print), and every writer asks :func:`safe` before making a link, so
a link that reaches a writer some other way (a user's template) is held to the
same rule.  Only absolute ``http``/``https`` addresses with a host, and
``mailto:``, are links: ``javascript:``, ``data:``, ``file:``, relative paths
and Windows UNC paths (``\\\\host\\share``, which Word on Windows opens as an
SMB connection) are not.  Where a link is refused its text is still printed.
"""
from __future__ import annotations

import re

from . import characters

SCHEMES = ("http", "https", "mailto")
ADVICE = "give an address starting http://, https:// or mailto:"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HOST = re.compile(r"//[^/?#@\s]*@?[^/?#\s]+")


def _as_seen(url: str) -> str:
    # Browsers and Word delete tabs and newlines anywhere in a URL ("java\tscript:" is
    # javascript:) and spaces and controls at its ends, so the rule judges what they see.
    return characters.strip(re.sub(r"[\t\n\r]", "", url)).strip("".join(map(chr, range(33))))


def unsafe(url: str) -> str | None:
    """Why ``url`` may not be a link, or None when it may."""
    seen = _as_seen(url)
    if not seen:
        return "is empty"
    if "\\" in seen:
        return f"{url!r} contains a backslash (a Windows path or UNC share is not a web address)"
    match = _SCHEME.match(seen)
    if not match:
        return f"{url!r} is not an absolute address (no scheme)"
    scheme = match.group(1).lower()
    if scheme not in SCHEMES:
        return f"{url!r} uses the scheme '{scheme}:', which a reader cannot follow safely"
    rest = seen[match.end():]
    if scheme == "mailto":
        return None if "@" in rest else f"{url!r} has no e-mail address after 'mailto:'"
    if not _HOST.match(rest):
        return f"{url!r} names no host (write it as {scheme}://host/path)"
    return None


def safe(url: str | None) -> str | None:
    """``url`` as a reader's tool will see it, when it may be a link; else None."""
    if not url or unsafe(url):
        return None
    return _as_seen(url)
