import datetime

from airflow import DAG
from airflow.models import Param
from airflow.operators.python import PythonOperator
from airflow.providers.google.cloud.operators.gcs import GCSDeleteObjectsOperator
from airflow.providers.google.cloud.transfers.bigquery_to_gcs import BigQueryToGCSOperator
from airflow.providers.google.cloud.transfers.gcs_to_gcs import GCSToGCSOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID
from common.gcs import Folder, upload_manifest

PARTNER_EXPORT_BUCKET = f"data-partners-export-bucket-{ENV_SHORT_NAME}"
feeds_folder_name = "outbox/feeds_archive"


def archive_listing(**kwargs):
    archive = Folder(DATA_GCS_BUCKET_NAME, feeds_folder_name)
    return archive.list()


def write_manifest(ds, **kwargs):
    upload_manifest(bucket_name=DATA_GCS_BUCKET_NAME, folder=f"outbox/manifests/{ds}", content="{}")


with DAG(
    "export_partner_feeds",
    start_date=datetime.datetime(2024, 1, 1),
    schedule_interval="0 8 * * *",
    params={
        "bucket_name": Param(default=DATA_GCS_BUCKET_NAME, type="string"),
        "bucket_folder": Param(default="outbox/feeds", type="string"),
    },
) as dag:
    export_feed = BigQueryToGCSOperator(
        task_id="export_feed",
        source_project_dataset_table=f"{GCP_PROJECT_ID}.export_{ENV_SHORT_NAME}.partner_feed",
        destination_cloud_storage_uris=["gs://{{ params.bucket_name }}/{{ params.bucket_folder }}/{{ ds_nodash }}/feed-*.csv"],
        export_format="CSV",
    )
    publish_feed = GCSToGCSOperator(
        task_id="publish_feed",
        source_bucket="{{ params.bucket_name }}",
        source_object="{{ params.bucket_folder }}/{{ ds_nodash }}/*.csv",
        destination_bucket=PARTNER_EXPORT_BUCKET,
        destination_object="feeds/{{ ds_nodash }}/",
    )
    clean_feed = GCSDeleteObjectsOperator(
        task_id="clean_feed",
        bucket_name="{{ params.bucket_name }}",
        prefix="{{ params.bucket_folder }}",
    )
    list_archive = PythonOperator(task_id="list_archive", python_callable=archive_listing)
    manifest = PythonOperator(task_id="write_manifest", python_callable=write_manifest)

    export_feed >> publish_feed >> clean_feed >> [list_archive, manifest]
