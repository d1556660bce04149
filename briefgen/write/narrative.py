"""The narrative wording: jinja2 macros in templates/<lang>/narrative.j2.

Offices change the words by copying that file into their own folder and passing
``--templates DIR``; a file there wins over the built-in one of the same name.
User templates run in jinja2's sandbox with StrictUndefined, so a template can
neither reach into Python nor leave a silent blank in a published brief.
"""
from __future__ import annotations

import functools
import re
import threading
from pathlib import Path
from typing import Any

from jinja2 import (ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, UndefinedError)
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing

from ..errors import BriefgenError
from ..folders import template_loader
from ..paths import data_dir
from .sandbox import Sandbox

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# Chinese: no space between two Chinese characters (or next to full-width
# punctuation); a space between Chinese and a Latin word or figure is kept.
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])|(?<=[\u3000-\u303f\uff00-\uffef])\s+|\s+(?=[\u3000-\u303f\uff00-\uffef])")
_lock = threading.Lock()


_CITATION = re.compile(r"(\[[^\[\]]*\])")


def tidy(text: str, lang: str) -> str:
    """Collapse template whitespace; in Chinese, no spaces next to Chinese characters,
    except inside a citation mark, which quotes the source's heading as printed
    ("[1, 枢纽天成 才路待通, 第3段]", as in the marks the writers link)."""
    text = " ".join(str(text).split())
    if lang == "zh":
        text = "".join(part if n % 2 else _SPACE_NEAR_CJK.sub("", part)
                       for n, part in enumerate(_CITATION.split(text)))
    return text


class Phrases:
    """The macros of one language's narrative template, called like functions.

    ``phrases.title(region=..., ...)`` returns tidied text; ``phrases.names("horizon_names")``
    returns one of the template's lookup tables."""

    def __init__(self, module: Any, lang: str, origin: str, builtin: "Phrases | None" = None):
        self._module = module
        self._lang = lang
        self._origin = origin
        # A user's template written for an earlier briefgen lacks the macros added since;
        # those sentences come in the built-in wording until the user copies them.
        self._builtin = builtin

    def __getattr__(self, name: str):
        macro = getattr(self._module, name, None)
        if (macro is None or not callable(macro)) and self._builtin is not None:
            return getattr(self._builtin, name)
        if macro is None or not callable(macro):
            raise BriefgenError(f"template {self._origin} has no macro '{name}'; copy it from the "
                                "built-in templates/ folder and change only the words")

        def call(*args: Any, **kwargs: Any) -> str:
            try:
                return tidy(macro(*args, **kwargs), self._lang)
            except TemplateNotFound as e:
                raise BriefgenError(f"template {self._origin}, macro '{name}': it includes '{e.name}', "
                                    "which is not a template in the templates folder") from None
            except TemplateError as e:
                raise BriefgenError(f"template {self._origin}, macro '{name}': {e}") from None
            except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError,
                    MemoryError) as e:
                # A user's template is a small program: 1/0, a macro calling itself or
                # 'x' * 10**9 is its author's mistake, reported like any other.
                raise BriefgenError(f"template {self._origin}, macro '{name}': "
                                    f"{_describe(e)}") from None

        return call

    def names(self, table: str) -> dict[str, str]:
        value = getattr(self._module, table, None)
        if value is None and self._builtin is not None:
            return self._builtin.names(table)
        if not isinstance(value, dict):
            raise BriefgenError(f"template {self._origin} does not set the table '{table}'")
        return value

    def split(self, name: str, *args: Any, **kwargs: Any) -> list[str]:
        """A macro whose text is a '|'-separated list (table headers, labels)."""
        return [part.strip() for part in getattr(self, name)(*args, **kwargs).split("|")]


def _shown(user_dir: str | None, name: str) -> str:
    """The template file a message should name: the user's copy if there is one."""
    if user_dir and (Path(user_dir) / name).is_file():
        return str(Path(user_dir) / name)
    return name


def _describe(error: BaseException) -> str:
    """briefgen's own sentence for a template's Python-level mistake (Python's words only in brackets)."""
    if isinstance(error, RecursionError):
        return "a macro calls itself without end"
    if isinstance(error, MemoryError):
        return "it tries to build text too large to hold in memory"
    if isinstance(error, ZeroDivisionError):
        return "it divides by zero"
    return f"its code fails ({type(error).__name__}: {error}); fix the template"


class _Undefined(StrictUndefined):
    """StrictUndefined whose message is briefgen's: which name was missing, and what to do."""

    __slots__ = ()

    def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                 exc: type = UndefinedError):
        if hint is None and name is not None:
            hint = (f"it uses '{name}', which is not defined there; check the spelling against the "
                    "built-in template" if obj is missing else
                    f"it asks for '{name}' of a {type(obj).__name__} value, which has none")
        super().__init__(hint, obj, name, exc)


def templates_version(user_dir: str | Path | None) -> tuple:
    """Every file of a user's templates folder with its size and modification time.

    It changes when a template is edited, added or removed, so a long-lived process
    (the Python API called again, ``briefgen serve``) compiles the edited templates
    instead of the ones it read first.  The built-in templates ship with briefgen and
    do not change while it runs."""
    if not user_dir:
        return ()
    folder = Path(user_dir)
    try:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        return tuple((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    except OSError:
        return ()          # a file vanished mid-save: the next call sees the new one


@functools.lru_cache(maxsize=8)
def _environment(user_dir: str | None, version: tuple = ()) -> SandboxedEnvironment:
    # One environment per version of the folder: jinja2 would re-read an edited file, but not
    # always the files it includes, so an edit starts afresh.
    loaders = []
    if user_dir:
        loaders.append(template_loader(user_dir))    # no links out of the folder (briefgen/folders.py)
    loaders.append(FileSystemLoader(str(data_dir("templates"))))
    # Compiled templates are kept between processes (compiled.py): compiling both
    # languages' narrative was a tenth of a cold brief.
    from .compiled import CompiledTemplates

    return Sandbox(loader=ChoiceLoader(loaders), undefined=_Undefined, bytecode_cache=CompiledTemplates(),
                   autoescape=False, trim_blocks=True, lstrip_blocks=True)


def phrases(lang: str, user_dir: str | None = None) -> Phrases:
    """The compiled narrative macros for ``lang``, compiled again when the templates change."""
    return _phrases(lang, user_dir, templates_version(user_dir))


@functools.lru_cache(maxsize=16)
def _phrases(lang: str, user_dir: str | None, version: tuple) -> Phrases:
    if user_dir and not Path(user_dir).is_dir():
        raise BriefgenError(f"templates folder not found: {user_dir}")
    name = f"{lang}/narrative.j2"
    with _lock:  # jinja2 compiles lazily; one thread at a time builds the module
        env = _environment(user_dir, version)
        try:
            template = env.get_template(name)
            module = template.module
        except TemplateNotFound:
            raise BriefgenError(f"no template {name} in {user_dir or data_dir('templates')}") from None
        except TemplateError as e:
            line = getattr(e, "lineno", None)
            where = (getattr(e, "filename", None) or _shown(user_dir, name)) + (f":{line}" if line else "")
            raise BriefgenError(f"template {where}: {e.message if hasattr(e, 'message') else e}") from None
        except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError, MemoryError) as e:
            # The template's top level ({% set %} tables) runs here, once.
            raise BriefgenError(f"template {_shown(user_dir, name)}: {_describe(e)}") from None
    own = user_dir is not None and template.filename is not None and \
        Path(template.filename).resolve().is_relative_to(Path(user_dir).resolve())
    return Phrases(module, lang, template.filename or name, _phrases(lang, None, ()) if own else None)
