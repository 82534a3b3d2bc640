from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from homesafe.episodes import urls as episodes_urls
from homesafe.interviews import urls as interviews_urls
from homesafe.people import urls as people_urls
from homesafe.story import urls as story_urls
from homesafe.web import urls as web_urls


def _with_story(app_urls, story_urlpatterns):
    """An app's pages and the story app's pages that keep that app's names (people:child,
    episodes:detail, web:home), in one namespace: the app does not import the story app."""
    return include(([*story_urlpatterns, *app_urls.urlpatterns], app_urls.app_name))


urlpatterns = [
    path("", _with_story(web_urls, story_urls.web_urlpatterns)),
    path("children/", _with_story(people_urls, story_urls.people_urlpatterns)),
    path("", _with_story(episodes_urls, story_urls.episodes_urlpatterns)),
    path("", _with_story(interviews_urls, story_urls.interviews_urlpatterns)),
    path("", include("homesafe.meetings.urls")),
    path("", include("homesafe.screening.urls")),
    path("", include("homesafe.concerns.urls")),
    path("", include("homesafe.profiles.urls")),
    path("", include("homesafe.safety_plans.urls")),
    path("", include("homesafe.locate.urls")),
    path("duties/", include("homesafe.duties.urls")),
    path("reminders/", include("homesafe.reminders.urls")),
    path("intake/", include("homesafe.intake.urls")),
    path("daily-screening/", include("homesafe.daily_screening.urls")),
    path("insight/", include("homesafe.insight.urls")),
    path("administration/", include("homesafe.administration.urls")),
    path("api/", include("homesafe.api.urls")),
    path("account/", include("allauth.urls")),
]

# Django's admin is not served unless HOMESAFE_DJANGO_ADMIN is on (docs/security.md); then its
# sign-in page is allauth's (password and second factor), never Django's password-only form.
if settings.HOMESAFE_DJANGO_ADMIN:
    admin.site.login = secure_admin_login(admin.site.login)
    urlpatterns.append(path("admin/", admin.site.urls))

handler404 = "homesafe.web.views.page_not_found"
handler500 = "homesafe.api.errors.server_error"  # JSON under /api/, the page elsewhere
handler403 = "homesafe.web.views.permission_denied"
# allauth answers its rate limits (signing in, password resets) with ROOT_URLCONF.handler429.
handler429 = "homesafe.web.views.too_many_requests"
