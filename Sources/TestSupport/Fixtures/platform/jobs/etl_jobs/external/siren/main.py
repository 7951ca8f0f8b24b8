import click
import pandas as pd
import requests


def fetch_siren(api_url):
    return pd.DataFrame(requests.get(api_url, timeout=60).json()["unites_legales"])


def save(frame, bucket, day):
    frame.to_parquet(f"gs://{bucket}/siren/raw/{day}/siren.parquet")


@click.command()
@click.option("--gcs-bucket", "bucket", required=True, help="Where the raw files go.")
@click.option("--day", required=True)
def main(bucket, day):
    save(fetch_siren("https://api.insee.fr/entreprises/sirene/V3"), bucket, day)


if __name__ == "__main__":
    main()
