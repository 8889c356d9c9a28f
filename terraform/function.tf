# The search function: a container image in ECR, run by Lambda behind a function URL. The image
# itself comes from the function module's lambda build (make cloud-deploy builds, pushes and sets
# function_image_ref to its digest); until then there is a repository and no function.

locals {
  function_enabled = var.function_image_ref != ""
  function_name    = "${var.name}-search"
  function_arn     = "arn:${data.aws_partition.current.partition}:lambda:${var.aws_region}:${data.aws_caller_identity.current.account_id}:function:${local.function_name}"

  # A digest pins the exact bytes pushed; a tag is resolved by Lambda when the function is updated.
  function_image_uri = (startswith(var.function_image_ref, "sha256:")
    ? "${aws_ecr_repository.function.repository_url}@${var.function_image_ref}"
  : "${aws_ecr_repository.function.repository_url}:${var.function_image_ref}")

  index_uri        = var.index_uri != "" ? var.index_uri : "${local.bucket_uri}index/"
  index_key_prefix = trimprefix(local.index_uri, "s3://${var.bucket_name}/") # e.g. d2llm/index/

  # The function's settings (function/src/main/resources/application.properties, FunctionConfig):
  # d2llm.index.uri, d2llm.index.cache-dir, d2llm.auth.enabled, d2llm.auth.api-key. Lambda's only
  # writable directory is /tmp, hence the caches there. Environment variables outrank the
  # application.properties' %prod.d2llm.auth.enabled=true, so AWS_IAM alone can serve without a key.
  # MALLOC_ARENA_MAX keeps glibc from giving each of libtorch's threads an arena of its own (the
  # image's JAVA_TOOL_OPTIONS caps the heap and the young generation); function_environment may
  # override it.
  function_environment = merge(
    { MALLOC_ARENA_MAX = "2" },
    var.function_environment,
    {
      D2LLM_INDEX_URI       = local.index_uri
      D2LLM_INDEX_CACHE_DIR = "/tmp/d2llm/index"
      DJL_CACHE_DIR         = "/tmp/djl" # DJL extracts libtorch and its JNI library here at start
      D2LLM_AUTH_ENABLED    = var.function_api_key != "" ? "true" : "false"
    },
    var.function_api_key != "" ? { D2LLM_AUTH_API_KEY = var.function_api_key } : {},
  )
}

# ---- Image repository -------------------------------------------------------------------------

resource "aws_ecr_repository" "function" {
  name                 = "${var.name}-function"
  image_tag_mutability = "IMMUTABLE" # every deploy pushes a new tag; a tag never changes meaning
  force_delete         = var.force_destroy

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "function" {
  repository = aws_ecr_repository.function.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Untagged images (layers of superseded pushes) after a day"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 1
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest ${var.ecr_keep_images} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_keep_images
        }
        action = { type = "expire" }
      },
    ]
  })
}

# Lambda pulls the image as its service principal, for this function only (the statement Lambda
# would otherwise add to the repository by itself on first deploy).
data "aws_iam_policy_document" "function_image_pull" {
  statement {
    sid     = "LambdaECRImageRetrievalPolicy"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "aws:sourceArn"
      values   = [local.function_arn, "${local.function_arn}:*"]
    }
  }
}

resource "aws_ecr_repository_policy" "function" {
  repository = aws_ecr_repository.function.name
  policy     = data.aws_iam_policy_document.function_image_pull.json
}

# ---- Execution role: its own log group, and read access to the index prefix only -------------

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.function_log_retention_days
}

data "aws_iam_policy_document" "function_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${var.name}-search"
  description        = "d2llm search function: its log group and read access to ${local.index_uri}"
  assume_role_policy = data.aws_iam_policy_document.function_assume.json
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }

  statement {
    sid       = "ListIndex"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artifacts.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.index_key_prefix, "${local.index_key_prefix}*"]
    }
  }

  statement {
    sid       = "ReadIndex"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/${local.index_key_prefix}*"]
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "logs-and-index-read"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

# ---- The function and its URL -----------------------------------------------------------------

resource "aws_lambda_function" "search" {
  count = local.function_enabled ? 1 : 0

  function_name                  = local.function_name
  description                    = "d2llm semantic search over ${local.index_uri}"
  role                           = aws_iam_role.function.arn
  package_type                   = "Image"
  image_uri                      = local.function_image_uri
  architectures                  = ["x86_64"] # the bundled libtorch is linux-x86_64
  memory_size                    = var.function_memory_mb
  timeout                        = var.function_timeout_s
  reserved_concurrent_executions = var.function_reserved_concurrency

  ephemeral_storage {
    size = var.function_ephemeral_storage_mb
  }

  environment {
    variables = local.function_environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function.name
  }

  depends_on = [aws_iam_role_policy.function, aws_ecr_repository_policy.function]
}

resource "aws_lambda_function_url" "search" {
  count = local.function_enabled ? 1 : 0

  function_name      = aws_lambda_function.search[0].function_name
  authorization_type = var.function_url_auth_type
  invoke_mode        = "BUFFERED"
}

# A public URL (NONE) needs both statements since Lambda's October 2025 change; the function's
# own API-key check (function_api_key, required by its validation) is then the only gate.
resource "aws_lambda_permission" "url_public" {
  count = local.function_enabled && var.function_url_auth_type == "NONE" ? 1 : 0

  statement_id           = "FunctionUrlPublicInvokeUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.search[0].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "url_public_invoke" {
  count = local.function_enabled && var.function_url_auth_type == "NONE" ? 1 : 0

  statement_id             = "FunctionUrlPublicInvoke"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.search[0].function_name
  principal                = "*"
  invoked_via_function_url = true
}

# With AWS_IAM, callers need this in an identity policy of their own: attach it to the users or
# roles that may search (function_invoker_policy_arn).
data "aws_iam_policy_document" "function_invoker" {
  statement {
    sid       = "InvokeSearchUrl"
    actions   = ["lambda:InvokeFunctionUrl"]
    resources = [local.function_arn]

    condition {
      test     = "StringEquals"
      variable = "lambda:FunctionUrlAuthType"
      values   = ["AWS_IAM"]
    }
  }

  statement {
    sid       = "InvokeSearch"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.function_arn]
  }
}

resource "aws_iam_policy" "function_invoker" {
  count = local.function_enabled && var.function_url_auth_type == "AWS_IAM" ? 1 : 0

  name        = "${var.name}-search-invoker"
  description = "May call the d2llm search function URL (${local.function_name}) with SigV4"
  policy      = data.aws_iam_policy_document.function_invoker.json
}
