# Packer and plugin versions for Packer >= 1.7: the artifact step installs exactly required_version and runs
# `packer init packer/plugins.pkr.hcl`, then validates and builds the folder's template with this file beside it.
# Kept apart from the template because Packer 1.6 (Debian's, used by the offline tests) does not understand a
# `packer {}` block; with 1.6 the builder and the Ansible provisioner are built in.
packer {
  required_version = "= 1.14.2"
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
