import datetime

from airflow import DAG
from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

TABLES = {
    "firebase_events": {"dataset_id": f"raw_{ENV_SHORT_NAME}", "look_back_months": 24, "folder": "tracking"},
    "native_event": {"dataset_id": f"int_firebase_{ENV_SHORT_NAME}", "look_back_months": 12, "folder": "int_firebase"},
    "past_offer_context": {"dataset_id": f"raw_{ENV_SHORT_NAME}", "look_back_months": 6, "folder": "api_reco"},
}

with DAG(
    "bigquery_archive_partition",
    start_date=datetime.datetime(2023, 1, 1),
    schedule_interval="0 3 1 */3 *",  # quarterly
    catchup=False,
) as dag:
    for table_id, params in TABLES.items():
        folder = params["folder"]
        partition = "{{ macros.ds_format(macros.ds_add(ds, -30), '%Y-%m-%d', '%Y%m%d') }}"
        export_bq = BigQueryInsertJobOperator(
            task_id=f"export_{table_id}_to_gcs",
            configuration={
                "extract": {
                    "sourceTable": {
                        "projectId": GCP_PROJECT_ID,
                        "datasetId": params["dataset_id"],
                        "tableId": f"{table_id}${partition}",
                    },
                    "destinationUris": [
                        f"gs://{DATA_GCS_BUCKET_NAME}/historization/{folder}/{table_id}/{partition}_{table_id}_*.parquet"
                    ],
                    "destinationFormat": "PARQUET",
                }
            },
        )
