"""OpenAPI examples and documented error tuples of the certificates API.

Every example and ``(code, detail)`` pair the certificates API documents
lives here; the per-subject modules next to this one assemble them into
``extend_schema`` decorators.
"""

CODE_EXAMPLE = "WG-R8HK-7HDB-YVJP-KWHW-34YH-X"
BASE_EXAMPLE = "https://learning.wego.example"

PUBLIC_EXAMPLE = {
    "code": CODE_EXAMPLE,
    "status": "valid",
    "kind": "programme",
    "holder": "Nguyen Thi Lan",
    "programme": "Seoul Program 2016",
    "issued_on": "2016-10-24",
    "revoked_reason": "",
}
REVOKED_EXAMPLE = {
    **PUBLIC_EXAMPLE,
    "code": "WG-T6KV-8V0A-WR0H-3PT7-YCAV-Y",
    "status": "revoked",
    "holder": "Tran Van Minh",
    "revoked_reason": "Issued in error: completion was confirmed for the wrong "
    "participant; the trainers have corrected the attendance record.",
}
WEBINAR_EXAMPLE = {
    **PUBLIC_EXAMPLE,
    "code": "WG-0QXP-E7W3-5ZHD-CFV2-7AAM-3",
    "kind": "webinar",
    "holder": "Aigerim Bekova",
    "programme": "Using the CeDS self-assessment tool",
    "issued_on": "2016-03-25",
}


def mine_example(public: dict, **fields) -> dict:
    """A public example as its holder sees it (``me/certificates/``)."""
    return {
        **public,
        **fields,
        "verify_url": f"{BASE_EXAMPLE}/certificates/verify/{public['code']}/",
        "pdf_url": f"{BASE_EXAMPLE}/certificates/{public['code']}/certificate.pdf",
        "credential_url": (
            f"{BASE_EXAMPLE}/certificates/{public['code']}/credential.json"
        ),
    }


WEBINAR_MINE_EXAMPLE = mine_example(
    WEBINAR_EXAMPLE,
    organisation_name="Almaty",
    office_name="WeGO Secretariat",
    starts_on="2016-03-22",
    ends_on="2016-03-22",
)
PROGRAMME_MINE_EXAMPLE = mine_example(
    PUBLIC_EXAMPLE,
    organisation_name="Hanoi",
    office_name="WeGO Secretariat",
    starts_on="2016-10-10",
    ends_on="2016-10-21",
)
MY_CERTIFICATES_EXAMPLE = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [WEBINAR_MINE_EXAMPLE, PROGRAMME_MINE_EXAMPLE],
}

JOB_RUNNING_EXAMPLE = {
    "state": "running",
    "done": 14,
    "total": 38,
    "new": 14,
    "already_issued": 0,
}
JOB_DONE_EXAMPLE = {
    "state": "done",
    "done": 38,
    "total": 38,
    "new": 38,
    "already_issued": 0,
}
JOB_SECOND_RUN_EXAMPLE = {
    "state": "done",
    "done": 38,
    "total": 38,
    "new": 0,
    "already_issued": 38,
}
JOB_QUEUED_AGAIN_EXAMPLE = {
    "state": "queued",
    "done": 9,
    "total": 24,
    "new": 9,
    "already_issued": 0,
}

WEBINAR_ATTENDANCE_EXAMPLE = [
    {
        "user": 57,
        "name": "Aigerim Bekova",
        "minutes": 71,
        "minimum": 38,
        "eligible": True,
        "code": "",
        "reason": "",
        "certificate": "WG-0QXP-E7W3-5ZHD-CFV2-7AAM-3",
    },
    {
        "user": 63,
        "name": "Carlos Mendoza",
        "minutes": 12,
        "minimum": 38,
        "eligible": False,
        "code": "below_minimum",
        "reason": "Carlos Mendoza attended 12 minutes; the certificate needs at "
        "least 38.",
        "certificate": None,
    },
]

# --- documented errors: (code, detail) ---------------------------------------------

NOT_TRAINER = (
    "not_trainer",
    "Only the programme's trainers and the Secretariat issue certificates.",
)
PROGRAMME_NOT_FOUND = ("not_found", "No such programme.")
JOB_ERRORS = {403: [NOT_TRAINER], 404: [PROGRAMME_NOT_FOUND]}
JOB_NOT_FOUND = ("not_found", "No such job.")
JOB_DONE = ("job_done", "This issuance run has finished.")

WEBINAR_FORBIDDEN = (
    "not_moderator",
    "Only the webinar's hosts, its office's editors and the Secretariat issue "
    "its certificates.",
)
WEBINAR_NOT_FOUND = ("not_found", "No such webinar.")
INVALID = ("invalid", "The request is not valid; see 'errors' for each field.")
BELOW_MINIMUM = (
    "below_minimum",
    "Carlos Mendoza attended 12 minutes; the certificate needs at least 38.",
)
NOT_REGISTERED = ("not_registered", "Ana Silva did not register for this webinar.")
WEBINAR_NOT_OVER = (
    "webinar_not_over",
    "Certificates are issued once the webinar is over.",
)
ALREADY_ISSUED = (
    "already_issued",
    "A certificate was already issued for this webinar.",
)
CERTIFICATE_REVOKED = (
    "certificate_revoked",
    "This certificate was revoked; it is not issued again.",
)
CODE_NOT_FOUND = ("not_found", "No certificate has this code.")
