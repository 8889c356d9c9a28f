# One GPU instance per job: it boots the Deep Learning AMI, runs the job spec named by
# job_spec_key (templates/user_data.sh.tftpl) and terminates itself when done. make cloud-train
# sets job_spec_key; empty means no instance.

locals {
  training_enabled = var.job_spec_key != ""
}

# AWS's public parameter for the latest Deep Learning OSS Nvidia Driver AMI GPU PyTorch (Ubuntu 24.04):
# NVIDIA driver, CUDA, a CUDA PyTorch (/opt/pytorch) and the AWS CLI preinstalled.
data "aws_ssm_parameter" "training_ami" {
  count = local.training_enabled ? 1 : 0
  name  = var.training_ami_ssm_parameter
}

data "aws_vpc" "default" {
  count   = local.training_enabled && var.training_subnet_id == "" ? 1 : 0
  default = true
}

data "aws_subnet" "training" {
  count = local.training_enabled && var.training_subnet_id != "" ? 1 : 0
  id    = var.training_subnet_id
}

# No ingress rules at all: a shell is reached through SSM Session Manager, which the instance
# dials out to. Egress is open for apt, S3, SSM and the libtorch download.
resource "aws_security_group" "training" {
  count       = local.training_enabled ? 1 : 0
  name_prefix = "${var.name}-training-"
  description = "d2llm training instance: no inbound traffic, all outbound"
  vpc_id      = var.training_subnet_id == "" ? data.aws_vpc.default[0].id : data.aws_subnet.training[0].vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "training_ipv4" {
  count             = local.training_enabled ? 1 : 0
  security_group_id = aws_security_group.training[0].id
  description       = "All outbound IPv4"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "training_ipv6" {
  count             = local.training_enabled ? 1 : 0
  security_group_id = aws_security_group.training[0].id
  description       = "All outbound IPv6"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

resource "aws_instance" "training" {
  count = local.training_enabled ? 1 : 0

  ami                                  = data.aws_ssm_parameter.training_ami[0].insecure_value
  instance_type                        = var.training_instance_type
  subnet_id                            = var.training_subnet_id == "" ? null : var.training_subnet_id
  vpc_security_group_ids               = [aws_security_group.training[0].id]
  associate_public_ip_address          = var.training_public_ip
  iam_instance_profile                 = aws_iam_instance_profile.training.name
  instance_initiated_shutdown_behavior = "terminate" # the boot script's final power-off ends the instance
  user_data                            = local.training_user_data
  user_data_replace_on_change          = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.training_root_volume_gb
    encrypted             = true
    delete_on_termination = true
  }

  dynamic "instance_market_options" {
    for_each = var.training_use_spot ? [1] : []

    content {
      market_type = "spot"

      spot_options {
        spot_instance_type             = "one-time"
        instance_interruption_behavior = "terminate"
        max_price                      = var.training_spot_max_price == "" ? null : var.training_spot_max_price
      }
    }
  }

  tags = {
    Name     = "${var.name}-training"
    D2llmJob = var.job_spec_key
  }

  lifecycle {
    # A new DLAMI release must not replace an instance in the middle of its job.
    ignore_changes = [ami]
  }

  # Its permissions and its way out must exist before it boots (and make cloud-train, which
  # targets this instance, creates only what it depends on).
  depends_on = [
    aws_iam_role_policy.training_s3,
    aws_iam_role_policy_attachment.training_ssm,
    aws_vpc_security_group_egress_rule.training_ipv4,
    aws_vpc_security_group_egress_rule.training_ipv6,
  ]
}
