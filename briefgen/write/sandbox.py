"""The sandbox a user's template runs in: jinja2's, plus one size policy.

jinja2's sandbox refuses Python internals (``''.__class__``) and ranges over
100 000 items, but a template can still ask for text far too large to hold:
``'x' * 10**10``, ``ns.s = ns.s ~ ns.s`` in a loop, ``'%*s' % (10**9, '')``,
``'x'|center(10**10)``, ``big|replace('', big)``, ``items|join(big)``.

The policy, one for every way of building text or a list: **no operation a
template runs may build more than MAX_TEMPLATE_SIZE characters or items.**  The
size of each result is worked out from its inputs *before* it is built (a check
afterwards would come too late: memory would already be gone), and an operation
over the limit is refused with a SecurityError naming it and the limit, which
narrative.py reports as a one-line message naming the template and the macro.
Every value a template holds was built under the policy, so counting an input's
size is itself bounded (``_text_size`` stops counting past the limit).
"""
from __future__ import annotations

import inspect
import re
from itertools import islice
from string import Formatter
from typing import Any, Callable, Iterable

from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template, TemplateModule
from jinja2.nodes import Concat
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

#: The most characters or items any one template operation may build; a brief's
#: sentence is far shorter, and a whole narrative module is a few thousand characters.
MAX_TEMPLATE_SIZE = 1_000_000
#: The most items a template's range() may loop over (jinja2's sandbox has the same figure).
MAX_RANGE = 100_000


def refuse(what: str, size: int) -> None:
    """The one check: ``what`` would build ``size`` characters or items."""
    if size > MAX_TEMPLATE_SIZE:
        raise SecurityError(f"{what} would build {size} characters or items; templates may build at "
                            f"most {MAX_TEMPLATE_SIZE}")


def _text_size(value: Any, budget: int = MAX_TEMPLATE_SIZE) -> int:
    """At least the length of ``str(value)``, counted exactly up to ``budget`` and then no further.

    Stopping early keeps the count cheap: a list of a million references to one long
    text is refused after a step or two, not after adding up 10**12."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() * 30103 // 100000 + 2     # digits, without making the text
    if isinstance(value, float):
        return 24
    if isinstance(value, Namespace):
        value = value._Namespace__attrs      # type: ignore[attr-defined]  # its repr shows them
    if isinstance(value, dict):
        value = [item for pair in value.items() for item in pair]
    if isinstance(value, (list, tuple, set, frozenset)):
        total = 2
        for item in value:
            total += _text_size(item, budget - total) + 4    # quotes and ", " in the repr
            if total > budget:
                break
        return total
    return len(str(value))   # macros, undefined values, dates: short, fixed texts


def _sequence_size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _items(value: Any, what: str) -> list:
    """An iterable's items, refused before a million-and-one are held."""
    items = list(islice(iter(value), MAX_TEMPLATE_SIZE + 1))
    refuse(what, len(items))
    return items


def _widths(spec: str) -> int:
    """The widths and precisions written into a format, added up: what padding can add."""
    return sum(int(n) for n in re.findall(r"\d+", spec))


def _int_args(args: Iterable[Any]) -> int:
    """What ints given as ``*`` or nested ``{}`` widths could add to a format's length."""
    return sum(abs(a) for a in args if isinstance(a, int) and not isinstance(a, bool))


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?.")


def percent_size(fmt: str, args: Any) -> int:
    """How long ``fmt % args`` can be at most."""
    values = list(args.values()) if isinstance(args, dict) else list(args) if isinstance(args, tuple) else [args]
    specs = _PERCENT_SPEC.findall(fmt)
    size = len(fmt) + sum(_text_size(v) for v in values) + sum(_widths(s) for s in specs)
    if any("*" in s for s in specs):
        size += _int_args(values)
    return size


def format_size(fmt: str, args: tuple, kwargs: dict) -> int:
    """How long ``fmt.format(*args, **kwargs)`` can be at most."""
    values = [*args, *kwargs.values()]
    try:
        specs = [spec or "" for _, _, spec, _ in Formatter().parse(fmt)]
    except ValueError:
        return len(fmt)          # str.format will report the broken format itself
    size = len(fmt) + sum(_text_size(v) for v in values) + sum(_widths(s) for s in specs)
    if any("{" in s for s in specs):
        size += _int_args(values)
    return size


