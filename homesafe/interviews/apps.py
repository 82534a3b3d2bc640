from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "homesafe.interviews"
    label = "interviews"
    verbose_name = "Return home interviews"

    def ready(self) -> None:
        # A return refers the child for an interview (homesafe.episodes.events).
        from homesafe.episodes.events import EpisodeReturned
        from homesafe.interviews.services_routes import rhi_referrals_on_episode_returned
        from homesafe.use_cases import subscribe

        subscribe(EpisodeReturned, rhi_referrals_on_episode_returned)
