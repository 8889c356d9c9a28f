# Every input, with its rules. The Makefile's cloud targets (scripts/cloud.sh) set aws_region,
# bucket_name, prefix and the per-run values (job_spec_key, job_output_uri, function_image_ref,
# index_uri, force_destroy); the rest have defaults and can be set in terraform/terraform.tfvars
# (see terraform.tfvars.example). scripts/test-terraform.sh checks these rules offline.

# ---- Where everything lives ---------------------------------------------------------------

variable "aws_region" {
  description = "AWS region for every resource, e.g. eu-west-1. The bucket, the instance and the function all live here."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))
    error_message = "aws_region must look like an AWS region code such as us-east-1 or eu-central-1."
  }
}

variable "name" {
  description = "Name prefix of the IAM roles, security group, ECR repository, Lambda function and log group; distinct per deployment in one account."
  type        = string
  default     = "d2llm"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,29}$", var.name))
    error_message = "name must be 2 to 30 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "bucket_name" {
  description = "Name of the artifact bucket Terraform creates (globally unique). Holds the CLI bundle, job specs, run outputs and indexes under prefix."
  type        = string

  validation {
    condition = (
      can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name))
      && !startswith(var.bucket_name, "xn--")
      && !startswith(var.bucket_name, "sthree-")
      && !startswith(var.bucket_name, "amzn-s3-demo-")
      && !endswith(var.bucket_name, "-s3alias")
      && !endswith(var.bucket_name, "--ol-s3")
      && !endswith(var.bucket_name, "--x-s3")
      && !endswith(var.bucket_name, "--table-s3")
    )
    error_message = "bucket_name must follow S3's naming rules: 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without S3's reserved prefixes (xn--, sthree-, amzn-s3-demo-) and suffixes (-s3alias, --ol-s3, --x-s3, --table-s3). Dots are refused here too: they break TLS for virtual-hosted requests."
  }
}

variable "prefix" {
  description = "Key prefix inside the bucket, without leading or trailing slash (e.g. d2llm or team/d2llm). The instance and the function may touch nothing outside it."
  type        = string
  default     = "d2llm"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$", var.prefix)) && length(var.prefix) <= 200
    error_message = "prefix must be one or more path segments of letters, digits, dots, underscores and hyphens separated by single slashes, with no leading or trailing slash, at most 200 characters."
  }
}

variable "tags" {
  description = "Extra tags for every resource (merged over Project = d2llm and ManagedBy = terraform)."
  type        = map(string)
  default     = {}
}

variable "force_destroy" {
  description = "Let destroy delete a non-empty bucket (every object version) and an ECR repository that still holds images. make cloud-destroy FORCE=true sets it."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten or deleted object version is kept before S3 expires it (the bucket is versioned)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days from 1 to 3650."
  }
}

# ---- Training jobs on a GPU instance --------------------------------------------------------

variable "job_spec_key" {
  description = "Object key of the job spec (YAML) the training instance runs, e.g. d2llm/jobs/stsb.yaml; empty means no training instance. make cloud-train sets it."
  type        = string
  default     = ""

  validation {
    condition = var.job_spec_key == "" || (
      startswith(var.job_spec_key, "${var.prefix}/")
      && can(regex("^[A-Za-z0-9._/=-]+\\.ya?ml$", var.job_spec_key))
      && !strcontains(var.job_spec_key, "//")
    )
    error_message = "job_spec_key must be empty or the key of a .yaml/.yml object under prefix/ (e.g. d2llm/jobs/NAME.yaml), made of letters, digits and . _ / = -."
  }
}

