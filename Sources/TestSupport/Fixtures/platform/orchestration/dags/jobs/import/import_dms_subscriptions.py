import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.google.cloud.hooks.gcs import GCSHook
from airflow.providers.google.cloud.transfers.gcs_to_bigquery import GCSToBigQueryOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID
from google.cloud import bigquery

DMS_EXPORT_URI = "gs://{}/dms_export/".format(DATA_GCS_BUCKET_NAME)


def count_dms_files(**kwargs):
    gcs_hook = GCSHook()
    return len(gcs_hook.list(bucket_name=DATA_GCS_BUCKET_NAME, prefix="dms_export/"))


def load_dms_pro(**kwargs):
    client = bigquery.Client()
    job = client.load_table_from_uri(
        f"{DMS_EXPORT_URI}dms_pro_*.parquet",
        f"{GCP_PROJECT_ID}.raw_{ENV_SHORT_NAME}.dms_pro",
    )
    job.result()


with DAG(
    "import_dms_subscriptions",
    start_date=datetime.datetime(2023, 1, 1),
    schedule_interval="0 2 * * *",
) as dag:
    count_files = PythonOperator(task_id="count_dms_files", python_callable=count_dms_files)

    import_jeunes = GCSToBigQueryOperator(
        task_id="import_dms_jeunes",
        bucket=DATA_GCS_BUCKET_NAME,
        source_objects=["dms_export/dms_jeunes_*.parquet"],
        destination_project_dataset_table=f"{GCP_PROJECT_ID}.raw_{ENV_SHORT_NAME}.dms_jeunes",
        source_format="PARQUET",
    )

    import_pro = PythonOperator(task_id="import_dms_pro", python_callable=load_dms_pro)

    count_files >> [import_jeunes, import_pro]
