package io.fleetmq.cdk.pods;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS material of a deployment, made with openssl as an organisation's PKI would: a device CA, the broker's
 * certificate (for the NLB's name and the loopback address the test connects to) and device certificates whose CN is
 * the device's client id. Device keys are also packed as PKCS#12 for Java clients.
 */
final class DevicePki {

    static final String PASSWORD = "device";
    private final Path dir;

    DevicePki(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        Sh.ok(60, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", p("ca.key"), "-out", p("ca.crt"), "-days", "2", "-subj", "/CN=FleetMQ test device CA");
        issue("broker", "fleetmq-broker", "subjectAltName=DNS:mqtt.fleetmq.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
    }

    /** A device certificate for {@code clientId}, signed by the device CA; returns its PKCS#12 file. */
    Path device(String clientId) throws Exception {
        issue(clientId, clientId, "extendedKeyUsage=clientAuth");
        Sh.ok(60, "openssl", "pkcs12", "-export", "-inkey", p(clientId + ".key"), "-in", p(clientId + ".crt"),
                "-out", p(clientId + ".p12"), "-passout", "pass:" + PASSWORD);
        return dir.resolve(clientId + ".p12");
    }

    /** A certificate for {@code clientId} from a CA the broker does not trust. */
    Path foreignDevice(String clientId) throws Exception {
        Sh.ok(60, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", p("rogue.key"), "-out", p("rogue.crt"), "-days", "2", "-subj", "/CN=" + clientId);
        Sh.ok(60, "openssl", "pkcs12", "-export", "-inkey", p("rogue.key"), "-in", p("rogue.crt"),
                "-out", p("rogue.p12"), "-passout", "pass:" + PASSWORD);
        return dir.resolve("rogue.p12");
    }

    private void issue(String name, String cn, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        Sh.ok(60, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", p(name + ".key"), "-out", p(name + ".csr"), "-subj", "/CN=" + cn);
        Sh.ok(60, "openssl", "x509", "-req", "-in", p(name + ".csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
                "-CAcreateserial", "-out", p(name + ".crt"), "-days", "2", "-extfile", p(name + ".ext"));
    }

    String read(String file) throws Exception {
        return Files.readString(dir.resolve(file));
    }

    /** PKCS#8 key of the broker: what the TLS Secret's tls.key holds. */
    String brokerKeyPkcs8() throws Exception {
        return Sh.ok(60, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", p("broker.key"));
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    private String p(String file) {
        return dir.resolve(file).toString();
    }
}
