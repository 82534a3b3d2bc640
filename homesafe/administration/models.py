"""Invitations: how a person an administrator added comes to have a password."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from homesafe.constraints import ChecksInOneQuery


class Invitation(ChecksInOneQuery, models.Model):
    """A single-use, expiring sign-up link sent to a new user; only the token's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
                violation_error_message="An invitation must expire after it is made.",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for user {self.user_id}"

    def is_usable(self, *, now) -> bool:
        return self.accepted_at is None and now < self.expires_at
