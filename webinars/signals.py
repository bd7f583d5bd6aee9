"""Revocation reaches open Q&A sockets (docs/reliability.md, case 38).

Thin receivers: they name whose sockets are concerned and hand over to
``services.sockets_revoke`` / ``services.sockets_recheck``. A push that gets
lost (a broken channel layer, a queryset ``update`` that sends no signal) is
covered by each socket's periodic re-check.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from lms.models import ApiToken

from . import services
from .models import Registration


@receiver(user_logged_out, dispatch_uid="webinars.revoke_on_logout")
def revoke_on_logout(sender, request, user, **kwargs):
    if user is None or not getattr(user, "pk", None):
        return
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    services.sockets_revoke(
        user_id=user.pk, reason="signed_out", session_key=session_key
    )


@receiver(
    post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="webinars.user_saved"
)
def revoke_on_deactivation(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    if not instance.is_active:
        services.sockets_revoke(user_id=instance.pk, reason="deactivated")
    elif update_fields is None or "password" in update_fields:
        # A new password invalidates the other sessions: their sockets follow.
        services.sockets_recheck(user_id=instance.pk)


@receiver(post_delete, sender=Registration, dispatch_uid="webinars.registration_gone")
def recheck_on_registration_removed(sender, instance, **kwargs):
    services.sockets_recheck(user_id=instance.user_id, webinar_id=instance.webinar_id)


@receiver(post_delete, sender=ApiToken, dispatch_uid="webinars.token_gone")
def recheck_on_token_revoked(sender, instance, **kwargs):
    services.sockets_recheck(user_id=instance.user_id)


@receiver(
    m2m_changed,
    sender=Group.user_set.through,
    dispatch_uid="webinars.groups_changed",
)
def recheck_on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Leaving a group can end access to a restricted webinar or the moderator role."""
    if action not in ("post_remove", "post_clear"):
        return
    if reverse:  # group.user_set.remove(user...)
        user_ids = pk_set or set()
    else:  # user.groups.remove(group...)
        user_ids = {instance.pk}
    for user_id in user_ids:
        services.sockets_recheck(user_id=user_id)
