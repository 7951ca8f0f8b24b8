from conf.settings import INBOX, STORE

DAILY_ROOT = f"gs://{STORE}/{INBOX}/daily"