variable "job_output_uri" {
  description = "The job's output location as its spec names it (s3://BUCKET/PREFIX/runs/NAME/); the instance uploads its own log under logs/ there. Empty means s3://BUCKET/PREFIX/runs/<spec file name>/."
  type        = string
  default     = ""

  validation {
    condition = var.job_output_uri == "" || (
      startswith(var.job_output_uri, "s3://${var.bucket_name}/${var.prefix}/")
      && endswith(var.job_output_uri, "/")
      && can(regex("^s3://[A-Za-z0-9._/=-]+$", var.job_output_uri))
      && !strcontains(trimprefix(var.job_output_uri, "s3://"), "//")
    )
    error_message = "job_output_uri must be empty or an s3:// location under s3://bucket_name/prefix/ ending in /, made of letters, digits and . _ / = -: the instance may write nowhere else."
  }
}

variable "training_instance_type" {
  description = "EC2 GPU instance type for training. The CUDA 12.8 libtorch needs Turing or newer: g4dn, g5, g6, g6e, gr6, g7e, p4d, p4de, p5, p5e, p5en, p6-b200 (x86_64 only; no p3/Volta, no g5g/arm64)."
  type        = string
  default     = "g6.xlarge"

  validation {
    condition     = can(regex("^(g4dn|g5|g6|g6e|gr6|g7e|p4d|p4de|p5|p5e|p5en|p6-b200)\\.[0-9]*(xlarge|large|metal)$", var.training_instance_type))
    error_message = "training_instance_type must be an x86_64 NVIDIA GPU instance of Turing or newer, such as g6.xlarge, g5.2xlarge, g4dn.xlarge or p4d.24xlarge."
  }
}

variable "training_use_spot" {
  description = "Run the training instance as a one-time Spot instance (cheaper; AWS may reclaim it with two minutes' notice, which ends the job)."
  type        = bool
  default     = false
}

variable "training_spot_max_price" {
  description = "Highest hourly Spot price in USD, e.g. \"0.50\"; empty means up to the on-demand price. Used only with training_use_spot."
  type        = string
  default     = ""

  validation {
    condition     = var.training_spot_max_price == "" || can(regex("^[0-9]+(\\.[0-9]+)?$", var.training_spot_max_price))
    error_message = "training_spot_max_price must be empty or a decimal number of USD per hour, such as 0.50."
  }
}

variable "training_root_volume_gb" {
  description = "Size of the instance's encrypted gp3 root volume in GiB: the DLAMI itself (with its PyTorch), the JDK, models and caches."
  type        = number
  default     = 200

  validation {
    condition     = var.training_root_volume_gb >= 100 && var.training_root_volume_gb <= 16384 && floor(var.training_root_volume_gb) == var.training_root_volume_gb
    error_message = "training_root_volume_gb must be a whole number from 100 (room for the DLAMI's own snapshot and libtorch) to 16384."
  }
}

variable "training_max_hours" {
  description = "Hard limit on a job's run time: the instance powers off (and so terminates) after this many hours whatever it is doing."
  type        = number
  default     = 24

  validation {
    condition     = var.training_max_hours >= 1 && var.training_max_hours <= 168 && floor(var.training_max_hours) == var.training_max_hours
    error_message = "training_max_hours must be a whole number of hours from 1 to 168."
  }
}

variable "training_ami_ssm_parameter" {
  description = "Public SSM parameter that names the AMI: by default AWS's Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.11 (Ubuntu 24.04), latest release, whose PyTorch (training_python) DJL runs on."
  type        = string
  default     = "/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.11-ubuntu-24.04/latest/ami-id"

  validation {
    condition     = can(regex("^/aws/service/[A-Za-z0-9._/-]+$", var.training_ami_ssm_parameter))
    error_message = "training_ami_ssm_parameter must be a public AWS parameter path starting with /aws/service/."
  }
}

variable "training_subnet_id" {
  description = "Subnet for the training instance; it needs a route out (internet gateway with a public IP, or NAT) for apt, S3, SSM and the libtorch download. Empty means a default subnet of the default VPC."
  type        = string
  default     = ""

  validation {
    condition     = var.training_subnet_id == "" || can(regex("^subnet-[0-9a-f]{8,17}$", var.training_subnet_id))
    error_message = "training_subnet_id must be empty or a subnet ID such as subnet-0123456789abcdef0."
  }
}

