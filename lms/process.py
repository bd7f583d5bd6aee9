"""Process start-up shared by every server process (gunicorn, Daphne, Celery).

``freeze_loaded_heap`` moves everything loaded at start-up (Django, Wagtail,
WeasyPrint: a few hundred thousand objects) out of the garbage collector's
reach. Python's own advice for servers that fork; here the reason is the
stop: at exit the interpreter collects the whole heap once more, and that
took 2.5 s on an idle two-core machine and up to 8 s under load — a
supervisor's 10 s between SIGTERM and SIGKILL went on a garbage collection.
"""

from __future__ import annotations

import gc


def freeze_loaded_heap() -> None:
    gc.collect()
    gc.freeze()
    # A started server process is also when stale per-process metrics go.
    from lms.observability import forget_dead_processes

    forget_dead_processes()
