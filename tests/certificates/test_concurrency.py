import threading

import pytest
from django.db import connection

from certificates import selectors, services
from certificates.models import Certificate
from lms import throttling


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_the_same_certificate_make_one(completed, trainer):
    barrier = threading.Barrier(2)
    codes, errors = [], []

    def work():
        try:
            barrier.wait()
            certificate, _created = services.certificate_ensure(
                enrolment=completed, actor=trainer
            )
            codes.append(certificate.code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Certificate.objects.count() == 1
    assert codes[0] == codes[1] == Certificate.objects.get().code


def test_the_lookup_window_resets_after_a_minute(monkeypatch):
    monkeypatch.setattr(throttling, "_clock", lambda: 1_800_000_000.0)
    for _ in range(20):
        assert not selectors.lookup_limited(address="10.9.9.9")
    assert selectors.lookup_limited(address="10.9.9.9")
    monkeypatch.setattr(throttling, "_clock", lambda: 1_800_000_060.0)
    assert not selectors.lookup_limited(address="10.9.9.9")
