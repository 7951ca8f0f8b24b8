import argparse

import pandas as pd


def parse_args():
    parser = argparse.ArgumentParser(description="Prepares the features of the user clusters.")
    parser.add_argument("--gcs-bucket", dest="bucket", required=True)
    parser.add_argument("--output-folder", default="clusterisation/features")
    return parser.parse_args()


def main():
    args = parse_args()
    users = pd.read_parquet(f"gs://{args.bucket}/clusterisation/input/users.parquet")
    users.describe().to_parquet(f"gs://{args.bucket}/{args.output_folder}/users_features.parquet")


if __name__ == "__main__":
    main()
