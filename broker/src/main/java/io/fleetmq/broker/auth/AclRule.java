package io.fleetmq.broker.auth;

/**
 * One ACL line: {@code allow|deny publish|subscribe|all user|client|cert|addr NAME|any PATTERN}. For {@code addr},
 * NAME is an IP address or CIDR block ({@code 10.20.0.0/16}) matched against the client's real address.
 *
 * @param allow   allow or deny
 * @param action  which operation the rule is about
 * @param who     which identity the rule matches against
 * @param name    the user name, client id or certificate identity ({@code *} for every one); null for {@code any}
 * @param pattern a topic filter that may contain {@code %u} (username) and {@code %c} (client id)
 * @param line    line number in the file, for log lines (0 for rules from a JWT)
 * @param block   the parsed address block of an {@code addr} rule, null otherwise
 */
public record AclRule(boolean allow, Action action, Who who, String name, String pattern, int line,
                      AddressBlock block) {

    public enum Action { PUBLISH, SUBSCRIBE, ALL }

    public enum Who { USER, CLIENT, CERT, ADDR, ANY }

    boolean appliesTo(Principal p, Action requested) {
        if (action != Action.ALL && action != requested) {
            return false;
        }
        if (who == Who.ADDR) {
            return block.contains(p.address());
        }
        String value = switch (who) {
            case USER -> p.username();
            case CLIENT -> p.clientId();
            case CERT -> p.certificate();
            default -> "";
        };
        return value != null && (who == Who.ANY || name.equals("*") || name.equals(value));
    }

    /**
     * The pattern with {@code %u} and {@code %c} replaced, or null when the rule cannot apply: the username is
     * missing, a substituted value holds '/', '+', '#' or NUL (a client id of "#" must not widen "devices/%c/#"), or
     * the pattern has {@code %c} and the client id is not bound to the identity (a client chooses its own client id,
     * so {@code %c} alone would let {@code truck-9} read {@code devices/truck-7/#} by connecting as truck-7).
     */
    String resolve(Principal p) {
        String out = pattern;
        if (out.contains("%u")) {
            if (!safe(p.username())) {
                return null;
            }
            out = out.replace("%u", p.username());
        }
        if (out.contains("%c")) {
            if (!p.clientIdBound() || !safe(p.clientId())) {
                return null;
            }
            out = out.replace("%c", p.clientId());
        }
        return out;
    }

    private static boolean safe(String v) {
        return v != null && !v.isEmpty() && v.chars().noneMatch(ch -> ch == '/' || ch == '+' || ch == '#' || ch == 0);
    }
}
