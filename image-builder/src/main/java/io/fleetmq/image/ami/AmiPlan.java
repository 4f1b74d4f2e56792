package io.fleetmq.image.ami;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code image ami} prepared for Packer in its work directory, and the commands it runs.
 *
 * @param template       the Packer template ({@code packer/<targets.ami.template>.pkr.hcl})
 * @param varFile        the variables file rendered from the manifest
 * @param playbook       the playbook running the manifest's AMI roles with its variables
 * @param distribution   the broker distribution (classes/, lib/) the broker role copies, or null without that role
 * @param packerManifest where Packer's manifest post-processor writes the AMI id
 * @param ssmParameter   the parameter the AMI id is published under ({env} replaced when an environment was given)
 */
public record AmiPlan(Path template, Path varFile, Path playbook, Path distribution, Path packerManifest,
                      String ssmParameter) {

    public AmiPlan {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(varFile, "varFile");
        Objects.requireNonNull(playbook, "playbook");
        Objects.requireNonNull(packerManifest, "packerManifest");
        Objects.requireNonNull(ssmParameter, "ssmParameter");
    }

    public List<String> validateCommand(String packer) {
        return List.of(packer, "validate", "-var-file=" + varFile, template.toString());
    }

    public List<String> buildCommand(String packer) {
        return List.of(packer, "build", "-var-file=" + varFile, template.toString());
    }
}
