"""Who may issue, revoke and follow certificates (the rules other apps own)."""


def user_may_issue(*, user, programme) -> bool:
    """Trainers of the programme and the Secretariat issue its certificates.

    The same rule as attendance and completion (``courses``): ``is_staff``
    alone is not enough, since office editors are staff for the CMS but do
    not decide who earned a certificate.
    """
    from courses.selectors import user_can_train

    return bool(user_can_train(user=user, programme=programme))


def user_is_secretariat(user) -> bool:
    """Revocation and the impact report belong to the Secretariat."""
    from courses.selectors import user_is_secretariat as is_secretariat

    return bool(user and user.is_active and is_secretariat(user))


def user_may_issue_webinar(*, user, webinar) -> bool:
    """A webinar's certificates are issued by those who moderate it.

    The Secretariat, the webinar's hosts and its office's editors: the
    webinars app's own rule, so the two never drift apart.
    """
    from webinars.selectors import user_can_moderate

    return bool(user_can_moderate(webinar=webinar, user=user))


def user_may_follow_job(*, user, job) -> bool:
    """Who issues a job's certificates may watch its progress."""
    if job.webinar_id:
        return user_may_issue_webinar(user=user, webinar=job.webinar)
    return user_may_issue(user=user, programme=job.programme)
