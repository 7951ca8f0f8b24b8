import datetime

from airflow import DAG
from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

BUCKET_PATH = f"gs://{DATA_GCS_BUCKET_NAME}/export/cloudsql_recommendation_tables_to_bigquery"
RECOMMENDATION_TABLES = ["past_offer_context", "enriched_user", "qpi_answers"]

with DAG(
    "sync_cloudsql_recommendation_tables_to_bigquery",
    start_date=datetime.datetime(2024, 1, 1),
    schedule_interval="30 * * * *",
) as dag:
    for table in RECOMMENDATION_TABLES:
        import_table = BigQueryInsertJobOperator(
            task_id=f"import_{table}",
            configuration={
                "load": {
                    "sourceUris": [f"{BUCKET_PATH}/{{{{ ts_nodash }}}}/{table}.parquet"],
                    "sourceFormat": "PARQUET",
                    "destinationTable": {
                        "projectId": GCP_PROJECT_ID,
                        "datasetId": f"raw_{ENV_SHORT_NAME}",
                        "tableId": f"cloudsql_{table}",
                    },
                    "writeDisposition": "WRITE_TRUNCATE",
                }
            },
        )
