# The training instance's role: SSM Session Manager for a shell (no SSH, no inbound ports), and S3
# access to the bucket's prefix only. The function's role lives in function.tf.

data "aws_iam_policy_document" "training_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "training" {
  name               = "${var.name}-training"
  description        = "d2llm training instance: S3 under s3://${var.bucket_name}/${var.prefix}/ and SSM Session Manager"
  assume_role_policy = data.aws_iam_policy_document.training_assume.json
}

resource "aws_iam_role_policy_attachment" "training_ssm" {
  role       = aws_iam_role.training.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

data "aws_iam_policy_document" "training_s3" {
  # Listing only below the prefix: a request without a prefix, or with another, is refused.
  statement {
    sid       = "ListUnderPrefix"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artifacts.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.prefix}/", "${var.prefix}/*"]
    }
  }

  # The bundle, the spec and the job's inputs are read here; outputs, job-state.json, logs and
  # reports are written here (the spec's output location must lie under the prefix).
  statement {
    sid = "ObjectsUnderPrefix"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${aws_s3_bucket.artifacts.arn}/${var.prefix}/*"]
  }
}

resource "aws_iam_role_policy" "training_s3" {
  name   = "s3-under-prefix"
  role   = aws_iam_role.training.id
  policy = data.aws_iam_policy_document.training_s3.json
}

resource "aws_iam_instance_profile" "training" {
  name = "${var.name}-training"
  role = aws_iam_role.training.name
}
