from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators for named people: no self sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


def axes_username(request, credentials=None) -> str | None:
    """allauth posts the e-mail as 'login'; axes looks for 'username' unless told (stack research 6.8)."""
    if credentials:
        for key in ("username", "email", "login"):
            if credentials.get(key):
                return str(credentials[key]).lower()
    if request is not None and request.method == "POST":
        return (request.POST.get("login") or request.POST.get("username") or "").lower() or None
    return None
