package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.config.EnvironmentConfigException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code pipelines/pipeline.yaml} strictly: every key required, unknown keys refused, each value checked. A
 * failure is an {@link EnvironmentConfigException} naming the file and the key ({@code pipeline.yaml: source.branch:
 * ...}), which the app prints as one line.
 */
public final class PipelineConfigLoader {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern ENV = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern CONNECTION = Pattern.compile(
            "arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\\d{12}:connection/[0-9a-f-]{36}");
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]+");
    private static final Pattern ECR_REPOSITORY = Pattern.compile("[a-z0-9]+([._/-][a-z0-9]+)*");
    private static final Pattern RELATIVE_FILE = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.ya?ml");
    private static final Set<String> RESERVED_ENV_NAMES = Set.of("pipeline");

    private PipelineConfigLoader() {
    }

    public static PipelineConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new EnvironmentConfigException(file + ": no pipeline configuration file");
        }
        Section root = new Section(file.getFileName().toString(), "", read(file));
        root.expect("apiVersion", "fleetmq.io/v1");
        root.expect("kind", "Pipeline");
        String name = root.string("name", NAME, "a lower-case name such as fleetmq");
        String account = root.string("account", ACCOUNT, "a 12-digit AWS account id (quote it in YAML)");
        String region = root.string("region", REGION, "an AWS region such as eu-west-1");
        List<String> azs = root.strings("availabilityZones", Pattern.compile(Pattern.quote(region) + "[a-z]"),
                "zones of " + region + " such as " + region + "a");
        if (azs.size() < 2 || new LinkedHashSet<>(azs).size() != azs.size()) {
            root.fail("availabilityZones", "needs 2 or more distinct zones, got " + azs);
        }

        Section src = root.section("source");
        PipelineConfig.Source source = new PipelineConfig.Source(
                src.string("connectionArn", CONNECTION,
                        "a CodeConnections connection ARN such as "
                                + "arn:aws:codeconnections:eu-west-1:123456789012:connection/<uuid>"),
                src.string("repository", REPOSITORY, "owner/name of the Git repository"),
                src.string("branch", BRANCH, "a branch name such as main"));
        src.rejectUnknown();

        Section art = root.section("artifacts");
        PipelineConfig.Artifacts artifacts = new PipelineConfig.Artifacts(
                art.string("imageRepository", ECR_REPOSITORY, "an ECR repository name such as fleetmq/broker"),
                art.string("imageManifest", RELATIVE_FILE, "a manifest path relative to the repository root"),
                art.string("amiManifest", RELATIVE_FILE, "a manifest path relative to the repository root"),
                art.string("amiName", NAME, "an AMI name such as eks-node"));
        art.rejectUnknown();

        Section bench = root.section("benchGate");
        String scenario = bench.string("scenario", RELATIVE_FILE, "a scenario path such as bench/scenarios/gate.yaml");
        if (!scenario.startsWith("bench/scenarios/")) {
            bench.fail("scenario", "must be a scenario from bench/scenarios/, got \"" + scenario + "\"");
        }
        bench.rejectUnknown();

        Section envs = root.section("environments");
        String dev = envs.string("dev", ENV, "an environment name (cdk-app/envs/<name>.yaml)");
        String prod = envs.string("prod", ENV, "an environment name (cdk-app/envs/<name>.yaml)");
        if (dev.equals(prod)) {
            envs.fail("prod", "must differ from environments.dev (\"" + dev + "\")");
        }
        for (String env : List.of(dev, prod)) {
            if (RESERVED_ENV_NAMES.contains(env)) {
                envs.fail(env.equals(dev) ? "dev" : "prod",
                        "\"" + env + "\" is reserved (/fleetmq/pipeline/... holds the release record)");
            }
        }
        envs.rejectUnknown();
        root.rejectUnknown();
        return new PipelineConfig(name, account, region, azs, source, artifacts, scenario, dev, prod);
    }

    private static Map<String, Object> read(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(options)).load(r);
            if (!(doc instanceof Map<?, ?> map)) {
                throw new EnvironmentConfigException(file + ": must be a YAML mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) map;
            return m;
        } catch (YAMLException e) {
            throw new EnvironmentConfigException(file + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new EnvironmentConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** One mapping of the file: remembers which keys were read, so the rest can be refused as unknown. */
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

        void fail(String key, String what) {
            throw new EnvironmentConfigException(file + ": " + prefix + key + ": " + what);
        }

        private Object required(String key) {
            used.add(key);
            Object v = values.get(key);
            if (v == null) {
                fail(key, "missing (required)");
            }
            return v;
        }

        void expect(String key, String value) {
            Object v = required(key);
            if (!value.equals(v.toString())) {
                fail(key, "must be " + value + ", got \"" + v + "\"");
            }
        }

        String string(String key, Pattern pattern, String expected) {
            Object v = required(key);
            if (!(v instanceof String s) || !pattern.matcher(s).matches()) {
                fail(key, "must be " + expected + ", got \"" + v + "\"");
                return null;
            }
            return s;
        }

        List<String> strings(String key, Pattern pattern, String expected) {
            Object v = required(key);
            if (!(v instanceof List<?> list) || list.isEmpty()) {
                fail(key, "must be a non-empty list of " + expected + ", got \"" + v + "\"");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String s) || !pattern.matcher(s).matches()) {
                    fail(key, "must be a list of " + expected + ", got \"" + item + "\"");
                }
                out.add(item.toString());
            }
            return List.copyOf(out);
        }

        Section section(String key) {
            Object v = required(key);
            if (!(v instanceof Map<?, ?> map)) {
                fail(key, "must be a mapping, got \"" + v + "\"");
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) map;
            return new Section(file, prefix + key + ".", m);
        }

        void rejectUnknown() {
            for (String key : values.keySet()) {
                if (!used.contains(key)) {
                    fail(key, "unknown key (known: " + used + ")");
                }
            }
        }
    }
}
