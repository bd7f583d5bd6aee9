"""What a programme page knows of itself without a request.

Its time zone, whether it is past or open for enrolment, its office and its
seats: properties the templates, serializers and services read from the page.
Kept apart from ``courses.pages`` so that the page type holds only its fields,
panels, search/API fields and tree rules.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.functional import cached_property


class ProgrammePageProperties:
    """Mixed into ``ProgrammePage`` (no fields: nothing for migrations)."""

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_past(self) -> bool:
        return self.ends_on < timezone.localdate()

    @property
    def effective_enrolment_closes_at(self) -> datetime:
        """The editor's closing time, or else the start of the first day."""
        if self.enrolment_closes_at:
            return self.enrolment_closes_at
        return datetime.combine(self.starts_on, time.min, tzinfo=self.zoneinfo)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        if self.enrolment_opens_at and now < self.enrolment_opens_at:
            return False
        return now < self.effective_enrolment_closes_at

    @cached_property
    def office(self):
        from cms.models import RegionalOfficePage

        return RegionalOfficePage.objects.filter(
            path=self.path[: -self.steplen]
        ).first()

    def seats_taken(self) -> int:
        """Confirmed seats plus seats held by an open waitlist offer."""
        enrolments = self.enrolments
        return enrolments.filter(status__in=enrolments.model.HOLDS_SEAT).count()

    def seats_left(self) -> int | None:
        """Free seats; reuses ``seats_taken_count`` when a listing annotated it
        or the page's request already counted (one count per request)."""
        if self.capacity is None:
            return None
        taken = getattr(self, "seats_taken_count", None)
        if taken is None:
            taken = self.seats_taken()
        return max(self.capacity - taken, 0)

    @property
    def promotion_cutoff(self) -> date:
        return self.starts_on - timedelta(days=self.promotion_cutoff_days)
