package io.fleetmq.image.ami;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetmq.image.build.BrokerDistribution;
import io.fleetmq.image.manifest.AmiTarget;
import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.manifest.RoleSpec;
import io.fleetmq.image.validate.ManifestValidator;
import io.fleetmq.image.validate.ValidatedManifest;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns a validated manifest with an AMI target into the files Packer runs with, in a work directory: the broker
 * distribution staged from broker/target (classes/, lib/), a playbook running the manifest's AMI roles with the
 * manifest's variables (the same roles and variables the container build renders), and the Packer variables file.
 * Nothing here talks to AWS, so a dry run and the tests produce exactly what a real build uses.
 */
public final class AmiStaging {

    public static final String EKS_NODE_ROLE = "fleetmq_eks_node";
    /** The single Packer template; the node kind is a variable of it, not a second, near-identical file. */
    public static final String TEMPLATE_FILE = "fleetmq-node.pkr.hcl";

    private final Path repository;
    private final Path rolesDir;

    /**
     * @param repository the repository root (packer/ and its scripts)
     * @param rolesDir   the Ansible roles folder the manifest was validated against
     */
    public AmiStaging(Path repository, Path rolesDir) {
        this.repository = repository.toAbsolutePath().normalize();
        this.rolesDir = rolesDir.toAbsolutePath().normalize();
    }

    /** The manifest's AMI target, or a manifest error pointing at {@code targets} when it has none. */
    public static AmiTarget amiTarget(ImageManifest m) {
        return m.ami().orElseThrow(() -> m.error("targets", "has no ami target; image ami needs targets.ami"));
    }

    /**
     * The one Packer template every node kind is built from ({@code packer/fleetmq-node.pkr.hcl}); a manifest error at
     * {@code targets.ami.template} when the manifest names a node kind that template does not build.
     */
    public Path template(ImageManifest m) {
        NodeKind.of(amiTarget(m).template()).orElseThrow(() -> m.error("targets.ami.template", "unknown node kind "
                + amiTarget(m).template() + "; packer/" + TEMPLATE_FILE + " builds " + NodeKind.names()));
        Path template = repository.resolve("packer").resolve(TEMPLATE_FILE);
        if (!Files.isRegularFile(template)) {
            throw m.error("targets.ami.template", "no Packer template " + template);
        }
        return template;
    }

    /**
     * Writes the distribution, playbook and variables file into {@code workDir}.
     *
     * @param brokerTarget broker/target (classes and classpath.txt), copied when the manifest uses the broker role
     * @param imageTar     a broker image tar for the EKS node role to preload, or null
     * @param env          the environment replacing {env} in the SSM parameter, or null to keep the placeholder
     */
    public AmiPlan stage(ValidatedManifest v, Path workDir, Path brokerTarget, Path imageTar, String env,
                         BuildPlacement placement) throws IOException {
        ImageManifest m = v.manifest();
        AmiTarget ami = amiTarget(m);
        Path template = template(m);
        Path work = workDir.toAbsolutePath().normalize();
        Files.createDirectories(work);
        List<RoleSpec> roles = m.roles().stream().filter(r -> r.appliesTo(RoleSpec.Target.AMI)).toList();
        if (roles.isEmpty()) {
            throw m.error("roles", "no role applies to the ami target");
        }
        Path dist = null;
        Map<String, Map<String, Object>> extra = new LinkedHashMap<>();
        if (roles.stream().anyMatch(r -> r.name().equals(ManifestValidator.BROKER_ROLE))) {
            dist = stageDistribution(BrokerDistribution.read(brokerTarget), work.resolve("dist"));
            extra.put(ManifestValidator.BROKER_ROLE, Map.of("fleetmq_broker_dist_src", dist.toString()));
        }
        if (imageTar != null) {
            if (roles.stream().noneMatch(r -> r.name().equals(EKS_NODE_ROLE))) {
                throw m.error("roles", "an image to preload was given, but the manifest has no " + EKS_NODE_ROLE
                        + " role");
            }
            if (!Files.isRegularFile(imageTar)) {
                throw new IOException("no such image tar: " + imageTar
                        + " (make it with ./fleetmq image build --to tar:PATH)");
            }
            extra.put(EKS_NODE_ROLE, Map.of("fleetmq_eks_node_broker_image_tar",
                    imageTar.toAbsolutePath().normalize().toString()));
        }
        Path playbook = work.resolve("playbook.yml");
        writeAtomically(playbook, playbook(m, roles, extra));
        Path packerManifest = work.resolve("packer-manifest.json");
        Path varFile = work.resolve("variables.json");
        writeAtomically(varFile, variables(m, ami, playbook, packerManifest, placement));
        String parameter = env == null ? ami.ssmParameter() : ami.ssmParameter().replace("{env}", env);
        return new AmiPlan(template, varFile, playbook, dist, packerManifest, parameter);
    }

    /** The playbook: one play, the AMI roles in manifest order, each with the manifest's variables for it. */
    static String playbook(ImageManifest m, List<RoleSpec> roles, Map<String, Map<String, Object>> extra) {
        List<Object> entries = new ArrayList<>();
        for (RoleSpec r : roles) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("role", r.name());
            Map<String, Object> vars = new LinkedHashMap<>(r.vars());
            vars.putAll(extra.getOrDefault(r.name(), Map.of()));
            if (!vars.isEmpty()) {
                entry.put("vars", vars);
            }
            entries.add(entry);
        }
        Map<String, Object> play = new LinkedHashMap<>();
        play.put("name", m.name() + " " + m.version());
        play.put("hosts", "all");
        play.put("roles", entries);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setWidth(120);
        return "---\n# Generated by ./fleetmq image ami from " + m.source().getFileName() + " (manifest sha256 "
                + m.sha256() + "); do not edit.\n" + new Yaml(o).dump(List.of(play));
    }

    private String variables(ImageManifest m, AmiTarget ami, Path playbook, Path packerManifest,
                             BuildPlacement placement) throws IOException {
        NodeKind kind = NodeKind.of(ami.template()).orElseThrow();
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("node_kind", kind.kind());
        vars.put("ssh_username", kind.sshUsername());
        vars.put("subnet_id", placement.subnetId());
        vars.put("security_group_id", placement.securityGroupId());
        vars.put("iam_instance_profile", placement.instanceProfile());
        vars.put("kms_key_id", placement.kmsKeyId());
        vars.put("ami_name", ami.name());
        vars.put("region", ami.region());
        vars.put("instance_type", ami.instanceType());
        vars.put("source_ami_name_filter", ami.sourceAmiNameFilter());
        vars.put("source_ami_owners", ami.sourceAmiOwners());
        vars.put("playbook_file", playbook.toString());
        vars.put("roles_path", rolesDir.toString());
        vars.put("scripts_dir", repository.resolve("packer/scripts").toString());
        vars.put("manifest_output", packerManifest.toString());
        vars.put("manifest_name", m.name());
        vars.put("manifest_version", m.version());
        vars.put("manifest_sha256", m.sha256());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(vars) + "\n";
    }

    /** classes/ and lib/ (the jars of classpath.txt), replacing an earlier staging in the same folder. */
    static Path stageDistribution(BrokerDistribution d, Path dist) throws IOException {
        deleteTree(dist);
        Path tmp = Files.createTempDirectory(dist.getParent(), ".dist-");
        copyTree(d.classesDir(), tmp.resolve("classes"));
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        for (Path jar : d.dependencyJars()) {
            Files.copy(jar, lib.resolve(jar.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.move(tmp, dist, StandardCopyOption.ATOMIC_MOVE);
        return dist;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
