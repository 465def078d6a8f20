"""What the navigation may offer the signed-in user: only the pages its role may open."""

from django.utils.functional import SimpleLazyObject

from .permissions import can_edit_registers, can_read_workspace, can_report_sales, can_see_sales_batches


def roles(request):
    """Lazy, so that public pages served to anonymous visitors run no query for it."""
    user = getattr(request, "user", None)

    def compute():
        return {
            "workspace": can_read_workspace(user),
            "edit": can_edit_registers(user),
            "sales_batches": can_see_sales_batches(user),
            "report_sales": can_report_sales(user),
        }

    return {"may": SimpleLazyObject(compute)}
