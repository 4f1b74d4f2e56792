package io.fleetmq.broker.auth;

import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.routing.TopicFilters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an ACL file. One rule per line, fields separated by blanks; {@code #} starts a comment line:
 * <pre>
 * # who may do what; the first rule that applies wins, and without one the answer is deny
 * allow all       client *        devices/%c/#
 * allow subscribe user   ops      fleet/#
 * deny  publish   cert   lab-7    devices/+/firmware
 * allow subscribe any             public/#
 * deny  all       addr   192.0.2.0/24 #
 * </pre>
 */
public final class AclFile {
    private AclFile() {
    }

    public static AclRules read(Path file) throws FileFormatException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FileFormatException("cannot read ACL file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        List<AclRule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                rules.add(parse(line, i + 1));
            } catch (IllegalArgumentException e) {
                throw new FileFormatException("ACL file " + file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new AclRules(rules);
    }

    /** One rule; {@code line} is kept for log lines. */
    static AclRule parse(String text, int line) {
        String[] f = text.split("\\s+");
        if (f.length < 4) {
            throw new IllegalArgumentException("expected 'allow|deny publish|subscribe|all user|client|cert|addr NAME "
                    + "PATTERN' or '... any PATTERN', got " + f.length + " fields");
        }
        boolean allow = switch (f[0].toLowerCase(Locale.ROOT)) {
            case "allow" -> true;
            case "deny" -> false;
            default -> throw new IllegalArgumentException("first field must be allow or deny, got '" + f[0] + "'");
        };
        AclRule.Action action = switch (f[1].toLowerCase(Locale.ROOT)) {
            case "publish", "pub" -> AclRule.Action.PUBLISH;
            case "subscribe", "sub" -> AclRule.Action.SUBSCRIBE;
            case "all" -> AclRule.Action.ALL;
            default -> throw new IllegalArgumentException(
                    "second field must be publish, subscribe or all, got '" + f[1] + "'");
        };
        AclRule.Who who = switch (f[2].toLowerCase(Locale.ROOT)) {
            case "user" -> AclRule.Who.USER;
            case "client" -> AclRule.Who.CLIENT;
            case "cert" -> AclRule.Who.CERT;
            case "addr" -> AclRule.Who.ADDR;
            case "any" -> AclRule.Who.ANY;
            default -> throw new IllegalArgumentException(
                    "third field must be user, client, cert, addr or any, got '" + f[2] + "'");
        };
        int patternField = who == AclRule.Who.ANY ? 3 : 4;
        // Throws with the reason when it is not an address or CIDR block.
        AddressBlock block = who == AclRule.Who.ADDR && f.length > 3 ? AddressBlock.parse(f[3]) : null;
        if (f.length != patternField + 1) {
            throw new IllegalArgumentException(who == AclRule.Who.ANY
                    ? "expected one topic pattern after 'any'"
                    : "expected a name and one topic pattern after '" + f[2] + "'");
        }
        String pattern = f[patternField];
        String problem = TopicFilters.validateFilter(pattern.replace("%u", "u").replace("%c", "c"));
        if (problem != null) {
            throw new IllegalArgumentException("topic pattern '" + pattern + "': " + problem);
        }
        return new AclRule(allow, action, who, who == AclRule.Who.ANY ? null : f[3], pattern, line, block);
    }
}
