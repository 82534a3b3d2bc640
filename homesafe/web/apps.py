from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "homesafe.web"
    label = "web"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from homesafe.web.middleware import session_kept_at_sign_in  # noqa: PLC0415

        # Signing in is activity: the session's time starts then, and the first page after it
        # has nothing to write (SessionActivityMiddleware).
        user_logged_in.connect(session_kept_at_sign_in, dispatch_uid="homesafe-session-kept")
