"""OpenAPI examples and documented error tuples (realistic: the demo's eGovFrame training).

Every example and ``(code, detail)`` pair the courses API documents lives
here; the per-subject modules next to this one assemble them into
``extend_schema`` decorators.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from lms.api import ErrorSerializer

PROGRAMME_EXAMPLE = {
    "id": 57,
    "slug": "egovframe-technical-training",
    "title": "eGovFrame Technical Training",
    "kind": "egovframe_training",
    "office": "secretariat-seoul",
    "starts_on": "2026-12-07",
    "ends_on": "2026-12-10",
    "capacity": 20,
    "seats_left": 6,
    "url": "https://learning.wego.example/offices/secretariat-seoul/"
    "egovframe-technical-training/",
}
SESSION_EXAMPLE = {
    "id": 311,
    "title": "Data access with MyBatis",
    "kind": "lecture",
    "starts_at": "2026-12-08T00:30:00Z",
    "ends_at": "2026-12-08T03:30:00Z",
    "location": "eGovFrame Center, Seoul (or the participant's city)",
}
ENROLMENT_EXAMPLE = {"id": 812, "status": "confirmed", "waitlist_position": None}
INELIGIBLE = (
    "ineligible",
    "eGovFrame Technical Training needs Java at intermediate level or above; "
    "your profile says none. Update your skills in your profile if that is "
    "out of date.",
)
NOT_TRAINER = (
    "permission_denied",
    "Only this programme's trainers and the Secretariat can see this.",
)
NO_PROGRAMME = ("not_found", "Not found.")
NO_SEATS = ("full", "All seats are taken and this programme has no waitlist.")
SEAT_LOCK_BUSY = (
    "busy",
    "Many people are applying right now; please try again in a moment.",
)


SUPPORT_SLOT_EXAMPLE = {
    "id": 41,
    "starts_at": "2026-12-21T01:00:00Z",
    "ends_at": "2026-12-21T02:00:00Z",
    "timezone": "Asia/Seoul",
    "local_start": "2026-12-21T10:00:00+09:00",
    "capacity": 1,
    "seats_left": 1,
    "note": "Spring Boot migration and MyBatis mappers",
    "booking": None,
    "video_link": None,
}
BOOKING_EXAMPLE = {
    "id": 97,
    "slot": 41,
    "status": "booked",
    "starts_at": "2026-12-21T01:00:00Z",
    "ends_at": "2026-12-21T02:00:00Z",
    "timezone": "Asia/Seoul",
    "video_link": "https://meet.wego.example/egovframe-support-1",
    "ics_url": "https://learning.wego.example/support-bookings/97/booking.ics",
}


def _error_example(status_code: int, code: str, detail: str, name: str = ""):
    return OpenApiExample(
        name or code,
        value={"code": code, "detail": detail},
        status_codes=[str(status_code)],
        response_only=True,
    )


NOT_PARTICIPANT = OpenApiResponse(
    ErrorSerializer,
    description="not a confirmed participant (or trainer) of this programme",
    examples=[
        _error_example(
            403,
            "not_confirmed",
            "Only confirmed participants of this programme can book support.",
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="no such programme or slot",
    examples=[_error_example(404, "not_found", "Not found.")],
)
UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer,
    description="not signed in",
    examples=[
        _error_example(
            401, "not_authenticated", "Authentication credentials were not provided."
        )
    ],
)


NOT_TRAINER_SLOTS = OpenApiResponse(
    ErrorSerializer,
    description="not a trainer of this programme (nor the Secretariat)",
    examples=[
        _error_example(
            403,
            "permission_denied",
            "Only this programme's trainers and the Secretariat can publish slots.",
        )
    ],
)
