# Plugin versions for Packer >= 1.7 (`packer init packer/plugins.pkr.hcl`). Kept apart from the templates because
# Packer 1.6 (Debian's, used by the tests) does not understand a `packer {}` block; with 1.6 the builders and the
# Ansible provisioner are built in.
packer {
  required_version = ">= 1.6.6"
  required_plugins {
    amazon = {
      version = "= 1.3.3"
      source  = "github.com/hashicorp/amazon"
    }
    ansible = {
      version = "= 1.1.2"
      source  = "github.com/hashicorp/ansible"
    }
  }
}
