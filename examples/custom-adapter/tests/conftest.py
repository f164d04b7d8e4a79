# utrex_sdk's test kit: the `utrex_snapshot` fixture (syrupy, readable UTREx snapshots).
pytest_plugins = ["utrex_sdk.testing.plugin"]
