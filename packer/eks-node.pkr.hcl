# FleetMQ EKS worker-node AMI.
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

variable "ssh_username" {
  type        = string
  default     = "ec2-user"
  description = "Login user of the source AMI (admin on Debian, ec2-user on Amazon Linux)."
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

source "amazon-ebs" "eks-node" {
  ami_name      = "${var.ami_name}-${var.manifest_version}-${local.build_time}"
  region        = var.region
  instance_type = var.instance_type
  ssh_username  = var.ssh_username
  ena_support   = true
  encrypt_boot  = true

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
  }

  tags = {
    Name                   = var.ami_name
    "fleetmq:manifest"     = var.manifest_name
    "fleetmq:version"      = var.manifest_version
    "fleetmq:manifest-sha" = var.manifest_sha256
    "fleetmq:template"     = "eks-node"
  }
}

build {
  sources = ["source.amazon-ebs.eks-node"]

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
      "FLEETMQ_TEMPLATE=eks-node",
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
