# What make cloud-train / cloud-deploy read back (scripts/cloud.sh) and what a person needs next.
# scripts/cloud.sh applies with -target, and a targeted apply refreshes only the outputs that refer
# to targeted resources: the outputs it reads therefore refer to the instance, the repository or
# the function, never to variables alone.

output "bucket_uri" {
  description = "Root of everything this deployment stores: s3://BUCKET/PREFIX/."
  value       = local.bucket_uri
}

output "bundle_uri" {
  description = "Where make cloud-train uploads the CLI bundle and the instance fetches it."
  value       = local.bundle_uri
}

output "job_spec_key" {
  description = "Key of the job spec the training instance runs; empty without one."
  value       = try(aws_instance.training[0].tags["D2llmJob"], "")
}

output "job_output_uri" {
  description = "The running job's output location (the spec's output:); empty without a job."
  value       = length(aws_instance.training) > 0 ? local.job_output_uri : ""
}

output "training_instance_id" {
  description = "The training instance; empty without a job. It terminates itself when the job ends."
  value       = try(aws_instance.training[0].id, "")
}

output "training_log_uri" {
  description = "Where the instance uploads its boot-script log (instance-ID.log) when it finishes."
  value       = length(aws_instance.training) > 0 ? "${local.job_output_uri}logs/" : ""
}

output "training_shell_command" {
  description = "A shell on the running instance through SSM Session Manager (needs the session-manager-plugin); the live log is /var/log/d2llm-job.log."
  value       = length(aws_instance.training) > 0 ? "aws ssm start-session --region ${var.aws_region} --target ${aws_instance.training[0].id}" : ""
}

output "ecr_repository_url" {
  description = "ECR repository for the function's images; make cloud-deploy pushes here."
  value       = aws_ecr_repository.function.repository_url
}

output "ecr_repository_name" {
  description = "Name of that repository."
  value       = aws_ecr_repository.function.name
}

output "function_name" {
  description = "The Lambda function's name; empty before the first make cloud-deploy."
  value       = try(aws_lambda_function.search[0].function_name, "")
}

output "function_image_uri" {
  description = "The image the function runs; empty before the first make cloud-deploy."
  value       = try(aws_lambda_function.search[0].image_uri, "")
}

output "function_url" {
  description = "The function URL (https://....lambda-url.REGION.on.aws/); empty before the first make cloud-deploy."
  value       = try(aws_lambda_function_url.search[0].function_url, "")
}

output "function_url_auth_type" {
  description = "AWS_IAM (sign requests with SigV4, service lambda) or NONE (send X-API-Key); empty before the first make cloud-deploy."
  value       = try(aws_lambda_function_url.search[0].authorization_type, "")
}

output "function_invoker_policy_arn" {
  description = "With AWS_IAM: the managed policy to attach to whoever may call the function URL; empty otherwise."
  value       = try(aws_iam_policy.function_invoker[0].arn, "")
}

output "index_uri" {
  description = "The index the function serves (D2LLM_INDEX_URI); publish one there with ./d2llm index build --out or index copy."
  value       = local.index_uri
}
