# The training instance's boot script and the S3 locations it uses. Only variables feed these
# locals (no data sources, no resources), so scripts/test-terraform.sh renders the very same
# templatefile call offline, without the AWS provider, and runs shellcheck on the result.

locals {
  bucket_uri = "s3://${var.bucket_name}/${var.prefix}/"
  bundle_uri = "${local.bucket_uri}dist/d2llm-cli.tar.gz"

  # The spec names its own output location; make cloud-train reads it from the spec and passes it.
  job_name       = replace(basename(var.job_spec_key), "/\\.ya?ml$/", "")
  job_output_uri = var.job_output_uri != "" ? var.job_output_uri : "${local.bucket_uri}runs/${local.job_name}/"

  training_user_data = templatefile("${path.module}/templates/user_data.sh.tftpl", {
    aws_region   = var.aws_region
    bundle_uri   = local.bundle_uri
    job_spec_uri = "s3://${var.bucket_name}/${var.job_spec_key}"
    log_uri      = "${local.job_output_uri}logs/"
    java_package = var.training_java_package
    python       = var.training_python
    jni_uri      = "${local.bucket_uri}jni/"
    max_minutes  = var.training_max_hours * 60
  })
}