def _replace_size(s: Any, old: Any, new: Any, count: Any = None) -> int:
    s, old, new = str(s), str(old), str(new)
    hits = len(s) + 1 if old == "" else s.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(s) + hits * max(len(new) - len(old), 0)


def _join_size(items: list, joiner: Any) -> int:
    total, budget = 0, MAX_TEMPLATE_SIZE
    for item in items:
        total += _text_size(item, budget - total)
        if total > budget:
            return total
    return total + max(len(items) - 1, 0) * len(str(joiner))


def _indent_size(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> int:
    s = str(s)
    pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    return len(s) + (s.count("\n") + 1) * max(pad, 0)


#: How big each filter's result can be, from the filter's own arguments (by name).
_FILTER_SIZES: dict[str, Callable[[dict], int]] = {
    "format": lambda a: percent_size(str(a["value"]), a["kwargs"] or a["args"]),
    "center": lambda a: max(len(str(a["value"])), a["width"] if isinstance(a["width"], int) else 0),
    "indent": lambda a: _indent_size(a["s"], a["width"]),
    "replace": lambda a: _replace_size(a["s"], a["old"], a["new"], a["count"]),
    "wordwrap": lambda a: len(str(a["s"])) * (1 + len(str(a["wrapstring"] or "\n"))),
    "batch": lambda a: a["linecount"] if a["fill_with"] is not None and isinstance(a["linecount"], int) else 0,
    "truncate": lambda a: len(str(a["s"])) + len(str(a["end"])),
}

#: The same for str methods a template can call; each takes (text, *args, **kwargs).
_METHOD_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda s, width=0, *_: max(len(s), width if isinstance(width, int) else 0),
    "ljust": lambda s, width=0, *_: max(len(s), width if isinstance(width, int) else 0),
    "rjust": lambda s, width=0, *_: max(len(s), width if isinstance(width, int) else 0),
    "zfill": lambda s, width=0: max(len(s), width if isinstance(width, int) else 0),
    "expandtabs": lambda s, tabsize=8: len(s) * max(tabsize if isinstance(tabsize, int) else 8, 1),
    "replace": _replace_size,
}


def _checked_filter(name: str, original: Callable, size: Callable[[dict], int] | None) -> Callable:
    signature = inspect.signature(original)
    passes_context = getattr(original, "jinja_pass_arg", None) is not None

    def checked(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        if name == "join":
            items = _items(arguments["value"], "the filter 'join'")
            shown = items
            if arguments.get("attribute") is not None:
                from jinja2.filters import make_attrgetter

                getter = make_attrgetter(args[0].environment, arguments["attribute"])
                shown = [getter(item) for item in items]
            refuse("the filter 'join'", _join_size(shown, arguments["d"]))
            args = (args[0], items, *args[2:]) if passes_context else (items, *args[1:])
        elif size is not None:
            refuse(f"the filter '{name}'", size(arguments))
        return original(*args, **kwargs)

    for attribute in ("jinja_pass_arg", "jinja_async_variant"):
        if hasattr(original, attribute):
            setattr(checked, attribute, getattr(original, attribute))
    return checked


class _TextBuffer(list):
    """Where a macro or block collects its output (jinja2: a plain list): the output so far is
    kept under the limit, so a loop writing a long text again and again is stopped early."""

    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def append(self, text: Any) -> None:
        self.size += len(text)
        refuse("the output", self.size)
        super().append(text)

    def extend(self, texts: Iterable[Any]) -> None:
        for text in texts:
            self.append(text)


class _SizedCodeGenerator(CodeGenerator):
    """jinja2's code generator, with ``~`` and every output buffer sent through the size check."""

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.text_buffer()")

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        markup = "context.eval_ctx.autoescape" if frame.eval_ctx.volatile else repr(bool(frame.eval_ctx.autoescape))
        self.write("environment.join_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(f"), {markup})")


