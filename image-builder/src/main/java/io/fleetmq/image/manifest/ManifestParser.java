package io.fleetmq.image.manifest;

import io.fleetmq.image.manifest.ContainerTarget.Platform;
import io.fleetmq.image.manifest.RoleSpec.Target;
import io.fleetmq.image.manifest.YamlDocument.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a manifest file into an {@link ImageManifest}: every key known, every value of the right type, or a
 * {@link ManifestException} naming file, line and key. Only the file itself is checked here; roles and templates
 * are checked by {@link ManifestValidator} against the role library.
 */
public final class ManifestParser {

    private static final List<String> TOP = List.of("apiVersion", "kind", "name", "version", "base", "runtime",
            "roles", "targets");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern DIGEST_REF = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:[._/-][a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern MODULE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]*(\\.[a-zA-Z][a-zA-Z0-9_]*)*");
    private static final Pattern ABSOLUTE = Pattern.compile("/[^\\s]*");
    private static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

    private ManifestParser() {
    }

    /** Reads and parses {@code file}. */
    public static ImageManifest read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ManifestException(file.toString(), 0, "(file)", "no such file");
        } catch (IOException e) {
            throw new ManifestException(file.toString(), 0, "(file)", "cannot read: " + e.getMessage());
        }
        return parse(file, bytes);
    }

    /** Parses manifest {@code bytes}; {@code file} names it in messages and anchors relative paths. */
    public static ImageManifest parse(Path file, byte[] bytes) {
        Value root = YamlDocument.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
        if (root == null) {
            throw new ManifestException(file.toString(), 1, "(document)", "empty manifest");
        }
        Map<String, Integer> lines = new HashMap<>();
        recordLines(root, lines);
        Map<String, Value> top = root.mapping(TOP);

        String apiVersion = required(top, "apiVersion", root).string();
        if (!ImageManifest.API_VERSION.equals(apiVersion)) {
            throw top.get("apiVersion").error("must be " + ImageManifest.API_VERSION + ", got \"" + apiVersion + "\"");
        }
        String kind = required(top, "kind", root).string();
        if (!ImageManifest.KIND.equals(kind)) {
            throw top.get("kind").error("must be " + ImageManifest.KIND + ", got \"" + kind + "\"");
        }
        String name = matching(required(top, "name", root), NAME, "lower-case letters, digits, '.', '_', '-'");
        String version = matching(required(top, "version", root), VERSION, "a version such as 0.1.0 or 2026.11.1");
        Path dir = file.toAbsolutePath().getParent();
        Value targetsNode = required(top, "targets", root);
        Map<String, Value> targets = targetsNode.mapping(List.of("container", "ami"));
        if (targets.isEmpty()) {
            throw targetsNode.error("needs at least one of container, ami");
        }
        // base and runtime describe the container image; a manifest that only makes AMIs may leave them out.
        boolean container = targets.containsKey("container");
        Optional<BaseSpec> base = container || top.containsKey("base")
                ? Optional.of(base(required(top, "base", root), dir)) : Optional.empty();
        Optional<RuntimeSpec> runtime = container || top.containsKey("runtime")
                ? Optional.of(runtime(required(top, "runtime", root))) : Optional.empty();
        List<RoleSpec> roles = roles(required(top, "roles", root));

        Optional<ContainerTarget> containerTarget = Optional.ofNullable(targets.get("container"))
                .map(ManifestParser::container);
        Optional<AmiTarget> ami = Optional.ofNullable(targets.get("ami")).map(ManifestParser::ami);
        return new ImageManifest(file, sha256(bytes), name, version, base, runtime, roles, containerTarget, ami, lines);
    }

    private static BaseSpec base(Value node, Path dir) {
        Map<String, Value> m = node.mapping(List.of("image", "dockerTar", "rootfs"));
        if (m.size() != 1) {
            throw node.error("needs exactly one of image, dockerTar, rootfs; got " + (m.isEmpty() ? "none"
                    : String.join(", ", m.keySet())));
        }
        if (m.containsKey("image")) {
            String ref = m.get("image").string();
            if (!DIGEST_REF.matcher(ref).matches()) {
                throw m.get("image").error("must be pinned by digest, REPO[:TAG]@sha256:<64 hex>, got \"" + ref + "\"");
            }
            return new BaseSpec.RegistryImage(ref);
        }
        if (m.containsKey("dockerTar")) {
            return new BaseSpec.DockerTar(dir.resolve(m.get("dockerTar").string()).normalize());
        }
        Value rootfs = m.get("rootfs");
        Map<String, Value> r = rootfs.mapping(List.of("path", "debootstrap"));
        if (r.size() != 1) {
            throw rootfs.error("needs exactly one of path, debootstrap");
        }
        if (r.containsKey("path")) {
            return new BaseSpec.RootfsDirectory(dir.resolve(r.get("path").string()).normalize());
        }
        Map<String, Value> d = r.get("debootstrap").mapping(List.of("suite", "variant", "mirror", "include"));
        String suite = matching(required(d, "suite", r.get("debootstrap")), Pattern.compile("[a-z]+"),
                "a suite name such as bookworm");
        String variant = d.containsKey("variant") ? d.get("variant").string() : "minbase";
        if (!List.of("minbase", "buildd", "fakechroot").contains(variant)) {
            throw d.get("variant").error("must be minbase, buildd or fakechroot, got \"" + variant + "\"");
        }
        String mirror = d.containsKey("mirror") ? d.get("mirror").string() : "http://deb.debian.org/debian";
        if (!mirror.startsWith("http://") && !mirror.startsWith("https://")) {
            throw d.get("mirror").error("must be an http:// or https:// URL, got \"" + mirror + "\"");
        }
        List<String> include = d.containsKey("include") ? d.get("include").strings() : List.of();
        for (int i = 0; i < include.size(); i++) {
            if (!include.get(i).matches("[a-z0-9][a-z0-9+.-]+")) {
                throw d.get("include").sequence().get(i).error("not a Debian package name: \"" + include.get(i) + "\"");
            }
        }
        return new BaseSpec.Debootstrap(suite, variant, mirror, include);
    }

    private static RuntimeSpec runtime(Value node) {
        Map<String, Value> m = node.mapping(List.of("jlink", "base"));
        if (m.size() != 1) {
            throw node.error("needs exactly one of jlink, base");
        }
        if (m.containsKey("jlink")) {
            Value j = m.get("jlink");
            Map<String, Value> jm = j.mapping(List.of("modules", "javaHome"));
            Value modulesNode = required(jm, "modules", j);
            List<String> modules = modulesNode.strings();
            if (modules.isEmpty()) {
                throw modulesNode.error("needs at least one module, e.g. java.base");
            }
            for (int i = 0; i < modules.size(); i++) {
                if (!MODULE.matcher(modules.get(i)).matches()) {
                    throw modulesNode.sequence().get(i).error("not a Java module name: \"" + modules.get(i) + "\"");
                }
            }
            String home = jm.containsKey("javaHome") ? absolute(jm.get("javaHome")) : "/opt/java";
            return new RuntimeSpec.Jlink(modules, home);
        }
        Value b = m.get("base");
        Map<String, Value> bm = b.mapping(List.of("javaHome"));
        return new RuntimeSpec.FromBase(absolute(required(bm, "javaHome", b)));
    }

    private static List<RoleSpec> roles(Value node) {
        List<Value> items = node.sequence();
        if (items.isEmpty()) {
            throw node.error("needs at least one role");
        }
        List<RoleSpec> roles = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Value item : items) {
            Map<String, Value> m = item.mapping(List.of("name", "vars", "targets"));
            Value nameNode = required(m, "name", item);
            String name = matching(nameNode, ROLE_NAME, "an Ansible role name (lower case, digits, '_')");
            if (!seen.add(name)) {
                throw nameNode.error("role " + name + " is listed twice");
            }
            Map<String, Object> vars = new LinkedHashMap<>();
            if (m.containsKey("vars")) {
                for (Map.Entry<String, Value> v : m.get("vars").mapping().entrySet()) {
                    vars.put(v.getKey(), v.getValue().plain());
                }
            }
            Set<Target> appliesTo = EnumSet.allOf(Target.class);
            if (m.containsKey("targets")) {
                appliesTo = EnumSet.noneOf(Target.class);
                for (Value t : m.get("targets").sequence()) {
                    String tn = t.string();
                    if (!RoleSpec.targetNames().contains(tn)) {
                        throw t.error("must be container or ami, got \"" + tn + "\"");
                    }
                    appliesTo.add(Target.valueOf(tn.toUpperCase()));
                }
            }
            roles.add(new RoleSpec(name, vars, appliesTo));
        }
        return roles;
    }

    private static ContainerTarget container(Value node) {
        Map<String, Value> m = node.mapping(List.of("repository", "tags", "platforms", "creationTime", "labels"));
        String repository = matching(required(m, "repository", node), REPOSITORY,
                "a repository such as fleetmq/broker");
        List<String> tags = m.containsKey("tags") ? m.get("tags").strings() : List.of();
        for (int i = 0; i < tags.size(); i++) {
            if (!TAG.matcher(tags.get(i)).matches()) {
                throw m.get("tags").sequence().get(i).error("not a valid image tag: \"" + tags.get(i) + "\"");
            }
        }
        List<Platform> platforms = new ArrayList<>();
        if (m.containsKey("platforms")) {
            for (Value p : m.get("platforms").sequence()) {
                platforms.add(platform(p));
            }
        } else {
            platforms.add(new Platform("linux", "amd64"));
        }
        if (platforms.isEmpty()) {
            throw m.get("platforms").error("needs at least one platform, e.g. linux/amd64");
        }
        Instant created = Instant.EPOCH;
        if (m.containsKey("creationTime")) {
            String text = m.get("creationTime").string();
            try {
                created = Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw m.get("creationTime").error("must be an ISO-8601 instant such as 2026-11-01T00:00:00Z, got \""
                        + text + "\"");
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.containsKey("labels")) {
            for (Map.Entry<String, Value> e : m.get("labels").mapping().entrySet()) {
                labels.put(e.getKey(), e.getValue().string());
            }
        }
        return new ContainerTarget(repository, tags, platforms, created, labels);
    }

    /** Parses {@code os/arch}; only the platforms the broker's native transport ships for. */
    public static Platform platform(Value node) {
        String text = node.string();
        try {
            return platform(text);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    /** Parses {@code linux/amd64} or {@code linux/arm64}. */
    public static Platform platform(String text) {
        String[] parts = text.split("/");
        if (parts.length != 2 || !parts[0].equals("linux") || !ARCHITECTURES.contains(parts[1])) {
            throw new IllegalArgumentException("must be linux/amd64 or linux/arm64, got \"" + text + "\"");
        }
        return new Platform(parts[0], parts[1]);
    }

    private static AmiTarget ami(Value node) {
        Map<String, Value> m = node.mapping(List.of("name", "template", "region", "instanceType", "sourceAmi",
                "ssmParameter"));
        String name = matching(required(m, "name", node), NAME, "lower-case letters, digits, '.', '_', '-'");
        String template = matching(required(m, "template", node), Pattern.compile("[a-z0-9-]+"),
                "a node kind of packer/fleetmq-node.pkr.hcl: broker-node or eks-node");
        String region = matching(required(m, "region", node), Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d"),
                "an AWS region such as eu-west-1");
        String instanceType = matching(required(m, "instanceType", node), Pattern.compile("[a-z0-9]+\\.[a-z0-9]+"),
                "an instance type such as c7g.large");
        Value src = required(m, "sourceAmi", node);
        Map<String, Value> s = src.mapping(List.of("nameFilter", "owners"));
        String filter = required(s, "nameFilter", src).string();
        List<String> owners = required(s, "owners", src).strings();
        if (owners.isEmpty()) {
            throw s.get("owners").error("needs at least one owner (account id or alias such as amazon)");
        }
        String ssm = m.containsKey("ssmParameter") ? m.get("ssmParameter").string() : "/fleetmq/{env}/ami/" + name;
        if (!ssm.startsWith("/")) {
            throw m.get("ssmParameter").error("must be an SSM parameter path starting with '/', got \"" + ssm + "\"");
        }
        return new AmiTarget(name, template, region, instanceType, filter, owners, ssm);
    }

    private static Value required(Map<String, Value> m, String key, Value parent) {
        Value v = m.get(key);
        if (v == null) {
            String path = parent.key().equals("(document)") ? key : parent.key() + "." + key;
            throw new ManifestException(parent.file(), parent.line(), path, "is required");
        }
        return v;
    }

    private static String matching(Value v, Pattern p, String what) {
        String s = v.string();
        if (!p.matcher(s).matches()) {
            throw v.error("must be " + what + ", got \"" + s + "\"");
        }
        return s;
    }

    private static String absolute(Value v) {
        String s = v.string();
        if (!ABSOLUTE.matcher(s).matches()) {
            throw v.error("must be an absolute path inside the image, got \"" + s + "\"");
        }
        return s;
    }

    private static void recordLines(Value v, Map<String, Integer> lines) {
        lines.putIfAbsent(v.key(), v.line());
        if (v.isMapping()) {
            v.mapping().values().forEach(c -> recordLines(c, lines));
        } else if (v.isSequence()) {
            v.sequence().forEach(c -> recordLines(c, lines));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JRE", e);
        }
    }
}
