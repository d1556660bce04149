"""The structure tree of a tagged brief written as PDF objects, into reportlab's document.

:class:`~briefgen.writers.pdf_tags.Tagger` collects the tree while the pages are drawn;
here it becomes one indirect object per structure element (the ParentTree must point
at each), the ParentTree that maps every page's MCIDs and every link annotation back
to its element, an IDTree for the sources' Note elements, and ``/MarkInfo``.
"""
from __future__ import annotations

import functools

from . import pdf_objstm
from .pdf_tags import Element, Tagger


def write_tree(tagger: Tagger, doc) -> None:
    """Add the StructTreeRoot, ParentTree and MarkInfo of ``tagger``'s tree to reportlab's ``doc``."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName

    _prune(tagger.root)
    elements = list(tagger.root.elements())
    root_name = "BGStructTreeRoot"
    for i, element in enumerate(elements):
        element.name = f"BGSE{i}"
        doc.Reference(_StructElem(element, tagger), element.name)
    n_pages = len(tagger.page_names)
    nums: list = []
    for i, marks in enumerate(tagger.pages[:n_pages]):
        nums += [i, PDFArray([_ref(e.name) for e in marks])]
    for k, (link, annot_name) in enumerate(tagger.annotations):
        key = n_pages + k
        annot = doc.idToObject[annot_name]
        if isinstance(annot, PDFDictionary):
            annot["StructParent"] = key
        else:
            annot.otherkw["StructParent"] = key
        nums += [key, _ref(link.name)]
    parent_tree = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
    # The tree is hundreds of small objects: packed into compressed object streams they
    # take a fifth of the bytes (pdf_objstm), which is most of what tagging costs a file.
    tree = {"Type": PDFName("StructTreeRoot"), "K": _ref(tagger.root.name),
            "ParentTree": parent_tree, "ParentTreeNextKey": n_pages + len(tagger.annotations)}
    ids = sorted((e.attrs["ID"], e.name) for e in elements if "ID" in e.attrs)
    if ids:
        names = []
        for key, name in ids:
            names += [_string(key), _ref(name)]
        tree["IDTree"] = PDFDictionary({"Names": PDFArray(names)})
    doc.Reference(PDFDictionary(tree), root_name)
    catalog = doc.Catalog
    catalog.StructTreeRoot = _ref(root_name)
    catalog.MarkInfo = _literal(b"<< /Marked true >>")
    pdf_objstm.install(doc, [e.name for e in elements] + [parent_tree.name, root_name])


def _prune(element: Element) -> None:
    """Leave out elements nothing was drawn for (a block on no page, an empty table row)."""
    element.kids = [k for k in element.kids if not (isinstance(k, Element) and k.text_free())]
    for kid in element.kids:
        if isinstance(kid, Element):
            _prune(kid)


def _ref(name: str):
    from reportlab.pdfbase.pdfdoc import PDFObjectReference

    return PDFObjectReference(name)


def _string(text: str):
    from reportlab.pdfbase.pdfdoc import PDFString

    return PDFString(text)


@functools.lru_cache(maxsize=1)
def _pdf_object():
    from reportlab.pdfbase.pdfdoc import PDFObject

    return PDFObject


def _literal(data: bytes):
    """A PDF object whose bytes are given (reportlab has no boolean object)."""

    class Literal(_pdf_object()):
        def format(self, document):
            return data

    return Literal()


_ATTRIBUTE_OWNER = {"Scope": "Table", "ListNumbering": "List"}


def _text_string(value: str) -> str:
    """A PDF text string: literal for ASCII, else UTF-16 in hex (a third shorter than escapes)."""
    if value.isascii():
        return "(" + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") \
            .replace("\r", "\\r").replace("\n", "\\n") + ")"
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def _StructElem(element: Element, tagger: Tagger):  # noqa: N802 (a PDF object's name)
    """The structure element as a reportlab PDF object."""
    obj = _struct_elem_class()()
    obj.element, obj.tagger = element, tagger
    return obj


@functools.lru_cache(maxsize=1)
def _struct_elem_class():
    class StructElem(_pdf_object()):
        """Written compactly, without reportlab's dictionary machinery: a brief has hundreds."""

        def format(self, document):
            element, tagger = self.element, self.tagger
            numbers = document.idToObjectNumberAndVersion

            def ref(name: str) -> str:
                return "%d %d R" % numbers[name]

            parts = [f"/S/{element.role}"]
            parent = element.parent.name if element.parent is not None else "BGStructTreeRoot"
            parts.append(f"/P {ref(parent)}")
            pages = {k[0] for k in element.kids if isinstance(k, tuple)}
            page = min(pages) if pages else None
            if page is not None:
                parts.append(f"/Pg {ref(tagger.page_names[page])}")
            kids = []
            for kid in element.kids:
                if isinstance(kid, Element):
                    kids.append(ref(kid.name))
                elif isinstance(kid[1], str):     # a link annotation
                    kids.append(f"<</Type/OBJR/Obj {ref(kid[1])}/Pg {ref(tagger.page_names[kid[0]])}>>")
                elif kid[0] == page:
                    kids.append(str(kid[1]))
                else:
                    kids.append(f"<</Type/MCR/Pg {ref(tagger.page_names[kid[0]])}/MCID {kid[1]}>>")
            parts.append("/K " + (kids[0] if len(kids) == 1 else "[" + " ".join(kids) + "]"))
            owned: dict[str, list[str]] = {}
            for key, value in element.attrs.items():
                if key in _ATTRIBUTE_OWNER:
                    owned.setdefault(_ATTRIBUTE_OWNER[key], []).append(f"/{key}/{value}")
                elif value:
                    parts.append(f"/{key}{_text_string(value)}")
            for owner, pairs in owned.items():
                parts.append(f"/A<</O/{owner}{''.join(pairs)}>>")
            return ("<<" + "".join(parts) + ">>").encode("latin-1")

    return StructElem