variable "training_public_ip" {
  description = "Give the training instance a public IPv4 address (needed in a public subnet without NAT, such as the default VPC's). The security group admits no inbound traffic either way."
  type        = bool
  default     = true
}

variable "training_java_package" {
  description = "The Ubuntu 22.04 package that gives the instance a JDK >= 21 (the launcher needs javac, so a JDK, not a JRE)."
  type        = string
  default     = "openjdk-21-jdk-headless"

  validation {
    condition     = can(regex("^openjdk-(2[1-9]|[3-9][0-9])-jdk(-headless)?$", var.training_java_package))
    error_message = "training_java_package must be an Ubuntu OpenJDK package of version 21 or newer, such as openjdk-21-jdk-headless."
  }
}

variable "training_python" {
  description = "The AMI's Python holding CUDA PyTorch: DJL's JNI library is built against its libtorch at first boot and kept in the bucket (docs/gpu.md). /opt/pytorch/bin/python on the Deep Learning AMI GPU PyTorch."
  type        = string
  default     = "/opt/pytorch/bin/python"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]+$", var.training_python))
    error_message = "training_python must be an absolute path such as /opt/pytorch/bin/python."
  }
}

# ---- The search function on Lambda ----------------------------------------------------------

variable "function_image_ref" {
  description = "The function's image in this deployment's ECR repository, as a digest (sha256:...) or a tag; empty means no function yet. make cloud-deploy pushes the image and sets the digest."
  type        = string
  default     = ""

  validation {
    condition = (
      var.function_image_ref == ""
      || can(regex("^sha256:[0-9a-f]{64}$", var.function_image_ref))
      || can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.function_image_ref))
    )
    error_message = "function_image_ref must be empty, an image digest (sha256: and 64 hex digits) or an image tag (up to 128 letters, digits, _ . -)."
  }
}

variable "index_uri" {
  description = "The index the function serves (D2LLM_INDEX_URI), an s3:// location under s3://BUCKET/PREFIX/ ending in /; empty means s3://BUCKET/PREFIX/index/. The function may read nothing else."
  type        = string
  default     = ""

  validation {
    condition = var.index_uri == "" || (
      startswith(var.index_uri, "s3://${var.bucket_name}/${var.prefix}/")
      && endswith(var.index_uri, "/")
      && can(regex("^s3://[A-Za-z0-9._/=-]+$", var.index_uri))
      && !strcontains(trimprefix(var.index_uri, "s3://"), "//")
    )
    error_message = "index_uri must be empty or an s3:// location under s3://bucket_name/prefix/ ending in /, made of letters, digits and . _ / = -."
  }
}

variable "function_memory_mb" {
  description = "Lambda memory in MB (CPU grows with it): the student, the JVM or native image, and the index's vectors, which are memory-mapped from /tmp."
  type        = number
  default     = 4096

  validation {
    condition     = var.function_memory_mb >= 128 && var.function_memory_mb <= 10240 && floor(var.function_memory_mb) == var.function_memory_mb
    error_message = "function_memory_mb must be a whole number of MB within Lambda's range, 128 to 10240."
  }
}

variable "function_ephemeral_storage_mb" {
  description = "Size of the function's /tmp in MB: the index cache (D2LLM_INDEX_CACHE_DIR) and DJL's extracted native libraries (DJL_CACHE_DIR) live there."
  type        = number
  default     = 4096

  validation {
    condition     = var.function_ephemeral_storage_mb >= 512 && var.function_ephemeral_storage_mb <= 10240 && floor(var.function_ephemeral_storage_mb) == var.function_ephemeral_storage_mb
    error_message = "function_ephemeral_storage_mb must be a whole number of MB within Lambda's range, 512 to 10240."
  }
}

