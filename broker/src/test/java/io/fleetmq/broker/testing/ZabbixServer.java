package io.fleetmq.broker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A real Zabbix 6.0 server (Debian's zabbix-server-pgsql) with its own PostgreSQL 15 cluster and the PHP frontend's
 * JSON-RPC API, all on free loopback ports under one directory, started and stopped by a test (the recipe measured in
 * /work/shared/toolchain.md, without systemd and without touching /etc). Needs root: PostgreSQL runs as user postgres.
 */
public final class ZabbixServer implements AutoCloseable {

    public static final Path ZABBIX_SERVER = Path.of("/usr/sbin/zabbix_server");
    public static final Path FRONTEND = Path.of("/usr/share/zabbix");
    public static final Path SCHEMA = Path.of("/usr/share/zabbix-server-pgsql");
    public static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String DB_PASSWORD = "zabbix-test";

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private int pgPort;
    private URI api;
    private String auth;
    private int requestId;

    private ZabbixServer(Path dir) {
        this.dir = dir;
    }

    /** Whether this machine can run it: root, and the Debian packages installed (.ci/run installs them). */
    public static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root (PostgreSQL is run as user postgres)";
        }
        for (Path p : List.of(ZABBIX_SERVER, FRONTEND.resolve("api_jsonrpc.php"), SCHEMA.resolve("schema.sql.gz"),
                PG_BIN.resolve("initdb"), Path.of("/usr/bin/php"))) {
            if (!Files.exists(p)) {
                return "not installed: " + p + " (apt-get install zabbix-server-pgsql zabbix-frontend-php php8.2-cli "
                        + "php8.2-pgsql postgresql)";
            }
        }
        return null;
    }

    public static ZabbixServer start(Path dir) throws Exception {
        ZabbixServer z = new ZabbixServer(dir);
        try {
            z.startPostgres();
            z.loadSchema();
            z.startServer();
            z.startFrontend();
            z.login();
            return z;
        } catch (Exception | Error e) {
            z.close();
            throw e;
        }
    }

    private void startPostgres() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = Files.createDirectories(dir.resolve("pg"));
        run(dir, 60, "chown", "postgres:postgres", data.toString());
        run(dir, 120, "runuser", "-u", "postgres", "--", PG_BIN.resolve("initdb").toString(), "-D", data.toString(),
                "-A", "trust", "-U", "postgres", "--no-sync");
        pgPort = freePort();
        run(dir, 60, "runuser", "-u", "postgres", "--", PG_BIN.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-w", "-l", data.resolve("postgres.log").toString(), "-o",
                "-p " + pgPort + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    private void loadSchema() throws Exception {
        psql("postgres", "CREATE USER zabbix PASSWORD '" + DB_PASSWORD + "'");
        // A statement of its own: CREATE DATABASE cannot run inside the transaction psql -c wraps several in.
        psql("postgres", "CREATE DATABASE zabbix OWNER zabbix");
        for (String part : List.of("schema", "images", "data")) {
            run(dir, 240, "sh", "-c", "zcat " + SCHEMA.resolve(part + ".sql.gz") + " | psql -q -v ON_ERROR_STOP=1 "
                    + "-h 127.0.0.1 -p " + pgPort + " -U zabbix zabbix > /dev/null");
        }
    }

    private void psql(String db, String sql) throws Exception {
        run(dir, 60, "psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String.valueOf(pgPort), "-U",
                "postgres", "-d", db, "-c", sql);
    }

    private void startServer() throws Exception {
        Path conf = dir.resolve("zabbix_server.conf");
        Files.writeString(conf, String.join("\n",
                "LogFile=" + dir.resolve("zabbix_server.log"),
                "PidFile=" + dir.resolve("zabbix_server.pid"),
                "SocketDir=" + dir,
                "DBHost=127.0.0.1",
                "DBPort=" + pgPort,
                "DBName=zabbix",
                "DBUser=zabbix",
                "DBPassword=" + DB_PASSWORD,
                "ListenIP=127.0.0.1",
                "ListenPort=" + freeListenPort(),
                "AllowRoot=1",
                // New items and discovered ones reach the pollers within a second, not the default minute.
                "CacheUpdateFrequency=1",
                "StartPollers=5",
                "StartPreprocessors=2",
                "Timeout=5",
                ""));
        Process server = new ProcessBuilder(ZABBIX_SERVER.toString(), "-f", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("zabbix_server.out").toFile()).start();
        processes.add(server);
        // It checks its configuration first and exits at once on a bad value: say so here, not minutes later.
        if (server.waitFor(2, TimeUnit.SECONDS)) {
            throw new IOException("zabbix_server exited " + server.exitValue() + ": "
                    + Files.readString(dir.resolve("zabbix_server.out")));
        }
    }

    /** A copy of the frontend whose configuration path points at this server's database instead of /etc/zabbix. */
    private void startFrontend() throws Exception {
        Path ui = dir.resolve("ui");
        run(dir, 120, "cp", "-r", FRONTEND.toString(), ui.toString());
        Path conf = dir.resolve("zabbix.conf.php");
        Files.writeString(conf, """
                <?php
                $DB['TYPE'] = ZBX_DB_POSTGRESQL; $DB['SERVER'] = '127.0.0.1'; $DB['PORT'] = '%d';
                $DB['DATABASE'] = 'zabbix'; $DB['USER'] = 'zabbix'; $DB['PASSWORD'] = '%s'; $DB['SCHEMA'] = '';
                $DB['ENCRYPTION'] = false; $DB['KEY_FILE'] = ''; $DB['CERT_FILE'] = ''; $DB['CA_FILE'] = '';
                $DB['VERIFY_HOST'] = false; $DB['CIPHER_LIST'] = ''; $DB['VAULT_URL'] = ''; $DB['VAULT_DB_PATH'] = '';
                $DB['VAULT_TOKEN'] = ''; $DB['DOUBLE_IEEE754'] = true;
                $ZBX_SERVER = '127.0.0.1'; $ZBX_SERVER_PORT = '10051'; $ZBX_SERVER_NAME = 'fleetmq-test';
                $IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
                """.formatted(pgPort, DB_PASSWORD));
        Path configFileClass = ui.resolve("include/classes/core/CConfigFile.php");
        Files.writeString(configFileClass, Files.readString(configFileClass)
                .replace("'/etc/zabbix/zabbix.conf.php'", "'" + conf + "'"));
        int port = freePort();
        processes.add(new ProcessBuilder("php", "-S", "127.0.0.1:" + port, "-t", ui.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("php.log").toFile()).start());
        api = URI.create("http://127.0.0.1:" + port + "/api_jsonrpc.php");
    }

    private void login() throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                ObjectNode params = json.createObjectNode().put("username", "Admin").put("password", "zabbix");
                auth = call("user.login", params).asText();
                return;
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("Zabbix API not answering at " + api + ": " + e.getMessage(), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** One JSON-RPC call; the {@code result}, or an IOException carrying the API's error. */
    public JsonNode call(String method, JsonNode params) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode().put("jsonrpc", "2.0").put("method", method).put("id", ++requestId);
        body.set("params", params);
        if (auth != null) {
            body.put("auth", auth);
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json-rpc")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode reply;
        try {
            reply = json.readTree(r.body());
        } catch (IOException e) {
            throw new IOException(method + ": HTTP " + r.statusCode() + " " + r.body(), e);
        }
        if (reply.has("error")) {
            throw new IOException(method + ": " + reply.get("error"));
        }
        return reply.get("result");
    }

    public ObjectMapper json() {
        return json;
    }

    /**
     * Awaits {@code condition} until the deadline; on failure names what was awaited, what was seen last and the end
     * of the server's log (the directory is gone once the test ends).
     */
    public void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> seen)
            throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                Path logFile = dir.resolve("zabbix_server.log");
                List<String> log = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of("(no log)");
                throw new AssertionError("within " + timeout + ": " + what + "\nlast seen: " + seen.get()
                        + "\nzabbix_server.log (end):\n"
                        + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())));
            }
            Thread.sleep(500);
        }
    }

    public Path serverLog() {
        return dir.resolve("zabbix_server.log");
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (pgPort != 0) {
            run(dir, 60, "runuser", "-u", "postgres", "--", PG_BIN.resolve("pg_ctl").toString(), "-D",
                    dir.resolve("pg").toString(), "-m", "immediate", "stop");
        }
    }

    /** zabbix_server accepts a ListenPort of 1024-32767 only, below the kernel's ephemeral range. */
    private static int freeListenPort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void run(Path dir, long timeoutSeconds, String... cmd) throws Exception {
        Path out = Files.createTempFile(dir, "cmd", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + Files.readString(out));
        }
    }
}
