# Import by name prefix: every rule named <name_prefix><rule> is adopted.
terraform import secbaseline_config_rules.main secbaseline-
