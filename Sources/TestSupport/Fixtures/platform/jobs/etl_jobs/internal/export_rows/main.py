import typer
from google.cloud import bigquery

app = typer.Typer()


def export_table(client: bigquery.Client, bucket_name: str, table: str, ds: str):
    destination = f"gs://{bucket_name}/rows/{table}/{ds}/rows-*.csv"
    client.extract_table(f"analytics.{table}", destination)


@app.command()
def main(
    bucket_name: str = typer.Option(..., help="The bucket the rows are exported to."),
    table: str = typer.Option(...),
    ds: str = typer.Option(...),
):
    export_table(bigquery.Client(), bucket_name, table, ds)


if __name__ == "__main__":
    app()
