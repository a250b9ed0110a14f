"""What an import does with each object type, per the public pages as they are now.

Sources (each rule below names its own):
- UI guide, `current/ui-sandbox-tooling.md` ("Objects supported for sandbox tooling", the
  import notes, "Export and import an entire sandbox");
- the platform's release notes of August 2025 ("dependency object de-duplication"), as
  summarised in `exim-api-facts.md` ("Reuse in the target is decided per object type");
- the import report of the earlier tools page (`current/tools-older-with-artifact-endpoints.md`,
  "Retrieve contents of a specific file within a snapshot"): the message statuses `CREATED`,
  `OBJECT_REUSED` and `OBJECT_EXISTS`, and copies whose titles end in `_<epoch ms>`.

Where the pages name an object but not its API type (campaigns, custom actions, channel
configurations, events, decisioning rules and rankings), the emulator uses the UPPER_CASE
name below; docs/emulator.md lists them as the emulator's choice.
"""

from __future__ import annotations

#: Reused when the target holds an object of the same type and title, even when the import
#: would create new ("If an existing object with the same name is detected when importing
#: Schemas/Field Groups [Audiences], Sandbox tooling will always reuse the existing object";
#: release notes: also decisioning ranking formulas and rules). Identity namespaces: the UI
#: guide says standard namespaces are de-duplicated and that "the system auto-detects if a new
#: identity needs to be created [or] an existing one needs to be reused"; a namespace's
#: identity symbol is unique within a sandbox, so the emulator reuses any namespace of the same
#: title.
REUSE_BY_TITLE = frozenset(
    {
        "REGISTRY_SCHEMA",
        "REGISTRY_MIXIN",
        "PROFILE_SEGMENT",
        "ID_NAMESPACE",
        "DECISION_RULE",
        "RANKING_FORMULA",
    }
)

#: Never created: "In the target sandbox, you cannot create a new merge policy, you can only use
#: an existing one", and "System will auto select default Merge Policy in target sandbox". The
#: emulator uses the one of the same title, else the target's first (its default); a target
#: with none fails the job.
REUSE_ONLY = frozenset({"PROFILE_MERGE"})

#: Always a new object, never mapped by title or id: journeys arrive as new copies ("The system
#: copies the events [...] and creates a new version in the target sandbox"; actions "will always
#: create a new version"). The emulator models a new version as a new object.
ALWAYS_NEW = frozenset({"JOURNEY", "EVENT"})

#: Reused when an identical one exists in the target, else skipped (not created): "If no
#: matching configuration is found, the channel configuration is skipped during import, and
#: users must manually update the channel settings". Identical = same title, for the emulator.
REUSE_OR_SKIP = frozenset({"CHANNEL_CONFIGURATION"})

#: The state a created object lands in ("The following objects are imported but are in a draft
#: or disabled status", and the notes of each object): stored on the target artifact and shown
#: by the admin listing.
LANDS: dict[str, dict[str, str]] = {
    "JOURNEY": {"status": "DRAFT"},
    "FLOW": {"status": "DRAFT", "sourceCredentials": "NOT_COPIED"},
    "DULE_CONSENT_POLICY": {"status": "DISABLED"},
    "CATALOG_DATASET": {"unifiedProfile": "DISABLED"},
    "REGISTRY_SCHEMA": {"unifiedProfile": "DISABLED"},
    "CUSTOM_ACTION": {"secrets": "REPLACED"},
    "CAMPAIGN": {"status": "DRAFT"},
}

#: Not in a whole-sandbox (FULL) package: "only Real-time Customer Data Platform objects are
#: supported when exporting or importing an entire sandbox. Adobe Journey Optimizer objects
#: such as journeys are not supported" (and `JOURNEY` is "Full Sandbox: No" in the artifact
#: table of packages.md "Add artifacts to a package").
NOT_IN_FULL = frozenset(
    {
        "JOURNEY",
        "CAMPAIGN",
        "CUSTOM_ACTION",
        "CONTENT_TEMPLATE",
        "FRAGMENT",
        "EVENT",
        "CHANNEL_CONFIGURATION",
        "DECISION_RULE",
        "RANKING_FORMULA",
    }
)

# Message statuses of a task (the earlier tools page's import report; tools.md).
CREATED = "CREATED"
REUSED = "OBJECT_REUSED"
EXISTS = "OBJECT_EXISTS"
#: No page shows the status of a skipped channel configuration: the emulator's word.
SKIPPED = "OBJECT_SKIPPED"
FAILED = "FAILED"


def same_title(a: str | None, b: str | None) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()