variable "function_timeout_s" {
  description = "Lambda timeout in seconds; the first request after a cold start also loads the student and fetches the index."
  type        = number
  default     = 60

  validation {
    condition     = var.function_timeout_s >= 1 && var.function_timeout_s <= 900 && floor(var.function_timeout_s) == var.function_timeout_s
    error_message = "function_timeout_s must be a whole number of seconds within Lambda's range, 1 to 900."
  }
}

variable "function_reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) the function; -1 means no reservation and no cap beyond the account's."
  type        = number
  default     = -1

  validation {
    condition     = var.function_reserved_concurrency >= -1 && var.function_reserved_concurrency <= 10000 && floor(var.function_reserved_concurrency) == var.function_reserved_concurrency
    error_message = "function_reserved_concurrency must be -1 (unreserved) or a whole number from 0 to 10000."
  }
}

variable "function_url_auth_type" {
  description = "Who may call the function URL: AWS_IAM (callers sign with SigV4; attach the function_invoker_policy_arn policy to them) or NONE (public URL; the function then checks function_api_key)."
  type        = string
  default     = "AWS_IAM"

  validation {
    condition     = contains(["AWS_IAM", "NONE"], var.function_url_auth_type)
    error_message = "function_url_auth_type must be AWS_IAM or NONE."
  }
}

variable "function_api_key" {
  description = "The function's API key (D2LLM_AUTH_API_KEY), sent by callers in X-API-Key. Required with function_url_auth_type = NONE; optional extra check with AWS_IAM. Pass it as TF_VAR_function_api_key (make cloud-deploy maps D2LLM_AUTH_API_KEY); it ends up in the state and the function's configuration."
  type        = string
  default     = ""
  sensitive   = true

  validation {
    condition     = var.function_url_auth_type != "NONE" || length(var.function_api_key) >= 16
    error_message = "A public function URL (function_url_auth_type = NONE) needs function_api_key of at least 16 characters (set TF_VAR_function_api_key, or D2LLM_AUTH_API_KEY for make cloud-deploy)."
  }

  validation {
    condition     = var.function_api_key == "" || can(regex("^[\\x21-\\x7e]+$", var.function_api_key))
    error_message = "function_api_key must be printable ASCII without spaces, since it travels in an HTTP header."
  }
}

variable "function_environment" {
  description = "Extra environment variables for the function (e.g. D2LLM_SEARCH_MODE, JAVA_TOOL_OPTIONS). Names Lambda reserves (AWS_*, LAMBDA_*, _*) and the ones Terraform sets are refused."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for k in keys(var.function_environment) :
      can(regex("^[A-Za-z][A-Za-z0-9_]*$", k))
      && !startswith(k, "AWS_")
      && !startswith(k, "LAMBDA_")
      && !contains(["D2LLM_INDEX_URI", "D2LLM_INDEX_CACHE_DIR", "D2LLM_AUTH_ENABLED", "D2LLM_AUTH_API_KEY", "DJL_CACHE_DIR"], k)
    ])
    error_message = "function_environment names must start with a letter, hold only letters, digits and _, and not be AWS_*, LAMBDA_* or one Terraform sets itself (D2LLM_INDEX_URI, D2LLM_INDEX_CACHE_DIR, D2LLM_AUTH_ENABLED, D2LLM_AUTH_API_KEY, DJL_CACHE_DIR)."
  }
}

variable "function_log_retention_days" {
  description = "Days CloudWatch keeps the function's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.function_log_retention_days)
    error_message = "function_log_retention_days must be one of CloudWatch's retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "ecr_keep_images" {
  description = "How many of the newest function images ECR keeps; older ones (and untagged ones after a day) expire. Keep it above the number of deploys you may want to roll back to."
  type        = number
  default     = 10

  validation {
    condition     = var.ecr_keep_images >= 1 && var.ecr_keep_images <= 1000 && floor(var.ecr_keep_images) == var.ecr_keep_images
    error_message = "ecr_keep_images must be a whole number from 1 to 1000."
  }
}
