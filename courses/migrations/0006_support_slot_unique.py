"""One support slot per programme and time (issue 15, item 9).

Publishing the same slot 36 times made 36 slots, and ``seed_demo`` then
failed with MultipleObjectsReturned. Before the constraint is added, existing
duplicates are merged into the oldest one: its places become the largest of
the copies' (and at least the number of people booked), the copies' active
bookings move to it (one per person; a second booking by the same person is
cancelled, as they could only ever attend one), and the copies are deleted.
"""

from django.db import migrations, models
from django.db.models import Count


def merge_duplicate_slots(apps, schema_editor):
    SupportSlot = apps.get_model("courses", "SupportSlot")
    SupportBooking = apps.get_model("courses", "SupportBooking")
    groups = (
        SupportSlot.objects.values("programme_id", "starts_at", "ends_at")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for group in groups:
        slots = list(
            SupportSlot.objects.filter(
                programme_id=group["programme_id"],
                starts_at=group["starts_at"],
                ends_at=group["ends_at"],
            ).order_by("pk")
        )
        keeper, copies = slots[0], slots[1:]
        booked = set(
            SupportBooking.objects.filter(slot=keeper, status="booked").values_list(
                "enrolment_id", flat=True
            )
        )
        capacity = max(slot.capacity for slot in slots)
        for copy in copies:
            for booking in SupportBooking.objects.filter(slot=copy).order_by("pk"):
                if booking.status == "booked" and booking.enrolment_id in booked:
                    booking.status = "cancelled"
                    booking.cancelled_at = booking.cancelled_at or booking.booked_at
                elif booking.status == "booked":
                    booked.add(booking.enrolment_id)
                booking.slot = keeper
                booking.save()
            for field in ("video_link", "note"):
                if not getattr(keeper, field) and getattr(copy, field):
                    setattr(keeper, field, getattr(copy, field))
            copy.delete()
        keeper.capacity = max(capacity, len(booked), 1)
        keeper.save()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_programme_answers_required"),
    ]

    operations = [
        migrations.RunPython(merge_duplicate_slots, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="supportslot",
            constraint=models.UniqueConstraint(
                fields=("programme", "starts_at", "ends_at"),
                name="one_support_slot_per_programme_and_time",
            ),
        ),
    ]
