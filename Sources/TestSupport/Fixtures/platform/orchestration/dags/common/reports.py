def publish_report(report_path=None, title=None, source_file=None, output_uri=None, **kwargs):
    """Uploads a rendered report to the reports bucket configured on the Airflow connection."""
    return report_path or output_uri
