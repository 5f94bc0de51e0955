"""Results as tables: records, metrics, bands and statistics, and (`io`) the output-directory
contract. Nothing here reads model objects."""
