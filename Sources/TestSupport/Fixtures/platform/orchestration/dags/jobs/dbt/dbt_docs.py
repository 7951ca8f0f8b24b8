import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from common.reports import publish_report

# Publishes the dbt docs next to the elementary reports (see elementary_reports/ in the README).
with DAG("dbt_docs", start_date=datetime.datetime(2024, 1, 1), schedule_interval="0 8 * * *") as dag:
    publish_docs = PythonOperator(
        task_id="elementary_reports_docs",
        python_callable=publish_report,
        op_kwargs={"report_path": "elementary_reports/{{ ds }}/dbt_docs.html", "title": "elementary_reports"},
    )
    render_lineage = PythonOperator(
        task_id="render_lineage",
        python_callable=publish_report,
        op_kwargs={"source_file": "/opt/airflow/dags/data_gcp_dbt/target/lineage.html",
                   "output_uri": "lineage/{{ ds }}/lineage.html"},
    )
