package io.fleetmq.broker.auth;

/** One authenticator's answer: decisive (allowed or refused) or "not mine, ask the next one". */
public sealed interface AuthResult {

    /** Why a CONNECT was refused; decides the reason code (v5 0x86 / 0x87, v3.1.1 return code 4 / 5). */
    enum Refusal {
        /** Credentials were checked and are wrong [MQTT-3.2.2-...]: v5 0x86, v3 4. */
        BAD_CREDENTIALS,
        /** The client is known (or unidentified) but not allowed in: v5 0x87, v3 5. */
        NOT_AUTHORIZED,
        /** Not checked: more logins are waiting than the node can hash in time; try later. v5 0x89, v3 3. */
        SERVER_BUSY
    }

    record Allowed(Principal principal) implements AuthResult {
    }

    /** @param reason for the audit log: what was wrong, never the secret itself */
    record Refused(Refusal refusal, String reason) implements AuthResult {
    }

    record NotMine() implements AuthResult {
    }

    AuthResult NOT_MINE = new NotMine();
}
