"""Batch runs: every brief a plan asks for, built in parallel into one edition folder.

A plan (TOML, or a dict from Python) lists brief specs whose fields may be
lists or "all"; :func:`load_plan` checks the whole plan against the library
and reports every problem at once, before anything is written.

:func:`run_batch` then builds the briefs into ``OUTPUT/<edition>/`` and keeps
``manifest.json`` there: for each file its spec, path, sha256, size and the
fingerprint of everything that went into it.  A rerun rebuilds only what
changed (make-style); ``shard`` splits the work across machines; ``as_of`` and
``since`` make editions of the content as it stood on a date, with a "What's
new" section measured against a previous edition's manifest.

The main process decides, writes and keeps the manifest; worker processes only
compose and render, each with the library loaded once.  Every write is atomic
and each brief's entries are appended, under a file lock, to the manifest's
journal (journal.py), which is folded into the manifest as it grows and when the
run ends, so an interrupted run leaves a manifest that matches the disk.

The modules, in the order a run passes through them: ``plan`` (reading and
checking the plan, shards), ``manifest`` (what each file was built from, and the
manifest that records it), ``run`` (deciding what to build and building it, here
or in a pool), ``workers`` (the builder each worker process keeps) and ``report``
(what the caller is told, the progress line, stopping).
"""
from __future__ import annotations

from ..locking import LOCK_NAME
from .manifest import MANIFEST, changed_since, content_hashes, merge_manifests, read_manifest
from .plan import FORMATS, Job, Plan, load_plan, parse_shard, shard_jobs
from .report import BatchReport, Failure
from .run import LARGE_EDITION, STALE_TEMP_SECONDS, max_jobs, run_batch
from .workers import Builder

__all__ = ["run_batch", "load_plan", "merge_manifests", "parse_shard", "shard_jobs", "Plan", "Job",
           "BatchReport", "Failure", "Builder", "MANIFEST", "LOCK_NAME", "FORMATS", "LARGE_EDITION",
           "STALE_TEMP_SECONDS", "max_jobs", "read_manifest", "changed_since", "content_hashes"]
