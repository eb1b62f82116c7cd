# A trail is imported by its name.
terraform import secbaseline_cloudtrail.main main
