package io.fleetmq.cdk.broker;

import io.fleetmq.cdk.config.EnvironmentConfig;

import java.util.ArrayList;
import java.util.List;

import static io.fleetmq.cdk.broker.BrokerWorkload.*;
import static io.fleetmq.cdk.contract.BrokerContract.*;

/**
 * The one place where the deployment's broker configuration is stated: the per-environment layer over the file the
 * image's fleetmq_broker role rendered ({@code /etc/fleetmq/fleetmq.yaml}). Each setting becomes a {@code FLEETMQ_*}
 * variable on the pod (the broker's precedence is file < environment < --set), so the role's file keeps every other
 * value. Device defaults: MQTT only over TLS on 8883 with a client certificate required and bound to the client id,
 * no anonymous access, the plain listener off.
 */
public final class BrokerSettings {

    /** A configuration key and where its value comes from. */
    public sealed interface Setting permits Literal, FromPod, FromSecret {
        String key();

        default String envName() {
            return io.fleetmq.cdk.contract.BrokerContract.envName(key());
        }
    }

    /** A value known at synth time. */
    public record Literal(String key, String value) implements Setting {
    }

    /** A value Kubernetes fills in per pod ({@code fieldRef}: {@code metadata.name}, {@code status.podIP}). */
    public record FromPod(String key, String fieldPath) implements Setting {
    }

    /** A value from a Secret key (synced from AWS Secrets Manager), never in a template. */
    public record FromSecret(String key, String secret, String secretKey) implements Setting {
    }

    private BrokerSettings() {
    }

    /**
     * Every setting of an environment, in the order the pod spec lists them.
     *
     * @param vpcCidr the VPC's range: where the NLB's addresses are, so the only PROXY headers to believe
     */
    public static List<Setting> of(String envName, EnvironmentConfig.Broker broker, String vpcCidr) {
        List<Setting> s = new ArrayList<>();
        s.add(new FromPod("nodeName", "metadata.name"));

        s.add(new Literal("cluster.enabled", "true"));
        s.add(new Literal("cluster.name", "fleetmq-" + envName));
        // JGroups advertises this address to its peers, so it must be the pod's own IP.
        s.add(new FromPod("cluster.bind", "status.podIP"));
        s.add(new Literal("cluster.port", String.valueOf(CLUSTER_PORT)));
        // Non-empty: DNS discovery through the headless Service (instead of a static seed list).
        s.add(new Literal("cluster.dnsQuery", DISCOVERY_FQDN));
        s.add(new Literal("cluster.drainRate", String.valueOf(drainRate(broker.targetConnectionsPerPod()))));
        s.add(new Literal("cluster.drainTimeout", DRAIN_TIMEOUT_SECONDS + "s"));
        // Only pods holding this Secret may join (the NetworkPolicy also keeps everyone else off the port).
        s.add(new Literal("cluster.secretFile", CLUSTER_SECRET_FILE));

        // Plain MQTT is not offered: it is not on the NLB, and nothing inside the cluster needs it.
        s.add(new Literal("listeners.tcp.enabled", "false"));
        s.add(new Literal("listeners.tls.enabled", "true"));
        s.add(new Literal("listeners.tls.bind", "0.0.0.0"));
        s.add(new Literal("listeners.tls.port", String.valueOf(MQTT_TLS_PORT)));
        // The NLB passes TLS through and prefixes each connection with a PROXY v2 header (the device's address).
        s.add(new Literal("listeners.tls.proxyProtocol", "true"));
        // Believe that header only from the NLB's addresses, which are in the VPC.
        s.add(new Literal("listeners.tls.proxyProtocolTrustedNetworks", vpcCidr));
        s.add(new Literal("listeners.tls.clientAuth", "required"));
        s.add(new Literal("tls.certFile", TLS_DIR + "/tls.crt"));
        s.add(new Literal("tls.keyFile", TLS_DIR + "/tls.key"));
        s.add(new Literal("tls.caFile", TLS_DIR + "/ca.crt"));

        s.add(new Literal("auth.allowAnonymous", "false"));
        // The device's identity is its certificate's CN, and a client id other than that identity is refused.
        s.add(new Literal("auth.certificateIdentity", "cn"));
        s.add(new Literal("auth.clientIdBinding", "certificate"));
        s.add(new Literal("auth.certificateMustMatchClientId", "true"));

        // Probes (kubelet), NLB health checks and the metrics collector reach HTTP from outside the pod.
        s.add(new Literal("http.bind", "0.0.0.0"));
        s.add(new FromSecret("http.adminToken", ADMIN_TOKEN_SECRET, ADMIN_TOKEN_KEY));
        // After the drain only stragglers are left to flush and close.
        s.add(new Literal("shutdown.gracePeriod", SHUTDOWN_GRACE_SECONDS + "s"));
        return List.copyOf(s);
    }
}
