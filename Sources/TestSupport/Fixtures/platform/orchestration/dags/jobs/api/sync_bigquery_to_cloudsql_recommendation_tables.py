import datetime

from airflow import DAG
from airflow.providers.google.cloud.transfers.bigquery_to_gcs import BigQueryToGCSOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

RECOMMENDATION_TABLES = ["past_offer_context", "enriched_user"]

with DAG(
    "sync_bigquery_to_cloudsql_recommendation_tables",
    start_date=datetime.datetime(2024, 1, 1),
    schedule_interval="0 1 * * *",
) as dag:
    for table in RECOMMENDATION_TABLES:
        export_table = BigQueryToGCSOperator(
            task_id=f"export_{table}_to_gcs",
            source_project_dataset_table=f"{GCP_PROJECT_ID}.ml_reco_{ENV_SHORT_NAME}.{table}",
            destination_cloud_storage_uris=[
                f"gs://{DATA_GCS_BUCKET_NAME}/export/cloudsql_recommendation_tables_to_bigquery/{{{{ ts_nodash }}}}/{table}-*.parquet"
            ],
            export_format="PARQUET",
        )
