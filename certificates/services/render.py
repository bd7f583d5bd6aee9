"""The certificate PDF: rendered once, stored atomically, the other paper on demand."""

import os
import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from ..models import (
    Certificate,
)
from ..pdf import render_certificate_pdf
from ..pdf_paper import paper_for


def _store_pdf(*, name: str, data: bytes) -> str:
    """Write the file so that the final name only ever holds a complete PDF.

    On the file system: a temporary file in the same directory, flushed and
    fsynced, then ``os.replace`` (atomic), overwriting any orphan a crashed
    attempt may have left. Other storages: their ``save`` after deleting an
    orphan. Either way the database points at the file only afterwards.
    """
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        if default_storage.exists(name):
            default_storage.delete(name)
        return default_storage.save(name, ContentFile(data))
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".part-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return name


def certificate_render(*, certificate_id: int) -> bool:
    """Render and store the PDF unless stored already; True if rendered now."""
    certificate = Certificate.objects.select_related("template").get(pk=certificate_id)
    if certificate.pdf and default_storage.exists(certificate.pdf.name):
        return False
    data = render_certificate_pdf(certificate)
    name = _store_pdf(name=f"certificates/pdf/{certificate.code}.pdf", data=data)
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk).update(pdf=name)
    return bool(updated)


def certificate_pdf_ensure(*, certificate) -> Certificate:
    """Render now if the PDF is missing (lazy path for downloads)."""
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db(fields=["pdf"])
    return certificate


def certificate_pdf_name(*, certificate, paper: str | None = None) -> str:
    """The stored PDF on ``paper`` (``a4``/``letter``), rendered if missing.

    The holder's own paper (their country's) is the certificate's ``pdf``;
    the other size is rendered on its first download and kept beside it.
    """
    if paper is None or paper == paper_for(certificate):
        if not certificate.pdf:
            certificate = certificate_pdf_ensure(certificate=certificate)
        return certificate.pdf.name
    name = f"certificates/pdf/{certificate.code}-{paper}.pdf"
    if not default_storage.exists(name):
        data = render_certificate_pdf(certificate, paper=paper)
        name = _store_pdf(name=name, data=data)
    return name
