"""OpenAPI examples and documented errors of the webinars API (realistic: the
demo's Eurasia office webinar)."""

WEBINAR_EXAMPLE = {
    "id": 57,
    "slug": "open-data-for-public-utilities",
    "title": "Open data for public utilities and healthcare",
    "office": "eurasia-ulyanovsk",
    "starts_at": "2026-11-24T09:00:00Z",
    "ends_at": "2026-11-24T10:30:00Z",
    "is_live": False,
    "url": "https://learning.wego.example/offices/eurasia-ulyanovsk/"
    "open-data-for-public-utilities/",
}
QUESTION_EXAMPLE = {
    "id": 812,
    "text": "Which datasets did Ulyanovsk publish first, and in what format?",
    "author": {
        "id": 311,
        "name": "Lan Nguyen",
        "organisation": "Hanoi People's Committee",
    },
    "anonymous": False,
    "votes": 14,
    "voted_by_me": True,
    "status": "visible",
    "pinned": False,
    "answered": False,
    "answer_text": "",
    "created_at": "2026-11-24T09:21:07.412000+00:00",
}
ANONYMOUS_QUESTION_EXAMPLE = dict(
    QUESTION_EXAMPLE,
    id=813,
    text="How do you keep hospital waiting-time data anonymous?",
    author=None,
    anonymous=True,
    votes=3,
    voted_by_me=False,
)
NOT_FOUND = {404: [("webinar_not_found", "No such webinar.")]}
QUESTION_NOT_FOUND = {404: [("question_not_found", "No such question.")]}
NOT_REGISTERED = (
    "not_registered",
    "Register for this webinar to ask and vote.",
)
RATE_LIMITED = (
    "rate_limited",
    "You can ask one question every 10 seconds. Please wait a moment.",
)
POLL_EXAMPLE = {
    "id": 41,
    "question": "Which service should your city move online first?",
    "multiple": False,
    "state": "open",
    "options": [
        {"id": 101, "label": "Building permits", "votes": 18},
        {"id": 102, "label": "Business registration", "votes": 9},
        {"id": 103, "label": "Parking fines", "votes": 4},
    ],
    "voters": 31,
    "my_choice": None,
}
ANSWERED_EXAMPLE = dict(
    POLL_EXAMPLE,
    options=[
        {"id": 101, "label": "Building permits", "votes": 19},
        {"id": 102, "label": "Business registration", "votes": 9},
        {"id": 103, "label": "Parking fines", "votes": 4},
    ],
    voters=32,
    my_choice=[101],
)
POLL_NOT_FOUND = {404: [("poll_not_found", "No such poll.")]}
