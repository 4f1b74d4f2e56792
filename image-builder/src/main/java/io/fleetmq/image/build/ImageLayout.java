package io.fleetmq.image.build;

import io.fleetmq.image.manifest.ContainerTarget;
import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.manifest.RuntimeSpec;
import io.fleetmq.image.roles.RenderedFile;

import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where things go in the image and how it starts, all derived from the broker role's resolved variables so the
 * container and a machine built by Ansible agree: paths, user ids, JVM options, config file, ports.
 */
public record ImageLayout(String home, String javaHome, String javaBinary, String configFile, String dataDir,
                          int uid, int gid, String user, String group, List<String> javaOpts,
                          List<Integer> ports) {

    public static final String MAIN_CLASS = "io.fleetmq.broker.cli.FleetMqCli";
    public static final String SBOM_NAME = "fleetmq-broker.cdx.json";
    /** JVM options added at start (a pod's env), as the {@code ./fleetmq} launcher reads them. */
    public static final String JAVA_OPTS_ENV = "FLEETMQ_JAVA_OPTS";
    /** Both supported bases have a POSIX shell here: the Debian root filesystem and the Temurin JRE image. */
    public static final String SHELL = "/bin/sh";

    public ImageLayout {
        javaOpts = List.copyOf(javaOpts);
        ports = List.copyOf(new TreeSet<>(ports));
    }

    public static ImageLayout of(ImageManifest manifest, Map<String, Object> brokerVars) {
        RuntimeSpec runtime = manifest.containerRuntime();
        List<String> opts = new ArrayList<>();
        for (Object o : (List<?>) brokerVars.get("fleetmq_broker_java_opts")) {
            opts.add(String.valueOf(o));
        }
        return new ImageLayout(str(brokerVars, "fleetmq_broker_home"),
                runtime instanceof RuntimeSpec.Jlink j ? j.javaHome() : ((RuntimeSpec.FromBase) runtime).javaHome(),
                runtime.javaBinary(), str(brokerVars, "fleetmq_broker_config_file"), str(brokerVars,
                        "fleetmq_broker_data_dir"),
                num(brokerVars, "fleetmq_broker_uid"), num(brokerVars, "fleetmq_broker_gid"),
                str(brokerVars, "fleetmq_broker_user"), str(brokerVars, "fleetmq_broker_group"), opts,
                List.of(num(brokerVars, "fleetmq_broker_tcp_port"), num(brokerVars, "fleetmq_broker_tls_port"),
                        num(brokerVars, "fleetmq_broker_http_port"), num(brokerVars, "fleetmq_broker_cluster_port")));
    }

    public String classesDir() {
        return home + "/classes";
    }

    public String libDir() {
        return home + "/lib";
    }

    public String sbomPath() {
        return home + "/sbom/" + SBOM_NAME;
    }

    /** Classes first, then the jars in the order Maven resolved them, as the broker's own launcher does. */
    public String classpath(List<Path> jars) {
        StringBuilder cp = new StringBuilder(classesDir());
        for (Path jar : jars) {
            cp.append(':').append(libDir()).append('/').append(jar.getFileName());
        }
        return cp.toString();
    }

    /**
     * {@code /bin/sh -c SCRIPT JAVA}: the shell only adds {@value #JAVA_OPTS_ENV} (word-split, never globbed) after
     * the role's JVM options, so a later option from the pod wins, then execs the JVM (PID 1 gets the signals).
     * Arguments given to the container ({@code args} in a pod) follow {@code --config}, e.g. {@code --set KEY=VALUE}.
     */
    public List<String> entrypoint(List<Path> jars) {
        StringBuilder script = new StringBuilder("set -f; exec \"$0\"");
        for (String opt : javaOpts) {
            script.append(' ').append(shellQuoted(opt));
        }
        script.append(" ${").append(JAVA_OPTS_ENV).append("-}");
        for (String arg : List.of("-cp", classpath(jars), MAIN_CLASS, "broker", "--config", configFile)) {
            script.append(' ').append(shellQuoted(arg));
        }
        script.append(" \"$@\"");
        return List.of(SHELL, "-c", script.toString(), javaBinary);
    }

    private static String shellQuoted(String s) {
        return s.matches("[A-Za-z0-9_./:=+%,@-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code name} as a numeric id: root, the broker user or group, or a number. */
    public int idOf(String name, boolean isGroup) {
        if (name.equals("root")) {
            return 0;
        }
        if (!isGroup && name.equals(user)) {
            return uid;
        }
        if (isGroup && name.equals(group)) {
            return gid;
        }
        if (name.matches("\\d+")) {
            return Integer.parseInt(name);
        }
        throw new IllegalArgumentException((isGroup ? "group " : "owner ") + name
                + " is neither root, the broker's " + (isGroup ? "group" : "user") + " nor a number");
    }

    public String ownership(RenderedFile f) {
        return idOf(f.owner(), false) + ":" + idOf(f.group(), true);
    }

    /** OCI labels: the standard ones, the manifest's digest, then the manifest's own labels (which may override). */
    public static Map<String, String> labels(ImageManifest m, ContainerTarget target, String sourceRevision,
                                             String baseReference) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("org.opencontainers.image.title", m.name());
        labels.put("org.opencontainers.image.version", m.version());
        labels.put("org.opencontainers.image.revision", sourceRevision);
        labels.put("org.opencontainers.image.created", DateTimeFormatter.ISO_INSTANT.format(target.creationTime()));
        labels.put("org.opencontainers.image.description", "FleetMQ MQTT broker");
        labels.put("io.fleetmq.manifest.digest", "sha256:" + m.sha256());
        labels.put("io.fleetmq.manifest.name", m.name());
        if (baseReference != null) {
            labels.put("org.opencontainers.image.base.name", baseReference);
        }
        labels.putAll(target.labels());
        return labels;
    }

    private static String str(Map<String, Object> vars, String key) {
        Object v = vars.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("broker role variable " + key + " must be a non-empty string, got " + v);
        }
        return s;
    }

    private static int num(Map<String, Object> vars, String key) {
        Object v = vars.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("broker role variable " + key + " must be an integer, got " + v);
        }
        return n.intValue();
    }
}
