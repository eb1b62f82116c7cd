# Import by name prefix: the filters, alarms and topic named <name_prefix>… are adopted and the
# inputs (log group, thresholds, api_gateway blocks in api_id order) are read back from them.
terraform import secbaseline_alarms.main secbaseline-
