"""Pages for a child's exploitation screenings: the history, one screening, the form to complete
a screening with a tool, and the form to change a screening's band (each form calls one service;
bad input writes nothing)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from homesafe.protocol.screening import ScreeningAnswersError, current_tools, tool_get
from homesafe.screening import forms
from homesafe.screening.policy import can_record_screening
from homesafe.screening.queries import (
    screening_child_for_user,
    screening_get_for_user,
    screenings_list_for_user,
)
from homesafe.screening.services import screening_complete, screening_override_band
from homesafe.web.form_pages import form_page


def screening_list(request: HttpRequest, child_id: int) -> HttpResponse:
    child, screenings = screenings_list_for_user(user=request.user, child_id=child_id)
    return render(
        request,
        "screening/list.html",
        {
            "title": f"Exploitation screening: {child.full_name}",
            "child": child,
            "screenings": screenings,
            "tools": list(current_tools().values()),
            "can_record": can_record_screening(request.user, child),
            "today": timezone.localdate(),
        },
    )


def screening_detail(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = screening_get_for_user(user=request.user, screening_id=screening_id)
    return render(
        request,
        "screening/detail.html",
        {
            "title": f"{screening.tool_definition.name}: {screening.child.full_name}",
            "screening": screening,
            "child": screening.child,
            "tool": screening.tool_definition,
            "can_record": can_record_screening(request.user, screening.child),
        },
    )


def screening_new(request: HttpRequest, child_id: int, tool: str) -> HttpResponse:
    child = screening_child_for_user(user=request.user, child_id=child_id)
    if not can_record_screening(request.user, child):
        raise PermissionDenied
    try:
        definition = tool_get(tool)
    except ScreeningAnswersError:
        raise Http404("No such screening tool") from None
    form = forms.ScreeningForm(
        request.POST if request.method == "POST" else None,
        tool=definition,
        initial={"completed_at": timezone.now().replace(second=0, microsecond=0)},
    )
    return form_page(
        request,
        form=form,
        save=lambda **_: screening_complete(
            child=child, tool=definition.code, actor=request.user, **form.service_arguments()
        ),
        title=definition.name,
        done=lambda screening: f"Screening recorded: {screening.final_band_label}",
        next_url=lambda screening: reverse("screening:detail", args=[screening.pk]),
        caption=f"Exploitation screening: {child.full_name}",
        intro="Answer every question. The tool works out the score and band; you may "
        "choose a different band in your professional judgement, with the reason.",
        submit_text="Save screening",
        back_url=reverse("screening:list", args=[child.pk]),
        back_text="Back to the child's screenings",
    )


def screening_override(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = screening_get_for_user(user=request.user, screening_id=screening_id, log_read=False)
    if not can_record_screening(request.user, screening.child):
        raise PermissionDenied
    form = forms.OverrideForm(
        request.POST if request.method == "POST" else None,
        tool=screening.tool_definition,
        computed_label=screening.band_label,
        initial={
            "override_band": screening.override_band,
            "override_reason": screening.override_reason,
        },
    )
    return form_page(
        request,
        form=form,
        save=lambda **data: screening_override_band(
            screening=screening, actor=request.user, **data
        ),
        title="Change the band",
        done="Band saved",
        next_url=reverse("screening:detail", args=[screening.pk]),
        caption=f"{screening}: {screening.child.full_name}",
        submit_text="Save band",
        back_url=reverse("screening:detail", args=[screening.pk]),
        back_text="Back to the screening",
    )
