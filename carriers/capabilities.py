"""The capabilities the carriers pages check (granted in hotline.roles.ROLES)."""

VIEW_SHIPMENTS = "carriers.view_shipment"
CHANGE_SHIPMENTS = "carriers.change_shipment"  # cancel a booked shipment
