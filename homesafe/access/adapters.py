from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from homesafe.access.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators for named people: no self sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits count by (signing in, failed sign-ins, password
        resets): the client's, behind the proxies HomeSafe trusts, as the lockouts and the
        API's throttles count (homesafe.access.client_ip). allauth's own reads REMOTE_ADDR,
        which behind the proxy is the proxy's: every person signing in would share one
        count, and a busy start of a shift would refuse them all."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address


def axes_username(request, credentials=None) -> str | None:
    """allauth posts the e-mail as 'login'; axes looks for 'username' unless told (stack research 6.8)."""
    if credentials:
        for key in ("username", "email", "login"):
            if credentials.get(key):
                return str(credentials[key]).lower()
    if request is not None and request.method == "POST":
        return (request.POST.get("login") or request.POST.get("username") or "").lower() or None
    return None
