# FleetMQ node AMIs: one template for both node kinds (node_kind): the standalone broker node for EC2 Auto Scaling
# (broker-node) and the EKS worker node (eks-node); the manifests differ, the build does not.
# Driven by `./fleetmq image ami --manifest FILE` (image-builder), which renders the variables file (-var-file)
# from the manifest: the source AMI filter, region, instance type, and the Ansible playbook that
# runs the manifest's roles from ansible-roles/. Steps: Ansible roles -> cleanup -> validation (fails the build if
# SSH host keys, cloud-init state or shell history were left) -> Packer manifest (the AMI id the CLI publishes).
# Reference: docs/golden-images.md, packer/README.md. Plugin versions: plugins.pkr.hcl.

variable "ami_name" {
  type        = string
  description = "AMI name prefix (targets.ami.name); the build time is appended."
}

variable "region" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "source_ami_name_filter" {
  type        = string
  description = "Name filter of the source AMI (targets.ami.sourceAmi.nameFilter); the newest match is used."
}

variable "source_ami_owners" {
  type = list(string)
}

variable "node_kind" {
  type        = string
  description = "broker-node or eks-node (targets.ami.template); tags the AMI and /etc/fleetmq-ami-release."
}

variable "ssh_username" {
  type        = string
  description = "Login user of the source AMI (admin on Debian, ec2-user on Amazon Linux), set by image ami per node kind."
}

# Where the build instance runs: a private subnet of the app's VPC, reached over SSM Session Manager (no SSH port open,
# no public address, no default VPC). The CDK pipeline stack creates them and the artifact step passes them in.
variable "subnet_id" {
  type        = string
  description = "Private subnet of the app's VPC the build instance is launched in."
}

variable "security_group_id" {
  type        = string
  description = "Security group of the build instance: no inbound rule at all, HTTPS out."
}

variable "iam_instance_profile" {
  type        = string
  description = "Instance profile of the build instance (AmazonSSMManagedInstanceCore: Session Manager)."
}

variable "kms_key_id" {
  type        = string
  description = "Customer-managed KMS key (ARN) the AMI's snapshots are encrypted with; its policy lets prod use it."
}

variable "playbook_file" {
  type        = string
  description = "Playbook generated from the manifest's roles and variables."
}

variable "roles_path" {
  type        = string
  description = "The repository's ansible-roles/ folder."
}

variable "scripts_dir" {
  type        = string
  description = "packer/scripts of the repository (cleanup.sh, validate.sh)."
}

variable "manifest_output" {
  type        = string
  description = "Where Packer writes its manifest (the AMI id), read back by the CLI."
}

variable "manifest_name" {
  type = string
}

variable "manifest_version" {
  type = string
}

variable "manifest_sha256" {
  type = string
}

variable "volume_size_gb" {
  type    = number
  default = 20
}

locals {
  build_time = formatdate("YYYYMMDDhhmmss", timestamp())
}

source "amazon-ebs" "fleetmq-node" {
  ami_name      = "${var.ami_name}-${var.manifest_version}-${local.build_time}"
  region        = var.region
  instance_type = var.instance_type
  ena_support   = true
  # A customer-managed key, not aws/ebs: an AMI encrypted with the AWS-managed key cannot be launched by another
  # account, so prod could not use it.
  encrypt_boot = true
  kms_key_id   = var.kms_key_id

  # In the app's VPC, over Session Manager: Packer tunnels its SSH session through SSM, so the instance needs no
  # public address and no inbound rule, and CodeBuild needs no network path to it.
  subnet_id                   = var.subnet_id
  security_group_id           = var.security_group_id
  associate_public_ip_address = false
  iam_instance_profile        = var.iam_instance_profile
  communicator                = "ssh"
  ssh_username                = var.ssh_username
  ssh_interface               = "session_manager"

  source_ami_filter {
    filters = {
      name                = var.source_ami_name_filter
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = var.source_ami_owners
    most_recent = true
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.volume_size_gb
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
    encrypted             = true
    kms_key_id            = var.kms_key_id
  }

  tags = {
    Name                   = var.ami_name
    "fleetmq:manifest"     = var.manifest_name
    "fleetmq:version"      = var.manifest_version
    "fleetmq:manifest-sha" = var.manifest_sha256
    "fleetmq:template"     = var.node_kind
  }
}

build {
  sources = ["source.amazon-ebs.fleetmq-node"]

  # The manifest's roles, with its variables (playbook rendered by ./fleetmq image ami).
  provisioner "ansible" {
    playbook_file    = var.playbook_file
    user             = var.ssh_username
    use_proxy        = false
    extra_arguments  = ["--become"]
    ansible_env_vars = ["ANSIBLE_ROLES_PATH=${var.roles_path}", "ANSIBLE_HOST_KEY_CHECKING=False"]
  }

  # Version information: which manifest made this AMI (/etc/fleetmq-ami-release).
  provisioner "shell" {
    execute_command = "sudo sh -c '{{ .Vars }} {{ .Path }}'"
    environment_vars = [
      "FLEETMQ_MANIFEST_NAME=${var.manifest_name}",
      "FLEETMQ_MANIFEST_VERSION=${var.manifest_version}",
      "FLEETMQ_MANIFEST_SHA256=${var.manifest_sha256}",
      "FLEETMQ_TEMPLATE=${var.node_kind}",
    ]
    script = "${var.scripts_dir}/release-info.sh"
  }

  # Cleanup, then validation: the build fails if anything that must not ship is still there.
  provisioner "shell" {
    execute_command = "sudo sh -c '{{ .Vars }} {{ .Path }}'"
    scripts         = ["${var.scripts_dir}/cleanup.sh", "${var.scripts_dir}/validate.sh"]
  }

  post-processor "manifest" {
    output     = var.manifest_output
    strip_path = true
    custom_data = {
      manifest_name    = var.manifest_name
      manifest_version = var.manifest_version
      manifest_sha256  = var.manifest_sha256
    }
  }
}
