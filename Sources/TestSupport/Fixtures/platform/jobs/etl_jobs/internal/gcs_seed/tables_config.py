REF_TABLES = {
    "qpi_mapping": {"file_name": "qpi_mapping", "file_type": "parquet"},
    "macro_rayons": {"file_name": "macro_rayons", "file_type": "csv"},
    "eac_cash_in": {"file_name": "eac_cash_in", "file_type": "csv"},
    "institution_metadata": {"file_name": "institution_metadata", "file_type": "csv"},
    "iris_france": {"file_name": "iris_france", "file_type": "csv"},
    "geo_iris": {"file_name": "geo_iris", "file_type": "parquet"},
    "epci": {"file_name": "epci", "file_type": "avro"},
    "zrr": {"file_name": "zrr", "file_type": "avro"},
}
