"""Make one brief as bytes, without writing a file.

    python examples/one_brief_in_memory.py

Useful in a web service or a notebook: the PDF (or Word, Markdown, HTML) comes
back as bytes to send, attach or store wherever you like.
"""
import briefgen

pdf = briefgen.make("suqian", audience="government", length="short", format="pdf")
print(f"PDF brief on Suqian: {len(pdf):,} bytes, starts with {pdf[:5]!r}")

# Compose once, render twice: the same Brief in two formats.
lib = briefgen.load_library()
spec = briefgen.BriefSpec(region="宿迁", lang="zh", length="short")
brief = briefgen.compose(spec, lib)
markdown = briefgen.render(brief, "md").decode("utf-8")
docx = briefgen.render(brief, "docx")
print(f"Chinese title: {brief.meta.title}")
print(f"Markdown: {len(markdown):,} characters; Word: {len(docx):,} bytes")
print(markdown.split("\n---\n", 1)[-1][:400])
