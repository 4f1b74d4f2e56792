package io.fleetmq.cdk.config;

import io.fleetmq.cdk.contract.SsmParameters;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads {@code envs/<name>.yaml}, applies context overrides and validates everything once. Every failure is an
 * {@link EnvironmentConfigException} whose message names the file or context key, the setting and what was expected.
 *
 * <p>Context keys (given with {@code cdk synth -c KEY=VALUE} or in {@code cdk.json}):
 * <ul>
 *   <li>{@value #CTX_ENV} (required): which {@code envs/<name>.yaml} to use</li>
 *   <li>{@value #CTX_ACCOUNT}: overrides {@code account}</li>
 *   <li>{@value #CTX_IMAGE_DIGEST}: overrides {@code broker.imageDigest}</li>
 *   <li>{@value #CTX_AMI_ID}: overrides {@code nodes.amiId}</li>
 * </ul>
 * Context is passed in, not read here, so tests drive the same code the app runs.
 */
public final class EnvironmentLoader {

    public static final String CTX_ENV = "env";
    public static final String CTX_ACCOUNT = "account";
    public static final String CTX_IMAGE_DIGEST = "imageDigest";
    public static final String CTX_AMI_ID = "amiId";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/(1[6-9]|2[0-4])");
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+([._/-][a-z0-9]+)*");
    private static final Pattern SSM_NAME = Pattern.compile("(/[A-Za-z0-9_.-]+)+");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");
    private static final Pattern CPU = Pattern.compile("\\d+m|\\d+(\\.\\d+)?");
    private static final Pattern MEMORY = Pattern.compile("\\d+(Mi|Gi)");
    private static final Pattern ANY_CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/([0-9]|[12][0-9]|3[0-2])");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern ZABBIX_SERVER = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?");
    /** CloudWatch Logs accepts only these retention values. */
    private static final Set<Integer> LOG_RETENTION_DAYS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
            400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    private EnvironmentLoader() {
    }

    /**
     * @param envsDir folder holding {@code <name>.yaml}
     * @param context context values; only the keys named above are read
     */
    public static EnvironmentConfig load(Path envsDir, Map<String, ?> context) {
        Object envValue = context.get(CTX_ENV);
        List<String> known = available(envsDir);
        if (envValue == null || envValue.toString().isBlank()) {
            throw new EnvironmentConfigException("context key '" + CTX_ENV + "' is missing: pass -c " + CTX_ENV
                    + "=<name>, one of " + known + " (files in " + envsDir + ")");
        }
        String name = envValue.toString();
        if (!NAME.matcher(name).matches()) {
            throw new EnvironmentConfigException("context key '" + CTX_ENV + "': must be a lower-case name like 'dev', got \""
                    + name + "\"");
        }
        Path file = envsDir.resolve(name + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new EnvironmentConfigException("context key '" + CTX_ENV + "': no environment '" + name + "' (no file "
                    + file + "); known: " + known);
        }
        Section root = new Section(file.toString(), "", read(file));
        return build(name, root, context, file.toString());
    }

    private static EnvironmentConfig build(String name, Section root, Map<String, ?> context, String file) {
        String fileName = root.string("name", NAME, "a lower-case name");
        if (!fileName.equals(name)) {
            root.fail("name", "must match the file name '" + name + "', got \"" + fileName + "\"");
        }
        // The file's account is validated even when context overrides it: a broken file should not wait for the
        // day nobody passes -c account.
        String fileAccount = root.string("account", ACCOUNT, "a 12-digit AWS account id (quote it in YAML)");
        String account = override(context, CTX_ACCOUNT, ACCOUNT, "a 12-digit AWS account id").orElse(fileAccount);
        String region = root.string("region", REGION, "an AWS region such as eu-west-1");
        List<String> azs = root.strings("availabilityZones", Pattern.compile(Pattern.quote(region) + "[a-z]"),
                "zones of " + region + " such as " + region + "a");
        boolean production = root.bool("production");
        if (azs.size() < (production ? 3 : 2) || azs.size() > 3) {
            root.fail("availabilityZones", production
                    ? "production needs 3 availability zones, got " + azs.size()
                    : "needs 2 or 3 availability zones, got " + azs.size());
        }
        if (new LinkedHashSet<>(azs).size() != azs.size()) {
            root.fail("availabilityZones", "lists a zone twice: " + azs);
        }

        Section net = root.section("network");
        int nat = net.integer("natGateways", 1, azs.size());
        if (production && nat != azs.size()) {
            net.fail("natGateways", "production needs one NAT gateway per AZ (" + azs.size() + "), got " + nat);
        }
        int retention = net.integer("flowLogRetentionDays", 1, 3653);
        if (!LOG_RETENTION_DAYS.contains(retention)) {
            net.fail("flowLogRetentionDays", "must be one of CloudWatch's retention values "
                    + new TreeSet<>(LOG_RETENTION_DAYS) + ", got " + retention);
        }
        EnvironmentConfig.Network network = new EnvironmentConfig.Network(
                net.string("cidr", CIDR, "an IPv4 CIDR /16 to /24 such as 10.40.0.0/16"), nat, retention);
        net.rejectUnknown();

        Section nodesSection = root.section("nodes");
        List<String> instanceTypes = nodesSection.strings("instanceTypes", INSTANCE_TYPE, "EC2 instance types such as c6i.xlarge");
        // One AMI serves every node group: a node group of another architecture could not launch it.
        if (instanceTypes.stream().map(NodeArchitecture::of).distinct().count() > 1) {
            nodesSection.fail("instanceTypes", "mixes CPU architectures (x86_64 and arm64 Graviton): the node groups "
                    + "share one AMI, got " + instanceTypes);
        }
        int minPerAz = nodesSection.integer("minPerAz", 0, 100);
        int maxPerAz = nodesSection.integer("maxPerAz", 1, 100);
        if (maxPerAz < minPerAz) {
            nodesSection.fail("maxPerAz", "must be at least minPerAz (" + minPerAz + "), got " + maxPerAz);
        }
        String amiParameter = nodesSection.optionalString("amiParameter", SSM_NAME, "an SSM parameter name")
                .orElse(SsmParameters.eksNodeAmi(name));
        Optional<String> amiId = override(context, CTX_AMI_ID, AMI, "an AMI id such as ami-0123456789abcdef0")
                .or(() -> nodesSection.optionalString("amiId", AMI, "an AMI id such as ami-0123456789abcdef0"));
        List<String> admins = nodesSection.optionalStrings("adminRoleArns", ROLE_ARN,
                "IAM role ARNs such as arn:aws:iam::123456789012:role/Admin");
        EnvironmentConfig.Nodes nodes = new EnvironmentConfig.Nodes(instanceTypes, minPerAz, maxPerAz, amiParameter, amiId,
                admins);
        nodesSection.rejectUnknown();

        Section b = root.section("broker");
        String digestWhy = "an immutable image digest 'sha256:<64 hex digits>' (a tag can move; deploy the digest the image build printed)";
        Optional<String> digest = override(context, CTX_IMAGE_DIGEST, DIGEST, digestWhy)
                .or(() -> b.optionalString("imageDigest", DIGEST, digestWhy));
        String digestParameter = b.optionalString("imageDigestParameter", SSM_NAME, "an SSM parameter name")
                .orElse(SsmParameters.brokerImageDigest(name));
        int minReplicas = b.integer("minReplicas", 1, 1000);
        int maxReplicas = b.integer("maxReplicas", 1, 1000);
        if (maxReplicas < minReplicas) {
            b.fail("maxReplicas", "must be at least minReplicas (" + minReplicas + "), got " + maxReplicas);
        }
        if (production && minReplicas < 3) {
            b.fail("minReplicas", "production needs at least 3 broker pods (one per AZ), got " + minReplicas);
        }
        EnvironmentConfig.Broker broker = new EnvironmentConfig.Broker(
                b.string("imageRepository", REPOSITORY, "an ECR repository name such as fleetmq/broker"),
                digest, digestParameter, minReplicas, maxReplicas,
                b.integer("targetConnectionsPerPod", 100, 1_000_000),
                b.integer("targetCpuPercent", 10, 95),
                b.string("cpuRequest", CPU, "a CPU quantity such as 2 or 1500m"),
                b.string("cpuLimit", CPU, "a CPU quantity such as 2 or 1500m"),
                b.string("memoryRequest", MEMORY, "a memory quantity such as 4Gi"),
                b.string("memoryLimit", MEMORY, "a memory quantity such as 4Gi"),
                b.optionalString("javaOpts", Pattern.compile("[^\"'`$\\\\]*"), "JVM options without quotes or $")
                        .orElse(""),
                orDefault(b.optionalStrings("clientCidrs", ANY_CIDR, "IPv4 CIDRs such as 203.0.113.0/24"),
                        List.of("0.0.0.0/0")));
        b.rejectUnknown();

        Section alarmsSection = root.section("alarms");
        EnvironmentConfig.Alarms alarms = new EnvironmentConfig.Alarms(
                alarmsSection.optionalString("email", EMAIL, "an e-mail address"),
                alarmsSection.optionalString("zabbixServer", ZABBIX_SERVER,
                        "the Zabbix server's host name or address, optionally :port, e.g. zabbix.example.internal:10051"));
        alarmsSection.rejectUnknown();
        root.string("apiVersion", Pattern.compile(Pattern.quote("fleetmq.io/v1")), "fleetmq.io/v1");
        root.string("kind", Pattern.compile("Environment"), "Environment");
        root.rejectUnknown();
        return new EnvironmentConfig(name, production, account, region, List.copyOf(azs), network, nodes, broker, alarms);
    }

    private static List<String> orDefault(List<String> values, List<String> otherwise) {
        return values.isEmpty() ? otherwise : values;
    }

    private static Optional<String> override(Map<String, ?> context, String key, Pattern pattern, String expected) {
        Object value = context.get(key);
        if (value == null) {
            return Optional.empty();
        }
        String s = value.toString();
        if (!pattern.matcher(s).matches()) {
            throw new EnvironmentConfigException("context key '" + key + "': must be " + expected + ", got \"" + s + "\"");
        }
        return Optional.of(s);
    }

    private static List<String> available(Path envsDir) {
        try (Stream<Path> files = Files.list(envsDir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - ".yaml".length())).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new EnvironmentConfigException("cannot list environments in " + envsDir + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> read(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(options)).load(reader);
            if (!(doc instanceof Map<?, ?> map)) {
                throw new EnvironmentConfigException(file + ": must be a YAML mapping");
            }
            return stringKeys(map, file.toString(), "");
        } catch (YAMLException e) {
            throw new EnvironmentConfigException(file + ": YAML error: " + e.getMessage().replace('\n', ' '));
        } catch (IOException e) {
            throw new EnvironmentConfigException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map, String file, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(k instanceof String s)) {
                throw new EnvironmentConfigException(file + ": key " + k + " under '" + path + "' must be a string");
            }
            out.put(s, v);
        });
        return out;
    }

    /** One YAML mapping; remembers which keys were read so unknown ones are reported, never ignored. */
    private static final class Section {
        private final String file;
        private final String prefix;
        private final Map<String, Object> values;
        private final Set<String> used = new LinkedHashSet<>();

        Section(String file, String prefix, Map<String, Object> values) {
            this.file = file;
            this.prefix = prefix;
            this.values = values;
        }

        private String key(String k) {
            return prefix.isEmpty() ? k : prefix + "." + k;
        }

        void fail(String k, String why) {
            throw new EnvironmentConfigException(file + ": " + key(k) + ": " + why);
        }

        private Object required(String k) {
            used.add(k);
            Object v = values.get(k);
            if (v == null) {
                fail(k, "is missing");
            }
            return v;
        }

        Section section(String k) {
            Object v = required(k);
            if (!(v instanceof Map<?, ?> m)) {
                fail(k, "must be a mapping");
                throw new AssertionError();
            }
            return new Section(file, key(k), stringKeys(m, file, key(k)));
        }

        String string(String k, Pattern pattern, String expected) {
            return checked(k, required(k), pattern, expected);
        }

        Optional<String> optionalString(String k, Pattern pattern, String expected) {
            used.add(k);
            Object v = values.get(k);
            return v == null ? Optional.empty() : Optional.of(checked(k, v, pattern, expected));
        }

        private String checked(String k, Object v, Pattern pattern, String expected) {
            if (!(v instanceof String s) || !pattern.matcher(s).matches()) {
                fail(k, "must be " + expected + ", got \"" + v + "\"");
                throw new AssertionError();
            }
            return s;
        }

        List<String> strings(String k, Pattern pattern, String expected) {
            Object v = required(k);
            if (!(v instanceof List<?> list) || list.isEmpty()) {
                fail(k, "must be a non-empty list of " + expected);
                throw new AssertionError();
            }
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                out.add(checked(k, item, pattern, expected));
            }
            return out;
        }

        List<String> optionalStrings(String k, Pattern pattern, String expected) {
            return values.get(k) == null ? optionalAbsent(k) : strings(k, pattern, expected);
        }

        private List<String> optionalAbsent(String k) {
            used.add(k);
            return List.of();
        }

        int integer(String k, int min, int max) {
            Object v = required(k);
            if (!(v instanceof Integer i) || i < min || i > max) {
                fail(k, "must be an integer between " + min + " and " + max + ", got \"" + v + "\"");
                throw new AssertionError();
            }
            return i;
        }

        boolean bool(String k) {
            Object v = required(k);
            if (!(v instanceof Boolean bool)) {
                fail(k, "must be true or false, got \"" + v + "\"");
                throw new AssertionError();
            }
            return bool;
        }

        void rejectUnknown() {
            Set<String> unknown = new TreeSet<>(values.keySet());
            unknown.removeAll(used);
            if (!unknown.isEmpty()) {
                String first = unknown.iterator().next();
                fail(first, "unknown key (known here: " + String.join(", ", used) + ")");
            }
        }
    }

}
