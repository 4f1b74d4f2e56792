package io.fleetmq.broker.auth;

import io.fleetmq.broker.config.AuthConfig.ClientIdBinding;

/**
 * Applies {@code auth.clientIdBinding} to an authenticated principal: with {@code username} or {@code certificate}
 * the client id the client sent is replaced by its identity (Mosquitto's use_username_as_clientid, EMQX's
 * peer_cert_as_clientid), so no client can even name another's session; with {@code principal} and {@code none} it
 * is kept. {@code auth.certificateMustMatchClientId} refuses a mismatching client id instead of replacing it (checked
 * earlier, by {@link CertificateAuthenticator}).
 */
public final class ClientIdBinder {
    private final ClientIdBinding binding;

    public ClientIdBinder(ClientIdBinding binding) {
        this.binding = binding;
    }

    /** The outcome: the principal to use (its client id possibly replaced), or why the client is refused. */
    public sealed interface Outcome {
        record Bound(Principal principal) implements Outcome {
        }

        record Refused(String reason) implements Outcome {
        }
    }

    public Outcome bind(Principal p) {
        return switch (binding) {
            case USERNAME -> p.username() == null
                    ? new Outcome.Refused("auth.clientIdBinding=username and the client has no username")
                    : new Outcome.Bound(p.withBoundClientId(p.username()));
            case CERTIFICATE -> p.certificate() == null
                    ? new Outcome.Refused("auth.clientIdBinding=certificate and the client has no verified certificate")
                    : new Outcome.Bound(p.withBoundClientId(p.certificate()));
            case PRINCIPAL, NONE -> new Outcome.Bound(p);
        };
    }

    /** Whether sessions are owned by the principal that created them (every binding but {@code none}). */
    public boolean ownsSessions() {
        return binding != ClientIdBinding.NONE;
    }
}
