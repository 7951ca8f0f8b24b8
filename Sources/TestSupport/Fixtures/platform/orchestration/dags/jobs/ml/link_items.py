import datetime

from airflow import DAG
from airflow.providers.google.cloud.transfers.bigquery_to_gcs import BigQueryToGCSOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

RUN_ID = "{{ ts_nodash }}"

with DAG("link_items", start_date=datetime.datetime(2024, 1, 1), schedule_interval=None) as dag:
    export_items = BigQueryToGCSOperator(
        task_id="export_items_to_link",
        source_project_dataset_table=f"{GCP_PROJECT_ID}.ml_preproc_{ENV_SHORT_NAME}.items_to_link",
        destination_cloud_storage_uris=[f"gs://{DATA_GCS_BUCKET_NAME}/link_items/{RUN_ID}/items-*.parquet"],
        export_format="PARQUET",
    )
