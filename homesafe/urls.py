from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("homesafe.web.urls")),
    path("children/", include("homesafe.people.urls")),
    path("", include("homesafe.episodes.urls")),
    path("", include("homesafe.interviews.urls")),
    path("", include("homesafe.meetings.urls")),
    path("", include("homesafe.screening.urls")),
    path("", include("homesafe.concerns.urls")),
    path("", include("homesafe.profiles.urls")),
    path("duties/", include("homesafe.duties.urls")),
    path("intake/", include("homesafe.intake.urls")),
    path("api/", include("homesafe.api.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "homesafe.web.views.page_not_found"
handler500 = "homesafe.api.errors.server_error"  # JSON under /api/, the page elsewhere
handler403 = "homesafe.web.views.permission_denied"