class _SizedTemplate(Template):
    """A template whose top level (run once, to make the module of macros) is sized too."""

    def make_module(self, vars: Any = None, shared: bool = False, locals: Any = None) -> TemplateModule:
        context = self.new_context(vars, shared, locals)
        body = _TextBuffer()
        body.extend(self.root_render_func(context))
        return TemplateModule(self, context, body)


def _range(*args: int) -> range:
    items = range(*args)
    if len(items) > MAX_RANGE:
        raise SecurityError(f"range() would loop over {len(items)} items; templates may loop over "
                            f"at most {MAX_RANGE}")
    return items


class Sandbox(SandboxedEnvironment):
    """jinja2's sandbox with MAX_TEMPLATE_SIZE applied to every operation that builds text
    or a list: ``+ * ~ %``, the filters ``format center indent replace join batch wordwrap
    truncate``, the str methods that pad or replace, list growth, ``str.format`` and the
    joining of a macro's or block's output; plus briefgen's range() and power limits."""

    intercepted_binops = frozenset({"*", "+", "**", "%"})
    code_generator_class = _SizedCodeGenerator
    template_class = _SizedTemplate

    def __init__(self, **options: Any):
        super().__init__(finalize=self.output, **options)
        self.globals["range"] = _range   # briefgen's limit, in briefgen's words
        for name in (*_FILTER_SIZES, "join"):      # join's size is worked out from its items
            self.filters[name] = _checked_filter(name, self.filters[name], _FILTER_SIZES.get(name))

    text_buffer = _TextBuffer

    @staticmethod
    def output(value: Any) -> Any:
        """What ``{{ value }}`` prints (jinja2's ``finalize``): sized before it becomes text."""
        refuse("'{{ }}'", _text_size(value))
        return value

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """A whole template's output, as rendered (macros' and blocks' go through text_buffer)."""
        buffer = _TextBuffer()
        buffer.extend(parts)
        return "".join(buffer)

    def join_text(self, parts: tuple, markup: bool) -> str:
        """``a ~ b ~ ...``: sized from its parts before any is turned into text."""
        refuse("'~'", _join_size(list(parts), ""))
        return markup_join(parts) if markup else str_join(parts)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Refuse at once, in briefgen's words, rather than hand back an "unsafe" undefined.
        if not super().is_safe_attribute(obj, attr, value):
            raise SecurityError(f"it reaches for '{attr}' of a {type(obj).__name__} value; templates may "
                                "not use names starting with '_' or Python internals")
        return True

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                refuse("'+'", _sequence_size(left) + _sequence_size(right))
        elif operator == "*":
            if isinstance(left, int) and isinstance(right, (str, list, tuple)):
                left, right = right, left
            if isinstance(left, (str, list, tuple)) and isinstance(right, int):
                refuse("'*'", len(left) * right)
        elif operator == "%":
            if isinstance(left, str):
                refuse("'%'", percent_size(left, right))
        elif isinstance(left, int) and isinstance(right, (int, float)) and abs(left) > 1 \
                and right * max(left.bit_length(), 1) > 64 * 1024:
            raise SecurityError(f"{left} ** {right} is too large a number for a template")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (jinja2's signature)
        # jinja2 hands str.format over wrapped (its own format check); size the method inside.
        method = getattr(__obj, "__wrapped__", __obj)
        owner = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        if isinstance(owner, str):
            if name in _METHOD_SIZES:
                refuse(f"the method '{name}'", _METHOD_SIZES[name](owner, *args, **kwargs))
            elif name == "join" and args:
                items = _items(args[0], "the method 'join'")
                refuse("the method 'join'", _join_size(items, owner))
                args = (items, *args[1:])
            elif name in ("format", "format_map"):
                mapping = (args[0] if args and isinstance(args[0], dict) else {}) if name == "format_map" else kwargs
                refuse(f"the method '{name}'", format_size(owner, args if name == "format" else (), mapping))
        elif isinstance(owner, list) and name in ("append", "extend", "insert"):
            added = len(args[0]) if name == "extend" and isinstance(args[0] if args else None, (list, tuple, str)) else 1
            refuse(f"the method '{name}'", len(owner) + added)
        return super().call(__context, __obj, *args, **kwargs)
