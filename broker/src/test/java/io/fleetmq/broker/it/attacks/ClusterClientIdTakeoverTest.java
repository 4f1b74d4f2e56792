package io.fleetmq.broker.it.attacks;

import io.fleetmq.broker.cluster.LocalCluster;
import io.fleetmq.broker.it.security.Passwords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: present the ops console's client id on another node of the cluster than the one holding its session, so
 * the cluster claim would close the console's connection there and hand its session over. The node holding the
 * session refuses the claim of another principal: the attacker gets 0x87 and the console, on its node, keeps its
 * connection and its traffic. Two real broker processes (JGroups over loopback), Paho MQTT 5 clients.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterClientIdTakeoverTest {
    @TempDir
    Path dir;

    @Test
    void anotherPrincipalOnAnotherNodeCannotClaimTheConsolesSession() throws Exception {
        Path passwd = Passwords.write(dir.resolve("passwd"), "ops", "pw-ops", "mallory", "pw-mallory");
        try (LocalCluster cluster = LocalCluster.start(2, dir, "auth.passwordFile=" + passwd);
             PahoDevice console = new PahoDevice(cluster.node(0), "ops-console", "ops", "pw-ops");
             PahoDevice attacker = new PahoDevice(cluster.node(1), "ops-console", "mallory", "pw-mallory");
             PahoDevice feed = new PahoDevice(cluster.node(1), "feeder", "ops", "pw-ops")) {
            console.connect(false, 300);
            console.subscribe("devices/#", 1);

            assertThat(attacker.connackCode(false, 300)).as("claim with clean start 0 from node-2").isEqualTo(0x87);

            feed.connect(true, 0);
            feed.publish("devices/d7/temp", "21.5", 1, false);
            assertThat(console.expectMessage().payload()).as("the console still receives on node-1")
                    .isEqualTo("21.5");
            assertThat(console.isConnected()).isTrue();
            assertThat(console.disconnects).isEmpty();
        }
    }
}
