package io.fleetmq.bench.compare;

import java.util.List;

/**
 * The config.xml HiveMQ CE runs with in {@code bench compare}. Its queue bound stays at HiveMQ's default (1,000
 * messages per client, then discard), unlike FleetMQ's and Mosquitto's 1,000,000: with 1,000,000 HiveMQ CE also queues
 * QoS 0 messages for a subscriber that cannot keep up, and in the QoS 0 fan-in workload its heap (2 GB) filled up and
 * it stopped accepting connections for good. The report says so ({@link #QUEUE_NOTE}). Everything not written here is HiveMQ's default; every
 * line that differs from a default is listed in {@link #NON_DEFAULT_SETTINGS}, which the report prints verbatim.
 */
final class HiveMqConfig {
    /** What differs from HiveMQ CE 2025.5's defaults (listeners aside), as the report and bench/README.md state it. */
    static final List<String> NON_DEFAULT_SETTINGS = List.of(
            "`persistence/mode in-memory` (default: file)",
            "`anonymous-usage-statistics/enabled false` (the schema's default; the config.xml shipped in the jar "
                    + "turns it on)",
            "listeners only on 127.0.0.1 (default bind: 0.0.0.0): `tcp-listener`, and `tls-tcp-listener` with the "
                    + "run's PKCS#12 key and trust stores and `client-authentication-mode REQUIRED` (default: NONE)");

    static final String QUEUE_NOTE = "HiveMQ CE keeps its default queue bound (`mqtt/queued-messages/max-queue-size "
            + "1000`, strategy discard) where FleetMQ and Mosquitto queue up to " + BrokerProcess.MAX_QUEUED
            + " messages per session: with the same bound it queued QoS 0 messages for the one fan-in subscriber "
            + "until its 2 GB heap was full and it stopped accepting connections. In the saturating throughput "
            + "workloads it may therefore drop messages the other two queue; the delivery check is below the bound.";

    private HiveMqConfig() {
    }

    static String xml(int port, int tlsPort, TlsMaterial tls) {
        String pw = tls.storePassword();
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <truststore>
                                    <path>%s</path>
                                    <password>%s</password>
                                </truststore>
                                <client-authentication-mode>REQUIRED</client-authentication-mode>
                            </tls>
                        </tls-tcp-listener>
                    </listeners>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, tlsPort, tls.serverKeyStore(), pw, pw, tls.trustStore(), pw);
    }
}
