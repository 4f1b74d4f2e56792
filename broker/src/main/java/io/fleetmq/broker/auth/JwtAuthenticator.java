package io.fleetmq.broker.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.files.WatchedFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JWT sent as the CONNECT password, signed RS256 or ES256 by a key of the JWKS file. {@code exp} is required;
 * {@code exp} and {@code nbf} are checked (60 s clock skew); {@code aud} must name one of the configured audiences
 * when any are configured. The username becomes {@code sub}. The permissions claim, when present, becomes this
 * connection's ACL ({@code {"publish": ["devices/%c/#"], "subscribe": [...]}}, allow rules, default deny).
 * Not a JWT (not three dot-separated parts): not this link's business.
 */
public final class JwtAuthenticator implements Authenticator {
    private final WatchedFile<JWKSet> keys;
    private final Set<String> audience;
    private final String permissionsClaim;
    private final Set<String> admins;

    public JwtAuthenticator(WatchedFile<JWKSet> keys, List<String> audience, String permissionsClaim,
                            Set<String> admins) {
        this.keys = keys;
        this.audience = audience.isEmpty() ? null : new HashSet<>(audience);
        this.permissionsClaim = permissionsClaim;
        this.admins = admins;
    }

    public static JWKSet readJwks(Path file) throws FileFormatException {
        try {
            JWKSet set = JWKSet.load(file.toFile());
            if (set.getKeys().isEmpty()) {
                throw new FileFormatException("JWKS file " + file + ": holds no keys");
            }
            return set;
        } catch (IOException e) {
            throw new FileFormatException("cannot read JWKS file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (ParseException e) {
            throw new FileFormatException("JWKS file " + file + ": not a JSON Web Key Set: " + e.getMessage());
        }
    }

    @Override
    public AuthResult authenticate(Credentials c) {
        if (!looksLikeToken(c.password())) {
            return AuthResult.NOT_MINE;
        }
        String token = new String(c.password(), StandardCharsets.UTF_8);
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                new ImmutableJWKSet<>(keys.current())));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience, null, Set.of("exp"), null));
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return new AuthResult.Refused(AuthResult.Refusal.BAD_CREDENTIALS, "JWT rejected: " + e.getMessage());
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty()) {
            return new AuthResult.Refused(AuthResult.Refusal.BAD_CREDENTIALS, "JWT has no sub claim");
        }
        if (c.username() != null && !c.username().isEmpty() && !c.username().equals(subject)) {
            return new AuthResult.Refused(AuthResult.Refusal.NOT_AUTHORIZED,
                    "username '" + c.username() + "' differs from the JWT subject");
        }
        AclRules rules;
        try {
            rules = permissions(claims.getClaim(permissionsClaim));
        } catch (IllegalArgumentException e) {
            return new AuthResult.Refused(AuthResult.Refusal.NOT_AUTHORIZED,
                    "JWT claim " + permissionsClaim + ": " + e.getMessage());
        }
        return new AuthResult.Allowed(new Principal(subject, c.clientId(), c.certificateIdentity(),
                admins.contains(subject), rules, c.remoteAddress()));
    }

    /** Whether a CONNECT password has a JWT's shape: three dot-separated parts, at least 20 bytes. Cheap. */
    public static boolean looksLikeToken(byte[] password) {
        if (password == null || password.length < 20) {
            return false;
        }
        int dots = 0;
        for (byte b : password) {
            if (b == '.') {
                dots++;
            }
        }
        return dots == 2;
    }

    /** The permissions claim as allow rules (then default deny); null when the token has no such claim. */
    private static AclRules permissions(Object claim) {
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("must be an object with publish and subscribe lists");
        }
        List<AclRule> rules = new ArrayList<>();
        add(rules, map.get("publish"), AclRule.Action.PUBLISH);
        add(rules, map.get("subscribe"), AclRule.Action.SUBSCRIBE);
        // A token with an empty permission object may do nothing: one rule that never matches keeps default deny.
        if (rules.isEmpty()) {
            rules.add(new AclRule(false, AclRule.Action.ALL, AclRule.Who.ANY, null, "#", 0, null));
        }
        return new AclRules(rules);
    }

    private static void add(List<AclRule> rules, Object list, AclRule.Action action) {
        if (list == null) {
            return;
        }
        if (!(list instanceof List<?> l)) {
            throw new IllegalArgumentException(action.name().toLowerCase() + " must be a list of topic patterns");
        }
        for (Object o : l) {
            rules.add(AclFile.parse("allow " + action.name().toLowerCase() + " any " + o, 0));
        }
    }
}
