"""The lead's campaign settings: what they are now, what is wrong with an edit, and saving
one as a signed version (desktop.core.campaign_settings has the rules).

A save is one transaction on the master: the rules are checked against the work the
database holds at that moment (a county with work cannot be removed), then one version
of the campaign's settings record is signed. The workspace's campaign is re-read after
the commit, so `results.results(ws)` computes with the new weights and grading at once.
The laptops receive the settings with the master's export (the reverse merge); a laptop
cannot sign them (db.merge refuses a `campaign_settings` version from a field device).
"""

from __future__ import annotations

from sqlalchemy import Connection

from db import queries, reference, versions
from desktop import paths
from desktop.core import campaign_settings
from desktop.core.campaign import Campaign
from desktop.core.campaign_settings import CampaignSettings
from desktop.core.errors import InputError, Problem
from desktop.services.changes import EVERYTHING, NOTHING, Changes
from desktop.services.workspace import Workspace

SOURCE = "campaign settings"


def current(ws: Workspace) -> CampaignSettings:
    """The settings in force: the reference campaign with the lead's last save laid over it."""
    return campaign_settings.settings_of(ws.campaign)


def work_by_county(ws: Workspace, conn: Connection) -> dict[str, int]:
    """How many records of work (scores, findings, evidence, problems, …) each county of the
    campaign holds. Work filed under a code the campaign no longer lists (a laptop went on
    inspecting a county the lead had removed) is not counted: it must not block every
    later save; it counts again when the county is added back with its code."""
    listed = {c.code for c in ws.campaign.counties}
    return {work.county: work.count for work in queries.work_by_county(conn) if work.county in listed}


def work(ws: Workspace) -> dict[str, int]:
    """work_by_county in a read of its own (what the settings dialog checks a removal against)."""
    with ws.read() as conn:
        return work_by_county(ws, conn)


def validate(ws: Workspace, settings: CampaignSettings) -> list[Problem]:
    """Every rule the settings break, each naming its section, row and field."""
    return campaign_settings.validate(_reference(ws), settings, work(ws))


def save(ws: Workspace, settings: CampaignSettings) -> Changes:
    """Check and save the settings as one signed version; what it changed: everything (every
    result, grade and county list follows the settings), or nothing when they were so already.
    Raises InputError (every problem) and writes nothing when a rule is broken."""
    if ws.identity.role != "master":
        raise InputError.single(SOURCE, "not_master", "only the lead's master database changes the campaign's settings")
    base = _reference(ws)
    payload = campaign_settings.to_payload(base, settings)
    # What is checked is what will be read back (names trimmed, empty texts dropped):
    # settings valid as typed but not as stored would make the database unopenable.
    settings = campaign_settings.from_payload(base, payload, SOURCE)
    with ws.write() as conn:
        ws.reload_campaign(conn)  # the counties as of now: a merge may have come in since the dialog opened
        campaign_settings.check(base, settings, work_by_county(ws, conn), SOURCE)
        if ws.settings_payload is None and not payload:
            return NOTHING  # the reference as it is, never changed: nothing to record
        signer = ws.database.signer(paths.keys_dir(), conn)
        written = versions.put(
            conn, signer, entity=reference.SETTINGS_ENTITY, record_id=reference.settings_id(base.id), payload=payload
        )
    ws.reload_campaign()
    return EVERYTHING if written is not None else NOTHING


def _reference(ws: Workspace) -> Campaign:
    assert ws.reference_campaign is not None
    return ws.reference_campaign


__all__ = ["current", "save", "validate", "work_by_county"]
