from django.db import models


class OrganisationType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police force"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health service"
    RHI_SERVICE = "rhi_service", "Return interview service"


class ContactTakes(models.TextChoices):
    """Which notifications an organisation's contact takes (the contact directory)."""

    MISSING_NOTIFICATIONS = "missing", "Missing-child notifications"
    GENERAL = "general", "General enquiries"


class Role(models.TextChoices):
    """The roles of DESIGN.md's need-to-know table."""

    MISSING_COORDINATOR = "missing_coordinator", "Missing coordinator (CMO)"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    POLICE_COORDINATOR = "police_coordinator", "Police missing-person coordinator"
    RHI_WORKER = "rhi_worker", "Return interview worker"
    SCHOOL_LEAD = "school_lead", "School safeguarding lead"
    HEALTH_PRACTITIONER = "health_practitioner", "Health safeguarding practitioner"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


# Which organisation types may hold each role: a role held in the wrong kind of
# organisation would silently see nothing, so the service refuses it.
ROLE_ORGANISATION_TYPES: dict[str, set[str]] = {
    Role.MISSING_COORDINATOR: {OrganisationType.LOCAL_AUTHORITY},
    Role.SOCIAL_WORKER: {OrganisationType.LOCAL_AUTHORITY},
    Role.TEAM_MANAGER: {OrganisationType.LOCAL_AUTHORITY},
    Role.SERVICE_MANAGER: {OrganisationType.LOCAL_AUTHORITY},
    Role.SENIOR_LEADER: {OrganisationType.LOCAL_AUTHORITY},
    Role.POLICE_COORDINATOR: {OrganisationType.POLICE},
    Role.RHI_WORKER: {OrganisationType.RHI_SERVICE, OrganisationType.LOCAL_AUTHORITY},
    Role.SCHOOL_LEAD: {OrganisationType.SCHOOL},
    Role.HEALTH_PRACTITIONER: {OrganisationType.HEALTH},
    Role.ANALYST: set(OrganisationType.values),
    Role.AUDITOR: set(OrganisationType.values),
    Role.ADMINISTRATOR: set(OrganisationType.values),
}


