package io.fleetmq.cdk.broker;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ConfigLoader;
import io.fleetmq.broker.config.ConfigSchema;
import io.fleetmq.cdk.contract.BrokerContract;
import io.fleetmq.cdk.support.Manifests;
import io.fleetmq.cdk.support.Synth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.fleetmq.cdk.broker.BrokerWorkload.*;
import static org.assertj.core.api.Assertions.assertThat;

class BrokerWorkloadStackTest {

    private static List<HasMetadata> objects(Synth s) {
        return Manifests.typed(s.template(s.stacks.broker()));
    }

    private static StatefulSet statefulSet(Synth s) {
        return Manifests.one(objects(s), StatefulSet.class, STATEFUL_SET);
    }

    private static Container broker(Synth s) {
        return statefulSet(s).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    @Test
    void everyManifestParsesStrictlyIntoItsKubernetesType() {
        for (String env : List.of("dev", "prod")) {
            List<HasMetadata> objects = objects(Synth.of(env));
            assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                    .contains("Namespace/" + NAMESPACE, "ServiceAccount/" + SERVICE_ACCOUNT,
                            "Service/" + DISCOVERY_SERVICE, "Service/" + NLB_SERVICE, "StatefulSet/" + STATEFUL_SET,
                            "PodDisruptionBudget/" + PDB, "NetworkPolicy/" + NETWORK_POLICY,
                            "SecretStore/" + SECRET_STORE, "ExternalSecret/" + TLS_SECRET,
                            "ExternalSecret/" + ADMIN_TOKEN_SECRET, "ExternalSecret/" + CLUSTER_SECRET)
                    // The configuration is the image's role-rendered file plus the pod's variables: no ConfigMap.
                    .noneMatch(k -> k.startsWith("ConfigMap/"));
        }
    }

    @Test
    void imageIsTheDigestFromContextNeverATag() {
        Synth s = Synth.withDigest("dev");
        assertThat(broker(s).getImage())
                .isEqualTo("111111111111.dkr.ecr.eu-west-1.amazonaws.com/fleetmq/broker@" + Synth.DIGEST);
    }

    @Test
    void withoutContextTheDigestIsReadAtDeployTimeFromTheSsmParameterThePipelineWrites() {
        Synth s = Synth.of("prod");
        Template t = s.template(s.stacks.broker());
        assertThat(t.findParameters("*", Map.of("Type", "AWS::SSM::Parameter::Value<String>",
                "Default", "/fleetmq/prod/broker/image-digest"))).hasSize(1);
        assertThat(broker(s).getImage())
                .isEqualTo("222222222222.dkr.ecr.eu-west-1.amazonaws.com/fleetmq/broker@" + Manifests.TOKEN);
    }

    @Test
    void theStatefulSetLeavesTheReplicaCountToTheAutoscaler() {
        // A replica count in the manifest would reset the HPA's scale on every deploy.
        Synth s = Synth.of("dev");
        assertThat(statefulSet(s).getSpec().getReplicas()).isNull();
        assertThat(statefulSet(s).getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(Manifests.raw(s.template(s.stacks.broker())))
                .filteredOn(m -> m.path("kind").asText().equals("StatefulSet"))
                .allSatisfy(m -> assertThat(m.path("spec").has("replicas")).isFalse());
    }

    @Test
    void headlessDiscoveryServicePublishesNotReadyPodsOnTheJGroupsPort() {
        Synth s = Synth.of("dev");
        Service svc = Manifests.one(objects(s), Service.class, DISCOVERY_SERVICE);
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(svc.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(BrokerContract.CLUSTER_PORT);
        assertThat(statefulSet(s).getSpec().getServiceName()).isEqualTo(DISCOVERY_SERVICE);
        // The DNS query the pods get is exactly this Service's FQDN.
        assertThat(env(broker(s)).get("FLEETMQ_CLUSTER_DNS_QUERY").getValue())
                .isEqualTo(svc.getMetadata().getName() + "." + svc.getMetadata().getNamespace() + ".svc.cluster.local");
    }

    @Test
    void nlbServiceExposesOnlyMqttsWithProxyProtocolV2CrossZoneAndReadinessHealthChecks() {
        Synth s = Synth.of("dev");
        Service nlb = Manifests.one(objects(s), Service.class, NLB_SERVICE);
        assertThat(nlb.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(nlb.getSpec().getLoadBalancerClass()).isEqualTo("service.k8s.aws/nlb");
        // Plain MQTT (1883) is never on the internet-facing NLB.
        assertThat(nlb.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getProtocol)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mqtts", 8883, "TCP"));
        String p = "service.beta.kubernetes.io/aws-load-balancer-";
        assertThat(nlb.getMetadata().getAnnotations())
                .containsEntry(p + "type", "external")
                .containsEntry(p + "scheme", "internet-facing")
                .containsEntry(p + "name", "fleetmq-dev-mqtt")
                .containsEntry(p + "nlb-target-type", "ip")
                .containsEntry(p + "proxy-protocol", "*")
                .containsEntry(p + "attributes", "load_balancing.cross_zone.enabled=true")
                .containsEntry(p + "healthcheck-protocol", "http")
                .containsEntry(p + "healthcheck-port", "8080")
                .containsEntry(p + "healthcheck-path", "/readyz");
        // The target group keeps a draining pod's flows for as long as the pod may take to drain.
        assertThat(nlb.getMetadata().getAnnotations().get(p + "target-group-attributes"))
                .contains("deregistration_delay.timeout_seconds=" + TERMINATION_GRACE_SECONDS);
    }

    @Test
    void nlbAcceptsDevicesOnlyFromTheEnvironmentsClientRanges() {
        assertThat(Manifests.one(objects(Synth.of("prod")), Service.class, NLB_SERVICE).getSpec()
                .getLoadBalancerSourceRanges()).containsExactly("198.51.100.0/24", "203.0.113.0/24");
        assertThat(Manifests.one(objects(Synth.of("dev")), Service.class, NLB_SERVICE).getSpec()
                .getLoadBalancerSourceRanges()).containsExactly("0.0.0.0/0");
    }

    @Test
    void probesUseTheBrokersHealthEndpoints() {
        Container c = broker(Synth.of("dev"));
        assertProbe(c.getReadinessProbe(), "/readyz");
        assertProbe(c.getLivenessProbe(), "/healthz");
        assertProbe(c.getStartupProbe(), "/healthz");
        // Startup gives the JVM and cluster join up to 2 minutes before liveness applies.
        assertThat(c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold())
                .isGreaterThanOrEqualTo(120);
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(BrokerContract.HTTP_PORT);
    }

    @Test
    void preStopPauseAndTheBrokersDrainFitInsideTheTerminationGracePeriod() throws Exception {
        Synth s = Synth.of("dev");
        PodSpec pod = statefulSet(s).getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(120L);
        long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
        assertThat(preStop).isEqualTo(PRE_STOP_SLEEP_SECONDS);
        // SIGTERM: drain (bounded by the drain timeout), session hand-off, then close within shutdown.gracePeriod
        // (from the pod's variables, read by the broker's own loader). All of it after preStop, with room for the hand-off.
        long drain = seconds(env(c).get("FLEETMQ_CLUSTER_DRAIN_TIMEOUT").getValue());
        Duration shutdownGrace = brokerConfig(s).shutdown().gracePeriod();
        assertThat(preStop + drain + shutdownGrace.toSeconds() + 10)
                .isLessThanOrEqualTo(pod.getTerminationGracePeriodSeconds());
    }

    @Test
    void drainRateMovesTwiceTheTargetConnectionsWithinTheDrainTimeout() {
        for (String name : List.of("dev", "prod")) {
            Synth s = Synth.of(name);
            Map<String, EnvVar> env = env(broker(s));
            long rate = Long.parseLong(env.get("FLEETMQ_CLUSTER_DRAIN_RATE").getValue());
            long drain = seconds(env.get("FLEETMQ_CLUSTER_DRAIN_TIMEOUT").getValue());
            assertThat(rate * drain).isGreaterThanOrEqualTo(2L * s.env.broker().targetConnectionsPerPod());
        }
    }

    private static long seconds(String duration) {
        assertThat(duration).matches("\\d+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    @Test
    void podDisruptionBudgetLetsOneBrokerGoAtATime() {
        Synth s = Synth.of("prod");
        PodDisruptionBudget pdb = Manifests.one(objects(s), PodDisruptionBudget.class, PDB);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(statefulSet(s).getSpec().getSelector().getMatchLabels());
    }

    @Test
    void podsSpreadHardAcrossZonesAndSoftAcrossNodesOnTheGoldenAmiPool() {
        PodSpec pod = statefulSet(Synth.of("prod")).getSpec().getTemplate().getSpec();
        assertThat(pod.getTopologySpreadConstraints())
                .extracting(TopologySpreadConstraint::getTopologyKey, TopologySpreadConstraint::getMaxSkew,
                        TopologySpreadConstraint::getWhenUnsatisfiable)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("topology.kubernetes.io/zone", 1, "DoNotSchedule"),
                        org.assertj.core.groups.Tuple.tuple("kubernetes.io/hostname", 1, "ScheduleAnyway"));
        assertThat(pod.getNodeSelector()).containsEntry("fleetmq.io/pool", "broker");
    }

    @Test
    void resourcesComeFromTheEnvironmentWithGuaranteedMemory() {
        Container c = broker(Synth.of("prod"));
        assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("3");
        assertThat(c.getResources().getLimits().get("cpu").toString()).isEqualTo("4");
        assertThat(c.getResources().getRequests().get("memory")).isEqualTo(c.getResources().getLimits().get("memory"));
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("8Gi");
    }

    @Test
    void podRunsNonRootReadOnlyWithoutCapabilitiesUnderTheRestrictedProfile() {
        Synth s = Synth.of("dev");
        PodSpec pod = statefulSet(s).getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getSysctls()).extracting("name").contains("net.ipv4.tcp_keepalive_time");
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        Namespace ns = Manifests.one(objects(s), Namespace.class, NAMESPACE);
        assertThat(ns.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("elbv2.k8s.aws/pod-readiness-gate-inject", "enabled");
    }

    @Test
    void secretsAreMountedOutsideTheRoleRenderedConfigAndNoKeyMaterialIsEverInATemplate() {
        Synth s = Synth.of("dev");
        PodSpec pod = statefulSet(s).getSpec().getTemplate().getSpec();
        var sources = pod.getVolumes().stream().filter(v -> v.getName().equals("secrets")).findFirst().orElseThrow()
                .getProjected().getSources();
        assertThat(sources.get(0).getSecret().getName()).isEqualTo(TLS_SECRET);
        assertThat(sources.get(0).getSecret().getItems()).extracting("path")
                .containsExactly("tls/tls.crt", "tls/tls.key", "tls/ca.crt");
        assertThat(sources.get(1).getSecret().getName()).isEqualTo(CLUSTER_SECRET);
        assertThat(sources.get(1).getSecret().getItems()).extracting("path").containsExactly("cluster/secret");
        // Nothing is mounted over /etc/fleetmq: the broker reads the file the image's role rendered.
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactlyInAnyOrder(BrokerContract.SECRETS_DIR, "/tmp")
                .noneMatch(p -> p.startsWith(BrokerContract.CONFIG_DIR));
        assertThat(env(pod.getContainers().get(0)).get("FLEETMQ_HTTP_ADMIN_TOKEN").getValueFrom()
                .getSecretKeyRef().getName()).isEqualTo(ADMIN_TOKEN_SECRET);
        // No Secret with content and no key material anywhere in any stack. The one Secret a template may hold is a
        // service-account token request (Zabbix's), which has no data: Kubernetes writes the token into it.
        for (String env : List.of("dev", "prod")) {
            Synth each = Synth.of(env);
            each.templates().forEach((stack, t) -> {
                assertThat(Manifests.raw(t)).filteredOn(m -> m.path("kind").asText().equals("Secret"))
                        .allSatisfy(m -> {
                            assertThat(m.path("type").asText()).isEqualTo("kubernetes.io/service-account-token");
                            assertThat(m.has("data") || m.has("stringData")).isFalse();
                        });
                assertThat(t.toJSON().toString()).doesNotContain("PRIVATE KEY");
            });
        }
    }

    @Test
    void theBrokersOwnValidatorAcceptsThePodsSettings() throws Exception {
        BrokerConfig config = brokerConfig(Synth.of("prod"));
        assertThat(config.nodeName()).isEqualTo("fleetmq-broker-0");
        Map<String, Object> values = ConfigSchema.valuesOf(config);
        assertThat(values).containsEntry("cluster.enabled", true)
                .containsEntry("cluster.dnsQuery", DISCOVERY_FQDN)
                .containsEntry("cluster.port", BrokerContract.CLUSTER_PORT)
                .containsEntry("cluster.name", "fleetmq-prod")
                .containsEntry("listeners.tls.port", BrokerContract.MQTT_TLS_PORT)
                .containsEntry("tls.caFile", BrokerContract.TLS_DIR + "/ca.crt");
    }

    @Test
    void everyVariableThePodSetsNamesABrokerKey() {
        for (String name : List.of("dev", "prod")) {
            for (EnvVar e : broker(Synth.of(name)).getEnv()) {
                boolean known = ConfigSchema.keyForEnv(e.getName()).isPresent()
                        || ConfigSchema.LAUNCHER_ENV.contains(e.getName());
                assertThat(known).as("%s names no key of the broker's ConfigSchema", e.getName()).isTrue();
            }
        }
    }


    @Test
    void clusterVariablesComeFromThePodAndDnsDiscoveryUsesTheHeadlessService() {
        Container c = broker(Synth.of("prod"));
        assertThat(env(c).get("FLEETMQ_NODE_NAME").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.name");
        // JGroups advertises its bind address, so it is the pod IP, never 0.0.0.0.
        assertThat(env(c).get("FLEETMQ_CLUSTER_BIND").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("status.podIP");
        assertThat(env(c).get("FLEETMQ_CLUSTER_NAME").getValue()).isEqualTo("fleetmq-prod");
        // The broker selects DNS discovery by a non-empty query; it has no separate discovery variable.
        assertThat(env(c)).doesNotContainKey("FLEETMQ_CLUSTER_DISCOVERY");
        assertThat(env(c).get("FLEETMQ_CLUSTER_SECRET_FILE").getValue()).isEqualTo(BrokerContract.CLUSTER_SECRET_FILE);
    }

    @Test
    void devicesGetMutualTlsOnlyWithTheCertificateBoundToTheClientIdAndNoAnonymousAccess() {
        for (String name : List.of("dev", "prod")) {
            Synth s = Synth.of(name);
            Map<String, EnvVar> env = env(broker(s));
            assertThat(env.get("FLEETMQ_LISTENERS_TLS_CLIENT_AUTH").getValue()).isEqualTo("required");
            assertThat(env.get("FLEETMQ_LISTENERS_TLS_PROXY_PROTOCOL").getValue()).isEqualTo("true");
            // The PROXY header is believed from the VPC's addresses only: where the NLB's addresses are.
            assertThat(env.get("FLEETMQ_LISTENERS_TLS_PROXY_PROTOCOL_TRUSTED_NETWORKS").getValue())
                    .isEqualTo(s.env.network().cidr());
            assertThat(env.get("FLEETMQ_AUTH_ALLOW_ANONYMOUS").getValue()).isEqualTo("false");
            assertThat(env.get("FLEETMQ_AUTH_CLIENT_ID_BINDING").getValue()).isEqualTo("certificate");
            assertThat(env.get("FLEETMQ_LISTENERS_TCP_ENABLED").getValue()).isEqualTo("false");
            assertThat(broker(s).getPorts()).extracting(p -> p.getContainerPort()).doesNotContain(BrokerContract.MQTT_PORT);
        }
    }

    @Test
    void onlyBrokerPodsReachTheClusterPort() {
        Synth s = Synth.of("prod");
        NetworkPolicy np = Manifests.one(objects(s), NetworkPolicy.class, NETWORK_POLICY);
        Map<String, String> brokers = statefulSet(s).getSpec().getSelector().getMatchLabels();
        assertThat(np.getSpec().getPodSelector().getMatchLabels()).isEqualTo(brokers);
        assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
        var rules = np.getSpec().getIngress();
        var clusterRules = rules.stream().filter(r -> r.getPorts().stream()
                .anyMatch(p -> p.getPort().getIntVal() == BrokerContract.CLUSTER_PORT)).toList();
        assertThat(clusterRules).hasSize(1);
        assertThat(clusterRules.get(0).getPorts()).extracting(p -> p.getPort().getIntVal())
                .containsExactly(BrokerContract.CLUSTER_PORT, BrokerContract.CLUSTER_FAILURE_DETECTION_PORT);
        assertThat(clusterRules.get(0).getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getIpBlock()).isNull();
            assertThat(peer.getNamespaceSelector()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(brokers);
        });
        // Everything else is admitted from the VPC only (NLB, kubelet, collector), on the TLS and HTTP ports.
        assertThat(rules).filteredOn(r -> !clusterRules.contains(r)).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getFrom()).extracting(p -> p.getIpBlock().getCidr()).containsOnly("10.50.0.0/16");
            assertThat(r.getPorts()).extracting(p -> p.getPort().getIntVal())
                    .containsOnly(BrokerContract.MQTT_TLS_PORT, BrokerContract.HTTP_PORT);
        });
    }

    @Test
    void everySecretThePodUsesIsSyncedFromSecretsManagerByExternalSecretsInstalledByTheApp() {
        Synth s = Synth.of("prod");
        Template t = s.template(s.stacks.broker());
        PodSpec pod = statefulSet(s).getSpec().getTemplate().getSpec();
        Map<String, List<String>> used = new java.util.TreeMap<>();
        pod.getVolumes().stream().filter(v -> v.getProjected() != null)
                .flatMap(v -> v.getProjected().getSources().stream()).filter(p -> p.getSecret() != null)
                .forEach(p -> used.computeIfAbsent(p.getSecret().getName(), k -> new java.util.ArrayList<>())
                        .addAll(p.getSecret().getItems().stream().map(i -> i.getKey()).toList()));
        pod.getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .forEach(e -> used.computeIfAbsent(e.getValueFrom().getSecretKeyRef().getName(),
                        k -> new java.util.ArrayList<>()).add(e.getValueFrom().getSecretKeyRef().getKey()));
        assertThat(used).containsOnlyKeys(TLS_SECRET, ADMIN_TOKEN_SECRET, CLUSTER_SECRET);

        List<com.fasterxml.jackson.databind.JsonNode> raw = Manifests.raw(t);
        used.forEach((secret, keys) -> {
            var es = raw.stream().filter(m -> m.path("kind").asText().equals("ExternalSecret")
                    && m.path("metadata").path("name").asText().equals(secret)).findFirst()
                    .orElseThrow(() -> new AssertionError("no ExternalSecret makes Secret " + secret));
            assertThat(es.path("spec").path("target").path("name").asText()).isEqualTo(secret);
            assertThat(es.path("spec").path("secretStoreRef").path("name").asText()).isEqualTo(SECRET_STORE);
            List<String> synced = new java.util.ArrayList<>();
            es.path("spec").path("data").forEach(d -> synced.add(d.path("secretKey").asText()));
            assertThat(synced).containsAll(keys);
        });
        assertThat(raw).anySatisfy(m -> {
            assertThat(m.path("kind").asText()).isEqualTo("SecretStore");
            assertThat(m.path("spec").path("provider").path("aws").path("service").asText()).isEqualTo("SecretsManager");
            assertThat(m.path("spec").path("provider").path("aws").path("region").asText()).isEqualTo("eu-west-1");
        });
        // The operator comes with the app, pinned; the secrets exist in Secrets Manager, the generated ones with
        // enough randomness for cluster.secretFile (at least 32 bytes).
        t.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Map.of("Chart", "external-secrets",
                "Repository", "https://charts.external-secrets.io", "Version", BrokerSecrets.ESO_CHART_VERSION));
        t.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("Name", "fleetmq/prod/broker/cluster-secret",
                "GenerateSecretString", Map.of("PasswordLength", 64, "ExcludePunctuation", true)));
        t.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("Name", "fleetmq/prod/broker/admin-token"));
        t.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("Name", "fleetmq/prod/broker/tls"));
    }

    @Test
    void brokerEndpointIsAnOutputReadFromTheNlbServiceStatus() {
        Synth s = Synth.of("dev");
        Template t = s.template(s.stacks.broker());
        t.hasOutput("BrokerEndpoint", Map.of());
        t.hasResourceProperties("Custom::AWSCDK-EKS-KubernetesObjectValue", Map.of(
                "ObjectType", "service", "ObjectName", NLB_SERVICE, "ObjectNamespace", NAMESPACE,
                "JsonPath", ".status.loadBalancer.ingress[0].hostname"));
    }

    /**
     * Loads the pod's variables over an empty file through the broker's ConfigLoader, as the broker does at start
     * (the image's role-rendered file under them is BrokerPodsOnRuncTest's). The launcher's own variables
     * ({@code FLEETMQ_JAVA_OPTS}) are not keys and left out; the fieldRef'd node name gets the first pod's name.
     */
    private static BrokerConfig brokerConfig(Synth s) throws Exception {
        Path file = Files.createTempFile("fleetmq-pod", ".yaml");
        Files.writeString(file, "{}\n");
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : broker(s).getEnv()) {
            if (ConfigSchema.LAUNCHER_ENV.contains(e.getName())) {
                continue;
            }
            env.put(e.getName(), e.getValue() != null ? e.getValue() : runtimeValue(e));
        }
        return ConfigLoader.load(file, List.of(), env);
    }

    /** What Kubernetes fills in for a valueFrom variable on the first pod. */
    private static String runtimeValue(EnvVar e) {
        if (e.getValueFrom().getFieldRef() != null) {
            return switch (e.getValueFrom().getFieldRef().getFieldPath()) {
                case "metadata.name" -> STATEFUL_SET + "-0";
                case "status.podIP" -> "10.50.32.17";
                default -> throw new AssertionError("unexpected fieldRef in " + e);
            };
        }
        if (e.getValueFrom().getSecretKeyRef() != null) {
            return "token-from-secret";
        }
        throw new AssertionError("unexpected valueFrom in " + e);
    }
}
