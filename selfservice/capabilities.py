"""The capabilities the self-service console pages check (granted in hotline.roles.ROLES)."""

ANSWER_FOLLOWUPS = "selfservice.change_followup"  # customers' questions: the queue, answers
