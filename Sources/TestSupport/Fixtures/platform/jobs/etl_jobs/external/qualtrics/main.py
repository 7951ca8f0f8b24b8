import os
from datetime import date

import pandas as pd
from google.cloud import storage

ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")


def export_answers(answers: pd.DataFrame, survey_id: str):
    export_date = date.today().strftime("%Y%m%d")
    base = f"gs://{DATA_GCS_BUCKET_NAME}/qualtrics_exports"
    path = base + f"/{survey_id}/answers_{export_date}.csv"
    answers.to_csv(path, index=False)


def clean_old_exports(survey_id: str):
    client = storage.Client()
    bucket = client.bucket(DATA_GCS_BUCKET_NAME)
    name = os.path.join("qualtrics_exports", survey_id, "tmp")
    for blob in bucket.list_blobs(prefix=name):
        blob.delete()


def load_opt_outs():
    folder = "/".join(["qualtrics_opt_out", "latest"])
    blob = storage.Client().bucket(DATA_GCS_BUCKET_NAME).get_blob("{}/opt_out.csv".format(folder))
    return pd.read_csv(blob.open("r"))


def download_survey_file(survey_id: str, filename: str):
    key = "qualtrics_surveys/" + survey_id + "/" + filename
    bucket = storage.Client().get_bucket(DATA_GCS_BUCKET_NAME)
    bucket.blob(key).download_to_filename(f"/tmp/{filename}")
