"""The team lead's desk: its window (one module per part to come), the merge, import and
decision dialogs."""

from desktop.ui.import_dialog import ImportDialog
from desktop.ui.lead.decision import DecisionDialog
from desktop.ui.lead.merge_dialog import MergeDialog, fill_report, report_table, status_text
from desktop.ui.lead.window import LeadWindow, desk_or_field

__all__ = ["DecisionDialog", "ImportDialog", "LeadWindow", "MergeDialog", "desk_or_field", "fill_report", "report_table", "status_text"]
