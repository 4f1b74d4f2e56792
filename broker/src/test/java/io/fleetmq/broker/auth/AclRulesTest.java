package io.fleetmq.broker.auth;

import io.fleetmq.broker.files.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ACL file syntax, first-match-wins, default deny, %u/%c, and addr rules on the real client address. */
class AclRulesTest {
    @TempDir
    Path dir;

    private AclRules read(String text) throws Exception {
        Path f = dir.resolve("acl");
        Files.writeString(f, text);
        return AclFile.read(f);
    }

    private static Principal user(String username, String clientId, String address) {
        return new Principal(username, clientId, null, false, null, address);
    }

    @Test
    void firstMatchWinsAndNothingMatchingIsDenied() throws Exception {
        AclRules rules = read("""
                deny  publish user mallory devices/#
                allow all     any          devices/#
                """);

        assertThat(rules.mayPublish(user("mallory", "m", "10.0.0.1"), "devices/x")).isFalse();
        assertThat(rules.mayPublish(user("alice", "a", "10.0.0.1"), "devices/x")).isTrue();
        assertThat(rules.mayPublish(user("alice", "a", "10.0.0.1"), "other/x")).as("default deny").isFalse();
        assertThat(AclRules.NONE.mayPublish(user("alice", "a", "10.0.0.1"), "other/x")).as("no rules").isTrue();
    }

    @Test
    void usernameSubstitutionNeedsAUsername() throws Exception {
        AclRules rules = read("allow all any users/%u/#\n");

        assertThat(rules.maySubscribe(user("alice", "a", "10.0.0.1"), "users/alice/#")).isTrue();
        assertThat(rules.maySubscribe(user(null, "a", "10.0.0.1"), "users//#")).isFalse();
    }

    @Test
    void addrRulesMatchTheClientAddressByCidrBlock() throws Exception {
        AclRules rules = read("""
                deny  all addr 192.0.2.0/24 #
                allow all any               sensors/#
                """);

        assertThat(rules.mayPublish(user("a", "a", "192.0.2.77"), "sensors/1")).isFalse();
        assertThat(rules.mayPublish(user("a", "a", "198.51.100.1"), "sensors/1")).isTrue();
        assertThat(rules.mayPublish(user("a", "a", "2001:db8::1"), "sensors/1")).isTrue();
    }

    @Test
    void badLinesNameFileLineAndProblem() {
        assertThatThrownBy(() -> read("allow all client\n")).isInstanceOf(FileFormatException.class)
                .hasMessage("ACL file " + dir.resolve("acl") + " line 1: expected 'allow|deny publish|subscribe|all "
                        + "user|client|cert|addr NAME PATTERN' or '... any PATTERN', got 3 fields");
        assertThatThrownBy(() -> read("\n# c\npermit all any #\n"))
                .hasMessageContaining("line 3: first field must be allow or deny, got 'permit'");
        assertThatThrownBy(() -> read("allow all addr 10.0.0.0/33 #\n"))
                .hasMessageContaining("line 1: '10.0.0.0/33': prefix length must be 0-32");
        assertThatThrownBy(() -> read("allow all addr example.com #\n"))
                .hasMessageContaining("'example.com' is not an IP address or CIDR block");
        assertThatThrownBy(() -> read("allow all any a/#/b\n")).hasMessageContaining("topic pattern 'a/#/b'");
        assertThatThrownBy(() -> read("allow all user bob a b\n"))
                .hasMessageContaining("expected a name and one topic pattern after 'user'");
    }

    @Test
    void jwtPermissionsBecomeAllowRules() throws Exception {
        AclRules rules = new AclRules(List.of(AclFile.parse("allow publish any devices/%c/#", 0)));

        assertThat(rules.mayPublish(user("truck-1", "truck-1", "10.0.0.1"), "devices/truck-1/gps")).isTrue();
        assertThat(rules.maySubscribe(user("truck-1", "truck-1", "10.0.0.1"), "devices/truck-1/gps")).isFalse();
    }

    @Test
    void clientIdSubstitutionResolvesOnlyForAClientIdBoundToTheIdentity() throws Exception {
        AclRules rules = read("allow all client * devices/%c/#\n");

        assertThat(rules.mayPublish(user("truck-9", "truck-7", "10.0.0.1"), "devices/truck-7/cmd"))
                .as("a client id the client merely chose").isFalse();
        assertThat(rules.mayPublish(user("truck-9", "truck-7", "10.0.0.1").withBoundClientId("truck-9"),
                "devices/truck-9/gps")).as("bound by auth.clientIdBinding").isTrue();
        assertThat(rules.mayPublish(user("truck-9", "truck-9", "10.0.0.1"), "devices/truck-9/gps"))
                .as("equal to the username").isTrue();
        assertThat(rules.mayPublish(Principal.anonymous("truck-7", "10.0.0.1"), "devices/truck-7/gps"))
                .as("anonymous: nothing binds the client id").isFalse();
    }

    @Test
    void aDenyRuleThatCannotBeResolvedDeniesInsteadOfSteppingAside() throws Exception {
        AclRules rules = read("""
                deny  publish client * devices/%c/firmware
                allow publish any      devices/#
                """);

        assertThat(rules.mayPublish(user("truck-9", "truck-9", "10.0.0.1"), "devices/truck-9/gps")).isTrue();
        assertThat(rules.mayPublish(user("truck-9", "truck-9", "10.0.0.1"), "devices/truck-9/firmware")).isFalse();
        assertThat(rules.mayPublish(user("truck-9", "other", "10.0.0.1"), "devices/other/firmware"))
                .as("an unbound %c must not lift the deny").isFalse();
    }
}
