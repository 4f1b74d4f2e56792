package io.fleetmq.broker.auth;

import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples in docs/security.md are real: the production configuration loads and the ACL example parses. */
class SecurityDocTest {
    @TempDir
    Path dir;

    private static String doc() throws Exception {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/security.md"))) {
            p = p.getParent();
        }
        assertThat(p).as("docs/security.md above the working directory").isNotNull();
        return Files.readString(p.resolve("docs/security.md"));
    }

    private static List<String> blocks(String doc, String lang) {
        Matcher m = Pattern.compile("```" + lang + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void productionConfigurationLoads() throws Exception {
        List<String> yaml = blocks(doc(), "yaml");
        String production = yaml.get(yaml.size() - 1);
        Path f = Files.writeString(dir.resolve("fleetmq.yaml"), production);

        BrokerConfig c = ConfigLoader.load(f, List.of(), Map.of());

        assertThat(c.listeners().tls().enabled()).isTrue();
        assertThat(c.listeners().tcp().enabled()).isFalse();
        assertThat(c.auth().allowAnonymous()).isFalse();
        assertThat(c.auth().aclFile()).isEqualTo("/etc/fleetmq/acl");
        assertThat(c.listeners().tls().proxyProtocolTrustedNetworks()).containsExactly("10.0.0.0/20", "10.0.16.0/20");
    }

    @Test
    void everyThreatModelRowNamesATestClassThatExists() throws Exception {
        String doc = doc();
        String section = doc.substring(doc.indexOf("## Threat model"), doc.indexOf("### Fuzzing"));
        // The last column of each row: | `it.attacks.SomeTest` ... |
        Matcher m = Pattern.compile("^\\|[^\\n]*\\| `([a-z.]+\\.[A-Z][A-Za-z]+Test)`", Pattern.MULTILINE)
                .matcher(section);
        List<String> named = new java.util.ArrayList<>();
        while (m.find()) {
            named.add(m.group(1));
            assertThat(Class.forName("io.fleetmq.broker." + m.group(1))).isNotNull();
        }
        assertThat(named).as("test classes named in the threat-model table").hasSizeGreaterThanOrEqualTo(7);
    }

    @Test
    void aclExampleParses() throws Exception {
        String acl = blocks(doc(), "text").stream().filter(b -> b.contains("allow all       client *")).findFirst()
                .orElseThrow();
        Path f = Files.writeString(dir.resolve("acl"), acl);

        AclRules rules = AclFile.read(f);

        Principal truck = new Principal("truck-9", "truck-9", "truck-9", false, null, "198.51.100.7");
        assertThat(rules.mayPublish(truck, "devices/truck-9/gps")).isTrue();
        assertThat(rules.maySubscribe(truck, "devices/truck-8/#")).isFalse();
        assertThat(rules.maySubscribe(truck, "fleet/announcements")).isTrue();
    }
}