class AuditVerb(models.TextChoices):
    CHILD_VIEWED = "child.viewed", "Viewed a child's record"
    CHILDREN_SEARCHED = "children.searched", "Searched for children"
    CHILD_CREATED = "child.created", "Created a child's record"
    CHILD_UPDATED = "child.updated", "Changed a child's record"
    ALIAS_ADDED = "child.alias_added", "Added an alias"
    NEED_RECORDED = "child.need_recorded", "Recorded a disability or neurodiversity"
    COHORT_RECORDED = "child.cohort_recorded", "Recorded a cohort change"
    CARE_PERIOD_RECORDED = "child.care_period_recorded", "Recorded a care period"
    CARE_PERIOD_ENDED = "child.care_period_ended", "Recorded the end of a care period"
    PLACEMENT_RECORDED = "child.placement_recorded", "Recorded a placement"
    NETWORK_MEMBER_ADDED = "child.network_member_added", "Added to the professional network"
    NETWORK_MEMBER_ENDED = "child.network_member_ended", "Ended a network involvement"
    RHI_REFERRAL_MADE = (
        "child.rhi_referral_made",
        "Referred for return interviews on return, by the partnership's rule",
    )
    EPISODE_VIEWED = "episode.viewed", "Viewed a missing episode"
    EPISODE_REPORTED = "episode.reported", "Reported a missing episode"
    EPISODE_UPDATED = "episode.updated", "Changed a missing episode"
    EPISODE_REGRADED = "episode.regraded", "Recorded a police risk grading"
    EPISODE_RETURNED = "episode.returned", "Recorded a return"
    EPISODE_CORRECTED = "episode.corrected", "Corrected a missing episode"
    EPISODE_VOIDED = "episode.voided", "Marked a missing episode recorded in error"
    LOCATION_CREATED = "location.created", "Recorded a location"
    DUTIES_LISTED = "duties.listed", "Listed duties"
    DUTY_VIEWED = "duty.viewed", "Viewed a duty"
    DUTY_COMPLETED = "duty.completed", "Completed a duty"
    DUTY_NOT_NEEDED = "duty.not_needed", "Marked a duty not needed"
    DUTY_REASSIGNED = "duty.reassigned", "Reassigned a duty"
    NOTICE_ACKNOWLEDGED = "duty.notice_acknowledged", "Acknowledged a notice"
    DUTY_MESSAGE_SENT = "duty.message_sent", "Sent a notification by e-mail"
    DUTY_MESSAGE_FAILED = "duty.message_failed", "Tried to send a notification: it failed"
    DUTY_TOLD_ANOTHER_WAY = "duty.told_another_way", "Recorded telling outside HomeSafe"
    PROTOCOL_CHANGED = "protocol.changed", "Changed the protocol settings"
    USER_CREATED = "user.created", "Created a user"
    USER_DEACTIVATED = "user.deactivated", "Deactivated a user"
    ACCESS_GRANTED = "access.granted", "Granted time-limited case access"
    EPISODES_LISTED = "episodes.listed", "Listed missing episodes"
    EPISODE_POLICE_LINKED = "episode.police_linked", "Linked an episode to a police report"
    EPISODE_POLICE_CLOSED = "episode.police_closed", "Recorded the police closing a report"
    EPISODE_SIGHTED = "episode.sighted", "Recorded a sighting or update from police"
    POLICE_NOTIFICATIONS_IMPORTED = "intake.imported", "Imported a police download"
    IDENTITY_REVIEWED = "intake.identity_reviewed", "Decided which child a notification is about"
    CHILDREN_MERGED = "child.merged", "Merged two records of the same child"
    INTERVIEW_VIEWED = "interview.viewed", "Viewed a return home interview"
    INTERVIEW_OFFERED = "interview.offered", "Recorded a return home interview offer"
    INTERVIEW_ATTEMPTED = "interview.attempted", "Recorded an attempt to contact for an interview"
    INTERVIEW_ACCEPTED = "interview.accepted", "Recorded that a return interview was accepted"
    INTERVIEW_DECLINED = "interview.declined", "Recorded that a return interview was declined"
    INTERVIEW_UNREACHABLE = "interview.unreachable", "Recorded that the child could not be reached"
    INTERVIEW_COMPLETED = "interview.completed", "Recorded a completed return home interview"
    INTERVIEW_FACTORS_CHANGED = (
        "interview.factors_changed",
        "Changed the factors or exploitation indicators of a return interview",
    )
    INTERVIEW_PERSONS_LINKED = (
        "interview.persons_linked",
        "Linked persons of concern named in a return interview",
    )
    INTERVIEW_DRAFT_SAVED = "interview.draft_saved", "Saved a draft of a return interview"
    INTERVIEW_DRAFT_VIEWED = "interview.draft_viewed", "Viewed a draft of a return interview"
    INTERVIEW_TERM_ADDED = "interview_term.added", "Added an interview factor or indicator"
    INTERVIEW_TERM_CHANGED = "interview_term.changed", "Changed an interview factor or indicator"
    INTERVIEW_TERM_MOVED = "interview_term.moved", "Reordered the interview factors or indicators"
    INTERVIEW_TERM_RETIRED = "interview_term.retired", "Retired an interview factor or indicator"
    RHI_ROUTE_ADDED = "rhi_route.added", "Added a rule on who offers return interviews"
    RHI_ROUTE_CHANGED = "rhi_route.changed", "Changed a rule on who offers return interviews"
    RHI_ROUTE_REMOVED = "rhi_route.removed", "Removed a rule on who offers return interviews"
    INTERVIEW_TERM_REINSTATED = (
        "interview_term.reinstated",
        "Reinstated an interview factor or indicator",
    )
    PROFILE_VIEWED = "profile.viewed", "Viewed a pre-incident (Philomena) profile"
    PROFILE_PRINTED = "profile.printed", "Printed a pre-incident profile for the police"
    PROFILE_SAVED = "profile.saved", "Saved a version of a pre-incident profile"
    PROFILE_PHOTO_VIEWED = "profile.photo_viewed", "Viewed a pre-incident profile photo"
    PROFILE_PDF_DOWNLOADED = (
        "profile.pdf_downloaded",
        "Downloaded a pre-incident profile as a PDF for the police",
    )
    SAFETY_PLAN_VIEWED = "safety_plan.viewed", "Viewed a child's safety plan"
    SAFETY_PLAN_PRINTED = "safety_plan.printed", "Printed a child's safety plan"
    SAFETY_PLAN_PDF_DOWNLOADED = (
        "safety_plan.pdf_downloaded",
        "Downloaded a child's safety plan as a PDF",
    )
    SAFETY_PLAN_SAVED = "safety_plan.saved", "Saved a version of a child's safety plan"
    CHILDREN_LINKED = "child.linked", "Linked two children as family or household"
    CHILDREN_UNLINKED = "child.unlinked", "Removed the link between two children"
    UNBORN_CHILD_RECORDED = "child.unborn_recorded", "Recorded an unborn child in the household"
    UNBORN_CHILD_ENDED = "child.unborn_ended", "Recorded an unborn child born or no longer expected"
    EDUCATION_RECORDED = "child.education_recorded", "Recorded missing education or absence"
    EDUCATION_ENDED = "child.education_ended", "Ended a record of missing education or absence"
    ADVERSE_EXPERIENCE_RECORDED = (
        "child.adverse_experience_recorded",
        "Recorded a trauma or adverse childhood experience",
    )
    CONCERNS_VIEWED = "concerns.viewed", "Viewed persons and places of concern"
    PERSON_OF_CONCERN_VIEWED = "concern.person_viewed", "Viewed a person of concern"
    NETWORKS_VIEWED = "insight.networks_viewed", "Viewed the networks of children and concerns"
    HOTSPOTS_VIEWED = "insight.hotspots_viewed", "Viewed hot spots across children"
    IMPACT_VIEWED = "insight.impact_viewed", "Viewed the impact of interventions"
    PERSON_OF_CONCERN_RECORDED = "concern.person_recorded", "Recorded a person of concern"
    PERSON_OF_CONCERN_LINKED = "concern.person_linked", "Linked a person of concern to a child"
    LOCATION_OF_CONCERN_RECORDED = "concern.location_recorded", "Recorded a location of concern"
    DISRUPTION_RECORDED = "concern.disruption_recorded", "Recorded a disruption action"
    LEGAL_ACTION_RECORDED = "concern.legal_recorded", "Recorded a legal action"
    LEGAL_ACTION_UPDATED = "concern.legal_updated", "Recorded a legal action's decision"
    EPISODE_CONCERN_RAISED = "concern.episode_raised", "Raised a concern about an episode"
    # The search for a missing child (homesafe.locate, issue 16).
    LOCATE_ACTION_ADDED = "locate.action_added", "Added an action to the plan to find a child"
    LOCATE_ACTION_DONE = "locate.action_done", "Recorded the outcome of a locate action"
    SIGHTING_RECORDED = "locate.sighting_recorded", "Recorded a sighting or lead"
    SIGHTING_CHANGED = "locate.sighting_changed", "Changed a sighting or lead"
    SIGHTING_REMOVED = "locate.sighting_removed", "Removed a sighting or lead"
    PUBLICITY_RECORDED = "locate.publicity_recorded", "Recorded a publicity decision"
    PUBLICITY_WITHDRAWN = "locate.publicity_withdrawn", "Recorded that publicity was withdrawn"
    MISSING_AGENCY_CONTACTED = (
        "locate.agency_contacted",
        "Recorded contact with Missing People or the UK Missing Persons Unit",
    )
    SAFE_AND_WELL_RECORDED = "locate.safe_and_well", "Recorded a police Safe and Well check"
    MEETING_VIEWED = "meeting.viewed", "Viewed a meeting"
    MEETINGS_LISTED = "meetings.listed", "Listed a child's meetings"
    MEETING_CREATED = "meeting.created", "Recorded a meeting"
    MEETING_FULFILS_CHANGED = "meeting.fulfils_changed", "Changed the duties a meeting fulfils"
    MEETING_HELD = "meeting.held", "Recorded that a meeting was held"
    MEETING_CANCELLED = "meeting.cancelled", "Recorded that a meeting was cancelled"
    MEETING_INVITATION_RECORDED = "meeting.invitation", "Recorded an invitation or attendance"
    MEETING_NOTE_RECORDED = "meeting.note", "Recorded a meeting decision or risk"
    MEETING_ACTION_ADDED = "meeting.action_added", "Recorded a meeting action"
    MEETING_ACTION_COMPLETED = "meeting.action_completed", "Completed a meeting action"
    MEETING_PERSONS_RECORDED = "meeting.persons", "Recorded persons of concern discussed"
    DIFFERENCE_VIEWED = "difference.viewed", "Viewed a professional difference"
    DIFFERENCE_RAISED = "difference.raised", "Recorded a professional difference"
    DIFFERENCE_ESCALATED = "difference.escalated", "Escalated a professional difference"
    DIFFERENCE_RESOLVED = "difference.resolved", "Recorded how a professional difference ended"
    SCREENINGS_VIEWED = "screening.listed", "Viewed a child's exploitation screenings"
    SCREENING_VIEWED = "screening.viewed", "Viewed an exploitation screening"
    SCREENING_COMPLETED = "screening.completed", "Recorded an exploitation screening"
    SCREENING_OVERRIDDEN = "screening.overridden", "Changed the band of an exploitation screening"
    INTERVIEWS_LISTED = "interviews.listed", "Listed return home interviews"
    RHI_CASELOAD_VIEWED = "interviews.caseload_viewed", "Viewed a return interview caseload"
    MEETING_ACTIONS_LISTED = "meeting_actions.listed", "Listed meeting actions"
    DIFFERENCES_LISTED = "differences.listed", "Listed professional differences"
    # Pages that show many children: one entry each, naming the children shown (issue 12 point 7).
    WORK_VIEWED = "work.viewed", "Viewed My work"
    TEAM_WORK_VIEWED = "work.team_viewed", "Viewed the team's work"
    OVERDUE_VIEWED = "duties.overdue_viewed", "Viewed overdue duties"
    DAILY_SCREENING_VIEWED = "episodes.screening_viewed", "Viewed the daily screening list"
    DAILY_SCREENING_DOWNLOADED = (
        "episodes.screening_downloaded",
        "Downloaded the daily screening list (CSV)",
    )
    SCREENING_DECISION_RECORDED = (
        "episode.screening_decided",
        "Recorded a screening decision on a police notification",
    )
    EPISODE_POLICE_TIMES_APPLIED = (
        "episode.police_times_applied",
        "Replaced an episode's times with the police's",
    )
    IDENTITY_REVIEWS_VIEWED = "intake.reviews_viewed", "Viewed notifications awaiting a decision"
    IDENTITY_REVIEW_VIEWED = "intake.review_viewed", "Viewed a notification awaiting a decision"
    IMPORTS_VIEWED = "intake.imports_viewed", "Viewed police downloads"
    IMPORT_VIEWED = "intake.import_viewed", "Viewed a police download and its report"
    # Administration (homesafe/administration): who may do what, and with which keys.
    USER_INVITED = "user.invited", "Invited a user to sign up"
    USER_INVITATION_ACCEPTED = "user.invitation_accepted", "Accepted an invitation, set a password"
    USER_REACTIVATED = "user.reactivated", "Reactivated a user"
    USER_ROLE_GRANTED = "user.role_granted", "Gave a user a role"
    USER_ROLE_REMOVED = "user.role_removed", "Removed a role from a user"
    USER_TEAM_CHANGED = "user.team_changed", "Changed a user's team"
    USER_MFA_RESET = "user.mfa_reset", "Reset a user's two-factor sign-in"
    REMINDER_PREFERENCE_CHANGED = (
        "reminders.preference_changed",
        "Chose when to get reminder e-mails",
    )
    ORGANISATION_CREATED = "organisation.created", "Added an organisation"
    ORGANISATION_CHANGED = "organisation.changed", "Changed an organisation"
    ORGANISATION_CONTACT_ADDED = "organisation.contact_added", "Added an organisation's contact"
    ORGANISATION_CONTACT_CHANGED = (
        "organisation.contact_changed",
        "Changed an organisation's contact",
    )
    ORGANISATION_CONTACT_REMOVED = (
        "organisation.contact_removed",
        "Removed an organisation's contact",
    )
    TEAM_CREATED = "team.created", "Added a team"
    API_KEY_CREATED = "api_key.created", "Created a police force's API key"
    API_KEY_REVOKED = "api_key.revoked", "Revoked a police force's API key"
    FORCE_MAPPING_CHANGED = "intake.mapping_changed", "Changed a force's download mapping"
    # Statutory returns (homesafe/insight): one entry per export, naming the children in it.
    RETURN_EXPORTED = "insight.return_exported", "Exported a statutory return"
    # Report packs (homesafe/insight): asked for and downloaded; figures only, no child named.
    PACK_REQUESTED = "insight.pack_requested", "Asked for a report pack"
    PACK_DOWNLOADED = "insight.pack_downloaded", "Downloaded a report pack"
