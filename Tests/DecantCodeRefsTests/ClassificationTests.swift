import DecantCodeRefs
import DecantCore
import Testing

/// Direction rules (see `DirectionClassifier`), one snippet each.
@Suite struct ClassificationTests {
    static let cases: [(String, String, CodeReference.Direction)] = [
        // Called names.
        ("a.py", #"df.to_parquet("gs://data-bucket-dev/historization/x/p.parquet")"#, .write),
        ("a.py", #"df = pd.read_csv("gs://data-bucket-dev/historization/x/p.csv")"#, .read),
        ("a.py", #"export_table("gs://data-bucket-dev/historization/x/")"#, .write),
        ("a.py", #"client.load_table_from_uri("gs://data-bucket-dev/historization/x/*.parquet", "p.d.t")"#, .read),
        ("a.py", #"op = BigQueryToGCSOperator(task_id="t", source_project_dataset_table="p.d.t", destination_cloud_storage_uris=[f"gs://{DATA_GCS_BUCKET_NAME}/historization/x/*.csv"])"#, .write),
        ("a.py", #"op = GCSToBigQueryOperator(task_id="t", bucket=DATA_GCS_BUCKET_NAME, source_objects=["historization/x/*.csv"], destination_project_dataset_table="p.d.t")"#, .read),
        ("a.py", #"op = LocalFilesystemToGCSOperator(task_id="t", src="/tmp/r.html", dst="historization/r.html", bucket=DATA_GCS_BUCKET_NAME)"#, .write),
        ("a.py", #"op = GCSToLocalFilesystemOperator(task_id="t", bucket=DATA_GCS_BUCKET_NAME, object_name="historization/r.html", filename="/tmp/r.html")"#, .read),
        ("a.py", #"found = hook.exists(DATA_GCS_BUCKET_NAME, "historization/_SUCCESS")"#, .read),
        ("a.py", #"names = hook.list(DATA_GCS_BUCKET_NAME, prefix="historization/x/")"#, .read),
        ("a.py", #"hook.upload(bucket_name=DATA_GCS_BUCKET_NAME, object_name="historization/x.json", data="{}")"#, .write),
        ("a.py", #"storage.Client().bucket(DATA_GCS_BUCKET_NAME).blob("historization/x.json").upload_from_filename("/tmp/x.json")"#, .write),
        ("a.py", #"storage.Client().bucket(DATA_GCS_BUCKET_NAME).blob("historization/x.json").download_to_filename("/tmp/x.json")"#, .read),
        // Keys of dicts and keyword arguments.
        ("a.py", #"job = {"extract": {"destinationUris": [f"gs://{DATA_GCS_BUCKET_NAME}/historization/x/*.parquet"]}}"#, .write),
        ("a.py", #"job = {"load": {"sourceUris": [f"gs://{DATA_GCS_BUCKET_NAME}/historization/x/*.parquet"]}}"#, .read),
        ("a.json", #"{"output_uri": "gs://data-bucket-dev/historization/x/"}"#, .write),
        // SQL statements.
        ("a.sql", "EXPORT DATA OPTIONS (uri = 'gs://data-bucket-dev/historization/x/*.parquet', format = 'PARQUET') AS SELECT 1", .write),
        ("a.sql", "LOAD DATA INTO d.t FROM FILES (format = 'PARQUET', uris = ['gs://data-bucket-dev/historization/x/*.parquet'])", .read),
        ("a.sql", "CREATE EXTERNAL TABLE d.t OPTIONS (format = 'CSV', uris = ['gs://data-bucket-dev/historization/x/*.csv'])", .read),
        ("a.py", "QUERY = \"\"\"\nEXPORT DATA OPTIONS (uri = 'gs://data-bucket-dev/historization/x/*.csv') AS\nSELECT 1\n\"\"\"", .write),
        // Command lines.
        ("a.sh", "gsutil -m cp -r ./out gs://data-bucket-dev/historization/x/", .write),
        ("a.sh", "gsutil cp gs://data-bucket-dev/historization/x/a.csv ./in/", .read),
        ("a.sh", "gcloud storage cp gs://data-bucket-dev/historization/a.csv \\\n  ./in/", .read),
        ("a.sh", "gsutil cat gs://data-bucket-dev/historization/x/a.csv | head", .read),
        ("a.sh", "bq load --source_format=CSV d.t gs://data-bucket-dev/historization/x/a.csv", .read),
        ("a.sh", "bq extract d.t gs://data-bucket-dev/historization/x/a.csv", .write),
        ("a.py", #"t = BashOperator(task_id="t", bash_command="gsutil cp /tmp/x.csv gs://data-bucket-dev/historization/x.csv")"#, .write),
        // The variable the path is assigned to, and where it is used next.
        ("a.py", "PATH = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\n\ndef f(df):\n    df.to_csv(f\"{PATH}/a.csv\")\n", .write),
        ("a.py", "p = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x.json\"\nblob = storage.Blob.from_string(p)\nblob.upload_from_string('{}')\n", .write),
        ("a.py", "PATH = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\na = pd.read_csv(PATH)\npd.DataFrame().to_csv(PATH)\n", .both),
        // A module-level name through the whole file, and a dict entry through its subscripts.
        ("a.py", "PATH = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\n" + String(repeating: "x = 1\n", count: 120)
            + "pd.DataFrame().to_csv(PATH)\n", .write),
        ("a.py", "CFG = {\"IN\": f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\", \"OUT\": \"y\"}\n"
            + "pd.read_csv(CFG[\"IN\"])\npd.DataFrame().to_csv(CFG[\"OUT\"])\n", .read),
        // Deleting, cleaning up, creating, generating, rendering are writes.
        ("a.py", #"op = GCSDeleteObjectsOperator(task_id="t", bucket_name=DATA_GCS_BUCKET_NAME, prefix="historization/x/")"#, .write),
        ("a.sh", "gsutil -m rm -r gs://data-bucket-dev/historization/x/", .write),
        ("a.py", #"op = PythonOperator(task_id="t", python_callable=render_report, op_args=[f"gs://{DATA_GCS_BUCKET_NAME}/historization/x/"])"#, .write),
        ("a.py", #"op = BigQueryCreateExternalTableOperator(task_id="t", bucket=DATA_GCS_BUCKET_NAME, source_objects=["historization/x/*.csv"])"#, .read),
        ("a.py", #"DESTINATION_URI = "gs://data-bucket-dev/historization/x/""#, .write),
        ("a.py", #"INPUT_PATH = "gs://data-bucket-dev/historization/x/""#, .read),
        // YAML keys: the value's own key, then its parents; "prefix" yields to them.
        ("a.yaml", "export:\n  bucket: data-bucket-dev\n  prefix: historization/x/\n", .write),
        ("a.yaml", "sources:\n  - gs://data-bucket-dev/historization/x/\n", .read),
        // Nothing to go on.
        ("a.md", "Files live in gs://data-bucket-dev/historization/x/.", .unknown),
        ("a.py", "# see gs://data-bucket-dev/historization/x/\n", .unknown),
    ]

    @Test(arguments: cases)
    func direction(file: String, code: String, expected: CodeReference.Direction) async throws {
        let repo = try SnippetRepo([file: code])
        defer { repo.remove() }
        let scan = try await repo.scan()
        // The place the location is written (its uses, found by following the name, come after it).
        let refs = scan.references.filter { $0.migration == "historization" && $0.via != .local }
        let written = refs.filter { $0.line == refs.first?.line }
        #expect(written.count == 1, "\(scan.references) \(scan.unresolved)")
        #expect(written.first?.direction == expected)
    }
}

/// What is and is not a reference to the source bucket.
@Suite struct RecognitionTests {
    static let notReferences: [(String, String)] = [
        ("a.py", #"ML_BUCKET_TEMP = f"data-bucket-ml-temp-{ENV_SHORT_NAME}""#),
        ("a.py", #"URI = "gs://my-data-bucket-dev/historization/x/""#),
        ("a.py", #"URI = "gs://data-bucket-devx/historization/x/""#),
        ("a.py", #"URI = "gs://data-bucket-dev2/historization/x/""#),
        ("a.py", #"URI = "gs://seed-data-bucket-{ENV_SHORT_NAME}/historization/x/""#),
        ("a.py", #"NAME = os.environ["DATA_GCS_BUCKET_NAME"]"#),
        ("a.py", "from common.config import DATA_GCS_BUCKET_NAME\n"),
        ("a.py", "from common.config import (\n    DATA_GCS_BUCKET_NAME,\n    ENV,\n)\n"),
        ("a.py", "# DATA_GCS_BUCKET_NAME is set by the deployment\n"),
        ("a.py", #"logging.info("uses DATA_GCS_BUCKET_NAME for everything")"#),
        ("a.md", "Set DATA_GCS_BUCKET_NAME before running.\n"),
        ("a.py", "MY_DATA_GCS_BUCKET_NAME_2 = 1\n"),
    ]

    @Test(arguments: notReferences)
    func ignored(file: String, code: String) async throws {
        let repo = try SnippetRepo([file: code])
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(scan.references.isEmpty && scan.unresolved.isEmpty && scan.otherEnvironments.isEmpty,
                "\(scan.references + scan.unresolved + scan.otherEnvironments)")
    }

    static let forms: [(String, String, CodeReference.Form, String, String)] = [
        ("a.py", #"U = "gs://data-bucket-dev/historization/x/""#, .literal, "data-bucket-dev", "historization/x/"),
        ("a.txt", "data-bucket-dev/historization/x/a.csv", .literal, "data-bucket-dev", "historization/x/a.csv"),
        ("a.py", #"U = f"gs://data-bucket-{ENV_SHORT_NAME}/historization/x/""#, .templated, "data-bucket-{ENV_SHORT_NAME}", "historization/x/"),
        ("a.sh", #"U="gs://data-bucket-${ENV}/historization/x/""#, .templated, "data-bucket-${ENV}", "historization/x/"),
        ("a.sh", #"U="gs://data-bucket-$ENV/historization/x/""#, .templated, "data-bucket-$ENV", "historization/x/"),
        ("a.md", "gs://data-bucket-<env>/historization/x/", .templated, "data-bucket-<env>", "historization/x/"),
        ("a.sql", #"SELECT "gs://data-bucket-{{ env_var('ENV', 'dev') }}/historization/x/""#, .templated, "data-bucket-{{ env_var('ENV', 'dev') }}", "historization/x/"),
        ("a.py", #"U = f"gs://{DATA_GCS_BUCKET_NAME}/historization/{d}/x""#, .constant, "{DATA_GCS_BUCKET_NAME}", "historization/{d}/x"),
        ("a.py", #"U = "gs://{b}/historization/x/".format(b=DATA_GCS_BUCKET_NAME)"#, .constant, "DATA_GCS_BUCKET_NAME", "historization/x/"),
        ("a.py", #"U = "{}/{}/historization/x/".format(ENV, DATA_GCS_BUCKET_NAME)"#, .constant, "DATA_GCS_BUCKET_NAME", "historization/x/"),
        ("a.sh", #"gsutil ls "gs://${DATA_GCS_BUCKET_NAME}/historization/x/""#, .constant, "${DATA_GCS_BUCKET_NAME}", "historization/x/"),
        ("a.py", "h.list(\n    DATA_GCS_BUCKET_NAME,\n    prefix=\"historization/x/\" + day,\n)", .split, "DATA_GCS_BUCKET_NAME", "historization/x/"),
        ("a.py", #"h.copy(source_bucket=DATA_GCS_BUCKET_NAME, source_object="historization/x.csv", destination_bucket="other", destination_object="y.csv")"#, .split, "DATA_GCS_BUCKET_NAME", "historization/x.csv"),
        ("a.py", #"cfg = {"bucket": "data-bucket-dev", "prefix": "historization/x/"}"#, .split, "data-bucket-dev", "historization/x/"),
        ("a.py", "B = DATA_GCS_BUCKET_NAME\n\ndef f():\n    return hook.list(B, prefix=\"historization/x/\")\n", .split, "B", "historization/x/"),
        ("a.py", "b = client.bucket(DATA_GCS_BUCKET_NAME)\nrows = b.list_blobs(prefix=\"historization/x/\")\n", .split, "DATA_GCS_BUCKET_NAME", "historization/x/"),
    ]

    @Test(arguments: forms)
    func form(file: String, code: String, form: CodeReference.Form, bucket: String, path: String) async throws {
        let repo = try SnippetRepo([file: code])
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(scan.references.map { "\($0.form) \($0.bucketText) \($0.objectPath) \($0.migration ?? "-")" }
                == ["\(form) \(bucket) \(path) historization"], "\(scan.unresolved)")
    }

    @Test func pathResolution() async throws {
        let repo = try SnippetRepo(["a.txt": """
            gs://data-bucket-dev/historization/tracking/x.parquet
            gs://data-bucket-dev/historization
            gs://data-bucket-dev/hist{x}/
            gs://data-bucket-dev/other/x
            gs://data-bucket-dev/{folder}/x
            gs://data-bucket-dev
            """])
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(scan.references.map { "\($0.line) \($0.migration ?? "-") \($0.unrewritableReason == nil)" } == [
            "1 historization true", "2 historization true", "3 historization false", "4 - true",
        ])
        #expect(scan.unresolved.map { "\($0.line) \($0.unrewritableReason ?? "")" } == [
            "5 the object path starts with a template ({folder}/x)",
            "6 names the bucket without an object path",
        ])
    }
}
