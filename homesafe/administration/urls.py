from django.urls import path

from homesafe.administration import views, views_organisations, views_protocol, views_rhi_routes

app_name = "administration"
urlpatterns = [
    path("", views.index, name="index"),
    path("users/", views.user_list, name="users"),
    path("users/invite", views.user_invite_view, name="user_invite"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/roles/add", views.user_role_add_view, name="user_role_add"),
    path("users/<int:user_id>/roles/remove", views.user_role_remove_view, name="user_role_remove"),
    path("users/<int:user_id>/team", views.user_team_view, name="user_team"),
    path("users/<int:user_id>/deactivate", views.user_deactivate_view, name="user_deactivate"),
    path("users/<int:user_id>/reactivate", views.user_reactivate_view, name="user_reactivate"),
    path("users/<int:user_id>/two-factor/reset", views.user_mfa_reset_view, name="user_mfa_reset"),
    path(
        "users/<int:user_id>/invite-again", views.user_invite_again_view, name="user_invite_again"
    ),
    path("invitation/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("organisations/", views_organisations.organisation_list, name="organisations"),
    path("organisations/add", views_organisations.organisation_add, name="organisation_add"),
    path(
        "organisations/<int:organisation_id>/",
        views_organisations.organisation_detail,
        name="organisation",
    ),
    path(
        "organisations/<int:organisation_id>/change",
        views_organisations.organisation_change,
        name="organisation_change",
    ),
    path(
        "organisations/<int:organisation_id>/contacts/add",
        views_organisations.contact_add,
        name="contact_add",
    ),
    path(
        "contacts/<int:contact_id>/change",
        views_organisations.contact_change,
        name="contact_change",
    ),
    path(
        "contacts/<int:contact_id>/remove",
        views_organisations.contact_remove,
        name="contact_remove",
    ),
    path(
        "organisations/<int:organisation_id>/teams/add",
        views_organisations.team_add,
        name="team_add",
    ),
    path(
        "organisations/<int:organisation_id>/mapping",
        views_organisations.force_mapping_change,
        name="force_mapping",
    ),
    path("api-keys/", views_organisations.api_key_list, name="api_keys"),
    path("api-keys/add", views_organisations.api_key_add, name="api_key_add"),
    path("api-keys/<str:prefix>/revoke", views_organisations.api_key_revoke, name="api_key_revoke"),
    path("protocol/", views_protocol.protocol_settings, name="protocol"),
    path("protocol/settings.toml", views_protocol.protocol_download, name="protocol_download"),
    path("protocol/upload", views_protocol.protocol_upload, name="protocol_upload"),
    path("rhi-routes/", views_rhi_routes.rhi_route_list, name="rhi_routes"),
    path("rhi-routes/add", views_rhi_routes.rhi_route_add, name="rhi_route_add"),
    path(
        "rhi-routes/<int:route_id>/change",
        views_rhi_routes.rhi_route_change,
        name="rhi_route_change",
    ),
    path(
        "rhi-routes/<int:route_id>/remove",
        views_rhi_routes.rhi_route_remove_view,
        name="rhi_route_remove",
    ),
    path("audit/", views.audit_log, name="audit"),
]
