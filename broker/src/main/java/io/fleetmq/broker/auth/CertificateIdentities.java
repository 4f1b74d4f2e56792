package io.fleetmq.broker.auth;

import io.fleetmq.broker.config.AuthConfig.CertificateIdentity;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/** The name a verified client certificate stands for: its subject CN or its first DNS / URI / e-mail SAN. */
public final class CertificateIdentities {
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    private CertificateIdentities() {
    }

    /** The identity, or null when {@code mode} is NONE or the certificate has no such name. */
    public static String of(X509Certificate cert, CertificateIdentity mode) {
        return switch (mode) {
            case NONE -> null;
            case CN -> commonName(cert);
            case SAN -> firstSan(cert);
        };
    }

    static String commonName(X509Certificate cert) {
        try {
            LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
            // The most specific CN is the last in RFC 2253 order's reverse; LdapName lists RDNs from the right.
            for (int i = dn.size() - 1; i >= 0; i--) {
                Rdn rdn = dn.getRdn(i);
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    static String firstSan(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return null;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if (type == SAN_DNS || type == SAN_URI || type == SAN_EMAIL) {
                    return String.valueOf(san.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        return null;
    }
}
