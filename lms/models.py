"""People: users, their organisations (cities and partners) and their skills."""

import hashlib
import secrets
import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    ASIA = "asia", _("Asia")
    EURASIA = "eurasia", _("Eurasia")
    AFRICA = "africa", _("Africa")
    MEDITERRANEAN = "mediterranean", _("Mediterranean")
    LATIN_AMERICA = "latin_america", _("Latin America")
    EUROPE = "europe", _("Europe")
    NORTH_AMERICA = "north_america", _("North America")
    OCEANIA = "oceania", _("Oceania")


class MembershipTier(models.TextChoices):
    FULL = "full", _("Full member")
    ASSOCIATE = "associate", _("Associate member")
    FRIENDSHIP = "friendship", _("Friendship member")
    CORPORATE = "corporate", _("Corporate member")
    NONE = "none", _("Not a member")


class OrganisationKind(models.TextChoices):
    CITY = "city", _("City")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    REGIONAL_ASSOCIATION = "regional_association", _("Regional government association")
    COMPANY = "company", _("Company")
    INSTITUTION = "institution", _("Institution")


class Organisation(models.Model):
    """A city, local government or partner whose officials use the platform.

    The membership tier is set by the Secretariat, never by the participants:
    enrolment rules trust it.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=OrganisationKind.choices,
        default=OrganisationKind.CITY,
    )
    country = models.CharField(_("country"), max_length=100, blank=True)
    region = models.CharField(
        _("WeGO region"), max_length=32, choices=Region.choices, blank=True
    )
    membership_tier = models.CharField(
        _("membership tier"),
        max_length=16,
        choices=MembershipTier.choices,
        default=MembershipTier.NONE,
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    membership_expires_on = models.DateField(
        _("membership expires on"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a membership without an end date."),
    )
    focal_point_name = models.CharField(
        _("focal point name"), max_length=200, blank=True
    )
    focal_point_email = models.EmailField(
        _("focal point e-mail"),
        blank=True,
        help_text=_("The city's contact who endorses its officials' applications."),
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def effective_tier(self, on=None) -> str:
        """The tier in force on a date: an expired membership counts as none."""
        on = on or timezone.localdate()
        if self.membership_expires_on and self.membership_expires_on < on:
            return MembershipTier.NONE
        return self.membership_tier

    @property
    def is_member(self) -> bool:
        return self.effective_tier() != MembershipTier.NONE


class SkillLevel(models.TextChoices):
    NONE = "none", _("None")
    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")

    @classmethod
    def rank(cls, level: str) -> int:
        return [c.value for c in cls].index(level) if level in cls.values else 0


class Skill(models.TextChoices):
    JAVA = "java", _("Java")
    WEB = "web", _("Web programming (HTML, JavaScript)")
    SPRING = "spring", _("Spring Framework")
    DATABASES = "databases", _("Databases and SQL")
    DATA_ANALYSIS = "data_analysis", _("Data analysis")
    GIS = "gis", _("GIS and spatial data")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    """A person who signs in with their e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="en", blank=True
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", blank=True
    )
    calendar_token = models.CharField(
        max_length=64, unique=True, default=_calendar_token
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]

    def skill_level(self, skill: str) -> str:
        """The declared level in a skill, ``none`` when not declared."""
        for user_skill in self.skills.all():
            if user_skill.skill == skill:
                return user_skill.level
        return SkillLevel.NONE


class UserSkill(models.Model):
    """A skill the participant declares, which programme rules can require."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    skill = models.CharField(_("skill"), max_length=32, choices=Skill.choices)
    level = models.CharField(
        _("level"), max_length=16, choices=SkillLevel.choices, default=SkillLevel.NONE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="unique_user_skill")
        ]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return f"{self.get_skill_display()}: {self.get_level_display()}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A revocable API token, one per device, stored only as a hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="device_tokens"
    )
    name = models.CharField(_("device name"), max_length=100, default="default")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], name="unique_token_per_device"
            )
        ]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} / {self.name}"
