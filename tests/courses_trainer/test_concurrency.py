import threading

import pytest
from django.db import connection

from courses.models import Attendance
from courses.trainer.services import CellChange, attendance_grid_save


def _save_together(programme, jobs):
    """Run grid saves in parallel threads, released at the same moment."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, actor, changes):
        try:
            barrier.wait(timeout=10)
            results[index] = attendance_grid_save(
                programme=programme, actor=actor, changes=changes
            )
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, actor, changes))
        for i, (actor, changes) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_of_different_cells_both_land(
    programme, trainer, second_trainer, participants
):
    first, second = list(programme.sessions.order_by("starts_at"))[:2]
    a, b = participants[0], participants[1]
    _save_together(
        programme,
        [
            (trainer, [CellChange(first.pk, a.pk, "", "present")]),
            (second_trainer, [CellChange(second.pk, b.pk, "", "absent")]),
        ],
    )
    assert set(
        Attendance.objects.values_list("enrolment_id", "session_id", "status")
    ) == {
        (a.pk, first.pk, "present"),
        (b.pk, second.pk, "absent"),
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_of_the_same_cell_keep_one_and_report_the_other(
    programme, trainer, second_trainer, participants
):
    session = programme.sessions.order_by("starts_at").first()
    a = participants[0]
    results = _save_together(
        programme,
        [
            (trainer, [CellChange(session.pk, a.pk, "", "present")]),
            (second_trainer, [CellChange(session.pk, a.pk, "", "excused")]),
        ],
    )
    assert sorted(r.saved for r in results) == [0, 1]
    assert sorted(len(r.conflicts) for r in results) == [0, 1]
    mark = Attendance.objects.get(enrolment=a, session=session)
    winner = trainer if results[0].saved else second_trainer
    assert mark.marked_by == winner
