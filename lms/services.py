"""Changes to people: profiles, API tokens and the role groups."""

import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Organisation, User, UserSkill, hash_token
from .queries import unique_row

SECRETARIAT_GROUP = "Secretariat"
TRAINERS_GROUP = "Trainers"
PARTICIPANTS_GROUP = "Participants"


def office_editors_group_name(office_name: str) -> str:
    return f"Editors: {office_name}"


def roles_ensure() -> dict[str, Group]:
    """Create the site-wide role groups (office editor groups belong to cms)."""
    groups = {}
    for name in (SECRETARIAT_GROUP, TRAINERS_GROUP, PARTICIPANTS_GROUP):
        groups[name], _ = Group.objects.get_or_create(name=name)
    return groups


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    job_title: str = "",
    department: str = "",
    preferred_language: str = "en",
    timezone_name: str = "UTC",
    skills: dict[str, str] | None = None,
) -> User:
    """Save what a participant tells about themselves; skills are upserted."""
    user.first_name = first_name
    user.last_name = last_name
    user.organisation = organisation
    user.job_title = job_title
    user.department = department
    user.preferred_language = preferred_language
    user.timezone = timezone_name
    user.save()
    for skill, level in (skills or {}).items():
        UserSkill.objects.update_or_create(
            user=user, skill=skill, defaults={"level": level}
        )
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language a person chose (pages after sign-in
    and e-mails use it)."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def user_set_skills(*, user: User, skills: dict[str, str]) -> None:
    for skill, level in skills.items():
        UserSkill.objects.update_or_create(
            user=user, skill=skill, defaults={"level": level}
        )


def organisation_get_or_create_unlisted(*, name: str) -> Organisation:
    """An organisation a participant names at sign-up; it starts as a non-member.

    Membership is only ever granted by the Secretariat.
    """
    organisation = Organisation.objects.filter(name__iexact=name.strip()).first()
    if organisation:
        return organisation
    return Organisation.objects.create(name=name.strip())


def api_token_create(*, user: User, name: str | None = None) -> str:
    """Issue a token and return its key.

    With a device name, that device's previous token is replaced. Without
    one, every sign-in gets a token of its own (named ``device-…``), so two
    clients on one account never sign each other out. Only the hash is
    stored: the key is shown once, here.
    """
    key = secrets.token_hex(24)
    if name:
        ApiToken.objects.update_or_create(
            user=user, name=name, defaults={"key_hash": hash_token(key)}
        )
        return key
    while True:
        name = f"device-{secrets.token_hex(4)}"
        if not ApiToken.objects.filter(user=user, name=name).exists():
            break
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key))
    return key


def api_token_user(key: str) -> User | None:
    """The active user a token key belongs to, or None."""
    # The organisation comes along: most API calls judge rules about it.
    token = unique_row(
        ApiToken.objects.select_related("user__organisation").filter(
            key_hash=hash_token(key), user__is_active=True
        )
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(
    *, user: User, name: str | None = None, key: str | None = None
) -> bool:
    """Revoke one of the user's tokens: by device name, or the one with ``key``."""
    tokens = ApiToken.objects.filter(user=user)
    if name:
        tokens = tokens.filter(name=name)
    elif key:
        tokens = tokens.filter(key_hash=hash_token(key))
    else:
        return False
    deleted, _ = tokens.delete()
    return bool(deleted)
