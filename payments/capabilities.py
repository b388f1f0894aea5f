"""The capabilities the payments pages check (granted in hotline.roles.ROLES)."""

VIEW_PAYMENTS = "payments.view_payment"  # a paid receipt from the console
MANAGE_PAYMENTS = "payments.refund_payment"  # the payments list and detail, refunds
