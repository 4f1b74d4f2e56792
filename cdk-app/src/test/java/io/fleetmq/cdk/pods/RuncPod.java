package io.fleetmq.cdk.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pod of the synthesized StatefulSet run by runc, with what the kubelet would give it from the pod spec: the
 * container's command and args over the image's entry point, its env with fieldRef and secretKeyRef values filled in,
 * the pod's and container's securityContext (user, group, fsGroup, no new privileges, dropped capabilities, a
 * read-only root filesystem, namespaced sysctls), its volumes (projected Secrets with their modes and fsGroup
 * ownership, emptyDirs), memory and CPU limits, its own network namespace, hostname, /etc/hosts and resolv.conf.
 * What is not applied here (and why) is said where it is skipped.
 */
final class RuncPod implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final String ip;
    final String id;
    private final Path dir;
    private Process runc;

    /**
     * @param imageConfig   the config.json umoci wrote for the image (its entry point, env, user, mounts)
     * @param rootfs        the unpacked image, shared read-only by the pods
     * @param secrets       Kubernetes Secrets by name: key to content (what External Secrets would have synced)
     */
    RuncPod(String name, String ip, String netns, PodSpec pod, Path imageConfig, Path rootfs, Path dir,
            Map<String, Map<String, String>> secrets, String resolvConf) throws Exception {
        this.name = name;
        this.ip = ip;
        this.id = "fleetmq-pods-" + ProcessHandle.current().pid() + "-" + name;
        this.dir = Files.createDirectories(dir);
        Container c = pod.getContainers().get(0);
        ObjectNode config = (ObjectNode) JSON.readTree(imageConfig.toFile());
        config.putObject("root").put("path", rootfs.toString()).put("readonly", readOnlyRoot(c));
        config.put("hostname", name);
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.set("args", JSON.valueToTree(args(c, process.get("args"))));
        process.set("env", JSON.valueToTree(env(c, process.get("env"), secrets)));
        process.set("user", user(pod.getSecurityContext(), c.getSecurityContext()));
        process.put("noNewPrivileges", c.getSecurityContext() != null
                && Boolean.FALSE.equals(c.getSecurityContext().getAllowPrivilegeEscalation()));
        capabilities((ObjectNode) process.get("capabilities"), c.getSecurityContext());

        ObjectNode linux = (ObjectNode) config.get("linux");
        ArrayNode namespaces = (ArrayNode) linux.get("namespaces");
        for (JsonNode ns : namespaces) {
            if (ns.get("type").asText().equals("network")) {
                ((ObjectNode) ns).put("path", "/var/run/netns/" + netns);
            }
        }
        ObjectNode sysctl = linux.putObject("sysctl");
        if (pod.getSecurityContext() != null && pod.getSecurityContext().getSysctls() != null) {
            for (Sysctl s : pod.getSecurityContext().getSysctls()) {
                sysctl.put(s.getName(), s.getValue());
            }
        }
        resources(linux, c);
        // seccompProfile RuntimeDefault: the container runtime's default profile (containerd's) is not on this
        // machine, and runc has none of its own; the pod runs without a seccomp filter here.

        ArrayNode mounts = (ArrayNode) config.get("mounts");
        long fsGroup = pod.getSecurityContext() != null && pod.getSecurityContext().getFsGroup() != null
                ? pod.getSecurityContext().getFsGroup() : 0;
        for (VolumeMount m : c.getVolumeMounts()) {
            Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("volumeMount " + m.getName() + " names no volume"));
            Path source = volume(v, secrets, fsGroup);
            mounts.add(bind(source, m.getMountPath(), Boolean.TRUE.equals(m.getReadOnly())));
        }
        // What the kubelet mounts into every container.
        mounts.add(bind(write("resolv.conf", resolvConf), "/etc/resolv.conf", true));
        mounts.add(bind(write("hosts", "127.0.0.1 localhost\n" + ip + " " + name + "\n"), "/etc/hosts", true));
        mounts.add(bind(write("hostname", name + "\n"), "/etc/hostname", true));
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    }

    private static boolean readOnlyRoot(Container c) {
        return c.getSecurityContext() != null && Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem());
    }

    /** Kubernetes: command replaces the image's entry point, args its cmd (this image has no cmd). */
    private static List<String> args(Container c, JsonNode imageArgs) {
        List<String> out = new ArrayList<>();
        if (c.getCommand() != null && !c.getCommand().isEmpty()) {
            out.addAll(c.getCommand());
        } else {
            imageArgs.forEach(a -> out.add(a.asText()));
        }
        if (c.getArgs() != null) {
            out.addAll(c.getArgs());
        }
        return out;
    }

    private List<String> env(Container c, JsonNode imageEnv, Map<String, Map<String, String>> secrets) {
        List<String> out = new ArrayList<>();
        imageEnv.forEach(e -> out.add(e.asText()));
        for (EnvVar e : c.getEnv()) {
            out.add(e.getName() + "=" + value(e, secrets));
        }
        return out;
    }

    private String value(EnvVar e, Map<String, Map<String, String>> secrets) {
        if (e.getValueFrom() == null) {
            return e.getValue();
        }
        if (e.getValueFrom().getFieldRef() != null) {
            return switch (e.getValueFrom().getFieldRef().getFieldPath()) {
                case "metadata.name" -> name;
                case "status.podIP" -> ip;
                default -> throw new AssertionError("fieldRef not filled in by this test: " + e);
            };
        }
        var ref = e.getValueFrom().getSecretKeyRef();
        if (ref != null) {
            String v = secrets.getOrDefault(ref.getName(), Map.of()).get(ref.getKey());
            if (v == null) {
                throw new AssertionError("Secret " + ref.getName() + " has no key " + ref.getKey());
            }
            return v;
        }
        throw new AssertionError("valueFrom not filled in by this test: " + e);
    }

    private static ObjectNode user(PodSecurityContext pod, SecurityContext container) {
        Long uid = container != null && container.getRunAsUser() != null ? container.getRunAsUser()
                : pod != null ? pod.getRunAsUser() : null;
        Long gid = container != null && container.getRunAsGroup() != null ? container.getRunAsGroup()
                : pod != null ? pod.getRunAsGroup() : null;
        boolean nonRoot = (container != null && Boolean.TRUE.equals(container.getRunAsNonRoot()))
                || (pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot()));
        if (uid == null || gid == null) {
            throw new AssertionError("the pod spec must state runAsUser and runAsGroup (the image's user is numeric)");
        }
        if (nonRoot && uid == 0) {
            throw new AssertionError("runAsNonRoot with runAsUser 0: the kubelet would refuse to start it");
        }
        ObjectNode user = JSON.createObjectNode().put("uid", uid).put("gid", gid);
        ArrayNode extra = user.putArray("additionalGids");
        if (pod != null && pod.getFsGroup() != null) {
            extra.add(pod.getFsGroup());
        }
        if (pod != null && pod.getSupplementalGroups() != null) {
            pod.getSupplementalGroups().forEach(extra::add);
        }
        return user;
    }

    private static void capabilities(ObjectNode caps, SecurityContext sc) {
        if (sc == null || sc.getCapabilities() == null) {
            return;
        }
        List<String> drop = sc.getCapabilities().getDrop() == null ? List.of() : sc.getCapabilities().getDrop();
        List<String> add = sc.getCapabilities().getAdd() == null ? List.of() : sc.getCapabilities().getAdd();
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            List<String> kept = new ArrayList<>();
            if (caps.has(set)) {
                caps.get(set).forEach(x -> {
                    String cap = x.asText().replaceFirst("^CAP_", "");
                    if (!drop.contains("ALL") && !drop.contains(cap)) {
                        kept.add(x.asText());
                    }
                });
            }
            add.forEach(a -> kept.add("CAP_" + a));
            caps.set(set, JSON.valueToTree(kept));
        }
    }

    private static void resources(ObjectNode linux, Container c) {
        if (c.getResources() == null || c.getResources().getLimits() == null) {
            return;
        }
        ObjectNode res = linux.has("resources") ? (ObjectNode) linux.get("resources") : linux.putObject("resources");
        Quantity memory = c.getResources().getLimits().get("memory");
        if (memory != null) {
            // The JVM sizes its heap from this limit (-XX:MaxRAMPercentage), as in the pod.
            res.putObject("memory").put("limit", Quantity.getAmountInBytes(memory).longValueExact());
        }
        Quantity cpu = c.getResources().getLimits().get("cpu");
        if (cpu != null) {
            long period = 100_000;
            long quota = Quantity.getAmountInBytes(cpu).multiply(java.math.BigDecimal.valueOf(period)).longValue();
            res.putObject("cpu").put("quota", quota).put("period", period);
        }
    }

    /** A volume's content on the host, as the kubelet would lay it out. */
    private Path volume(Volume v, Map<String, Map<String, String>> secrets, long fsGroup) throws Exception {
        Path root = Files.createDirectories(dir.resolve("volumes").resolve(v.getName()));
        if (v.getEmptyDir() != null) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
            return root;
        }
        if (v.getProjected() != null) {
            int defaultMode = v.getProjected().getDefaultMode() != null ? v.getProjected().getDefaultMode() : 0644;
            for (VolumeProjection p : v.getProjected().getSources()) {
                if (p.getSecret() == null) {
                    throw new AssertionError("projected source not laid out by this test: " + p);
                }
                Map<String, String> data = secrets.get(p.getSecret().getName());
                if (data == null) {
                    throw new AssertionError("no Secret " + p.getSecret().getName() + " (External Secrets makes it)");
                }
                for (KeyToPath item : p.getSecret().getItems()) {
                    String content = data.get(item.getKey());
                    if (content == null) {
                        throw new AssertionError("Secret " + p.getSecret().getName() + " has no key " + item.getKey());
                    }
                    Path f = root.resolve(item.getPath());
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, content, StandardCharsets.UTF_8);
                    int mode = item.getMode() != null ? item.getMode() : defaultMode;
                    Sh.ok(10, "chmod", Integer.toOctalString(mode), f.toString());
                    // fsGroup: the kubelet gives the volume's files to that group, so a non-root user can read them.
                    Sh.ok(10, "chown", "0:" + fsGroup, f.toString());
                }
            }
            Sh.ok(10, "chmod", "-R", "a+X", root.toString());
            return root;
        }
        throw new AssertionError("volume type not laid out by this test: " + v);
    }

    private Path write(String file, String content) throws Exception {
        Path f = dir.resolve(file);
        Files.writeString(f, content);
        Sh.ok(10, "chmod", "0644", f.toString());
        return f;
    }

    private static ObjectNode bind(Path source, String destination, boolean readOnly) {
        ObjectNode m = JSON.createObjectNode().put("destination", destination).put("type", "bind")
                .put("source", source.toString());
        ArrayNode options = m.putArray("options").add("rbind").add("nosuid").add("nodev");
        options.add(readOnly ? "ro" : "rw");
        return m;
    }

    /** Starts the container in the foreground of a runc process (its exit code is the broker's). */
    void start() throws Exception {
        runc = new ProcessBuilder("runc", "run", "--bundle", dir.toString(), id).redirectErrorStream(true)
                .redirectOutput(dir.resolve("container.log").toFile()).start();
    }

    boolean isRunning() {
        return runc != null && runc.isAlive();
    }

    String log() throws Exception {
        return Files.readString(dir.resolve("container.log"));
    }

    /** The broker's PID on the host (for /proc checks). */
    long hostPid() throws Exception {
        return JSON.readTree(Sh.ok(30, "runc", "state", id)).get("pid").asLong();
    }

    void signal(String signal) throws Exception {
        Sh.ok(30, "runc", "kill", id, signal);
    }

    /** Waits for the container to exit; returns its exit code, or empty if it was still running at the deadline. */
    java.util.OptionalInt awaitExit(long seconds) throws Exception {
        if (runc.waitFor(seconds, TimeUnit.SECONDS)) {
            return java.util.OptionalInt.of(runc.exitValue());
        }
        return java.util.OptionalInt.empty();
    }

    @Override
    public void close() {
        try {
            if (runc != null && runc.isAlive()) {
                Sh.run(30, "runc", "kill", id, "KILL");
                runc.waitFor(30, TimeUnit.SECONDS);
            }
            Sh.run(30, "runc", "delete", "--force", id);
        } catch (Exception e) {
            // Best effort; the namespaces are removed by PodNetwork either way.
        }
    }
}
