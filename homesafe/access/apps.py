from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "homesafe.access"
    label = "access"

    def ready(self) -> None:
        # Registers the access predicates with `rules` (user.has_perm("people.view_child", child)).
        from homesafe.access import policy  # noqa: F401
