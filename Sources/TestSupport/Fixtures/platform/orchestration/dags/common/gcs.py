from dataclasses import dataclass

from google.cloud import storage


@dataclass
class Folder:
    """A folder of a GCS bucket."""

    bucket: str
    folder_name: str

    def uri(self, name):
        return f"gs://{self.bucket}/{self.folder_name}/{name}"

    def list(self):
        return [b.name for b in storage.Client().list_blobs(self.bucket, prefix=self.folder_name)]


def upload_manifest(bucket_name, folder, content):
    storage.Client().bucket(bucket_name).blob(f"{folder}/manifest.json").upload_from_string(content)
