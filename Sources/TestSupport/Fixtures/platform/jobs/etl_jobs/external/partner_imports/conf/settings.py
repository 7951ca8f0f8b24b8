import os

STAGE = os.environ.get("ENV_SHORT_NAME", "dev")

# The partners drop their files in a bucket of their own.
STORE = "partner-drop-zone"
SNAPSHOT_ROOT = f"gs://{STORE}/offer_snapshots"
INBOX = "inbox"
