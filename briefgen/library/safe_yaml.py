"""Read one content file's YAML safely, with briefgen's own limits and briefgen's own words.

PyYAML (and the libyaml inside it) has limits of its own, and words them
differently from one release to the next: one release stops ten thousand nested
lists with "exceeded maximum nesting depth", another runs out of Python stack.
So briefgen enforces every limit it promises itself, before or after the parser,
and says what is wrong in one sentence whatever version is installed:

- characters YAML cannot hold (NUL and other control characters),
- nesting deeper than content ever needs (:data:`MAX_DEPTH`),
- anchors and aliases (``&name`` / ``*name``: the "billion laughs" file).

Only a plain syntax error quotes the parser, inside briefgen's own sentence.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import yaml

#: How deep lists and mappings may nest.  Content is a list of records (1), each a
#: mapping of fields (2) whose values are text or lists (3), at most a list of
#: author mappings (4); the rest is headroom.  Far below any parser's own limit,
#: so briefgen's check always comes first.
MAX_DEPTH = 20

# What the YAML reader refuses as raw characters (YAML 1.1 "printable"): C0 controls
# other than tab and line breaks, DEL, C1 controls other than NEL, and U+FFFE/U+FFFF.
# An escaped "\x01" in double quotes is YAML's and reaches the field checks instead.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

# libyaml's parser is about eight times faster than PyYAML's pure-Python one and
# dominated loading the library; the constructor (safe, Python) is the same either way.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Refused(Exception):
    """The file cannot be content: ``reason`` says why and what to do, ``line`` where (or 0)."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def too_deep(line: int) -> Refused:
    return Refused(line, f"lists or mappings are nested more than {MAX_DEPTH} deep, too deeply to be "
                         "content; a record is one mapping of fields: flatten it")


def _alias(line: int) -> Refused:
    return Refused(line, "the value here is repeated elsewhere with a YAML anchor and alias "
                         "(&name ... *name); content files may not use them: write the value out in full")


class _LineLoader(_SafeBase):  # type: ignore[misc,valid-type]
    """SafeLoader (no object construction, no aliases, bounded depth) that remembers each mapping's line."""

    def get_single_data(self) -> Any:
        # An alias repeats a node without copying it, so nested aliases make a few lines
        # stand for billions of items as soon as anything walks or prints them.  Content
        # never needs them: refuse, like excessive depth, before building anything.
        node = self.get_single_node()
        if node is None:
            return None
        _check_tree(node)
        return self.construct_document(node)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    # YAML keeps the last of two equal keys without a word: a field written twice is a
    # mistake the curator must see (which of the two did they mean?).
    first: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
        line = key_node.start_mark.line + 1
        if key in first:
            raise Refused(line, f"the field '{key}' appears twice in one record (lines {first[key]} and "
                                f"{line}); keep one")
        first[key] = line
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: "2026-05-13" is a date as the curator wrote it, not a datetime.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_tree(root: yaml.Node) -> None:
    """Refuse a node reached twice (that is what an alias is) or nested deeper than MAX_DEPTH."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise _alias(node.start_mark.line + 1)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            continue
        if depth > MAX_DEPTH:
            raise too_deep(node.start_mark.line + 1)
        stack += ((child, depth + 1) for child in children)


def _first_too_deep(text: str) -> int:
    """The line where nesting first passes MAX_DEPTH, reading parser events; 0 if it never does.

    Only called once the parser has failed: the event stream is read without building
    anything and stopped at briefgen's limit, so whatever the parser's own limit or its
    wording, a file that is too deep gets briefgen's message.  PyYAML's pure-Python
    parser is used because libyaml's scanner looks ahead through every open bracket,
    and so meets its own nesting limit before it has emitted a single event."""
    depth = 0
    events: Iterator[yaml.Event] = yaml.parse(text, Loader=yaml.SafeLoader)
    try:
        for event in events:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        pass
    return 0


def load(text: str) -> Any:
    """The data in one YAML document, each mapping with its line under ``__line__``.

    Raises :class:`Refused` for anything that cannot be content."""
    bad = _UNREADABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise Refused(line, f"contains control character U+{ord(bad.group()):04X}, which content "
                            "files may not contain; remove it")
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except Refused:
        raise
    except (yaml.YAMLError, RecursionError) as e:
        deep = _first_too_deep(text)
        if deep:
            raise too_deep(deep) from None
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or e
        raise Refused(mark.line + 1 if mark else 0, f"not valid YAML ({problem}); fix the syntax") from None
