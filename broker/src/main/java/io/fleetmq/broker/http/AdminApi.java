package io.fleetmq.broker.http;

import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.protocol.MqttConnection;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.session.ClientConnection;
import io.fleetmq.broker.session.Session;
import io.fleetmq.broker.session.SessionStore;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin REST API under {@code /api/v1}, protected by the bearer token {@code http.adminToken}; without a token
 * configured it refuses everything (403), so it is never open by accident. Every answer is JSON; every refusal is a
 * 4xx with {@code {"error", "message"}} naming what is wrong. Documented in {@code docs/admin-api.md}.
 */
final class AdminApi {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    static final String PREFIX = "/api/";
    private static final String V1 = "/api/v1";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> LIST_PARAMS = Set.of("page", "limit", "clientIdPrefix");

    private final byte[] token;
    private final String nodeName;
    private final String version;
    private final SessionStore sessions;
    private final PublishRouter router;
    private final BrokerStats stats;

    AdminApi(String adminToken, String nodeName, String version, SessionStore sessions, PublishRouter router,
             BrokerStats stats) {
        this.token = adminToken.getBytes(StandardCharsets.UTF_8);
        this.nodeName = nodeName;
        this.version = version;
        this.sessions = sessions;
        this.router = router;
        this.stats = stats;
    }

    HttpAnswer handle(HttpMethod method, String path, Map<String, List<String>> query, String authorization) {
        HttpAnswer refused = authorize(authorization);
        if (refused != null) {
            return refused;
        }
        if (path.equals(V1 + "/clients")) {
            HttpAnswer wrong = method(method, Set.of(HttpMethod.GET));
            return wrong != null ? wrong : listClients(query);
        }
        if (path.startsWith(V1 + "/clients/")) {
            String clientId = QueryStringDecoder.decodeComponent(path.substring((V1 + "/clients/").length()));
            if (clientId.isEmpty()) {
                return HttpAnswer.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "client id is empty");
            }
            HttpAnswer wrong = method(method, Set.of(HttpMethod.GET, HttpMethod.DELETE));
            if (wrong != null) {
                return wrong;
            }
            return HttpMethod.DELETE.equals(method) ? kick(clientId) : showClient(clientId);
        }
        if (path.equals(V1 + "/stats")) {
            HttpAnswer wrong = method(method, Set.of(HttpMethod.GET));
            return wrong != null ? wrong : HttpAnswer.json(HttpResponseStatus.OK, nodeStats());
        }
        return HttpAnswer.error(HttpResponseStatus.NOT_FOUND, "not_found", "no admin endpoint " + path
                + "; see docs/admin-api.md (/api/v1/clients, /api/v1/clients/{clientId}, /api/v1/stats)");
    }

    private HttpAnswer authorize(String authorization) {
        if (token.length == 0) {
            return HttpAnswer.error(HttpResponseStatus.FORBIDDEN, "admin_api_disabled",
                    "the admin API is off: no http.adminToken (FLEETMQ_HTTP_ADMIN_TOKEN) is configured");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return HttpAnswer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "missing 'Authorization: Bearer <token>' header")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"fleetmq\"");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: the answer time says nothing about how much of the token was right.
        if (!MessageDigest.isEqual(given, token)) {
            return HttpAnswer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "invalid bearer token")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"fleetmq\", error=\"invalid_token\"");
        }
        return null;
    }

    private static HttpAnswer method(HttpMethod method, Set<HttpMethod> allowed) {
        if (allowed.contains(method)) {
            return null;
        }
        List<String> names = allowed.stream().map(HttpMethod::name).sorted().toList();
        return HttpAnswer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                method + " is not allowed here; use " + String.join(" or ", names))
                .withHeader("Allow", String.join(", ", names));
    }

    // ------------------------------------------------------------------ clients

    private HttpAnswer listClients(Map<String, List<String>> query) {
        for (String name : query.keySet()) {
            if (!LIST_PARAMS.contains(name)) {
                return badRequest("unknown query parameter '" + name + "'; known: clientIdPrefix, limit, page");
            }
        }
        int page;
        int limit;
        try {
            page = intParam(query, "page", 1, 1, Integer.MAX_VALUE);
            limit = intParam(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
        String prefix = single(query, "clientIdPrefix");
        List<Session> matching = new ArrayList<>();
        for (Session s : sessions.all()) {
            if (prefix == null || s.clientId().startsWith(prefix)) {
                matching.add(s);
            }
        }
        // Sorted by client id so pages are stable while clients come and go.
        matching.sort(Comparator.comparing(Session::clientId));
        long from = (long) (page - 1) * limit;
        List<Map<String, Object>> data = new ArrayList<>();
        for (long i = from; i < Math.min(matching.size(), from + limit); i++) {
            data.add(summary(matching.get((int) i)));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("page", page);
        meta.put("limit", limit);
        meta.put("count", matching.size());
        meta.put("hasNext", from + limit < matching.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("meta", meta);
        return HttpAnswer.json(HttpResponseStatus.OK, body);
    }

    private HttpAnswer showClient(String clientId) {
        Session s = sessions.get(clientId);
        if (s == null) {
            return notFound(clientId);
        }
        Map<String, Object> body = summary(s);
        List<Map<String, Object>> subs = new ArrayList<>();
        for (Subscription sub : router.registry().subscriptionsOf(clientId)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topicFilter", sub.topicFilter());
            m.put("qos", sub.qos());
            m.put("noLocal", sub.noLocal());
            m.put("retainAsPublished", sub.retainAsPublished());
            m.put("retainHandling", sub.retainHandling());
            m.put("subscriptionId", sub.subscriptionId());
            subs.add(m);
        }
        body.put("subscriptions", subs);
        return HttpAnswer.json(HttpResponseStatus.OK, body);
    }

    private HttpAnswer kick(String clientId) {
        Session s = sessions.get(clientId);
        ClientConnection conn = s == null ? null : s.connection();
        if (conn == null) {
            return s == null ? notFound(clientId) : HttpAnswer.error(HttpResponseStatus.CONFLICT, "not_connected",
                    "client '" + clientId + "' has a session but no connection to close");
        }
        if (!(conn instanceof MqttConnection mqtt)) {
            return HttpAnswer.error(HttpResponseStatus.CONFLICT, "not_local",
                    "client '" + clientId + "' is not connected through this node's MQTT listener");
        }
        LOG.atInfo().addKeyValue("clientId", clientId).addKeyValue("remoteAddress", conn.remoteAddress())
                .log("client={} addr={} disconnect requested through the admin API", clientId, conn.remoteAddress());
        mqtt.kick();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientId", clientId);
        body.put("disconnected", true);
        return HttpAnswer.json(HttpResponseStatus.OK, body);
    }

    private Map<String, Object> summary(Session s) {
        ClientConnection conn = s.connection();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", s.clientId());
        m.put("connected", conn != null);
        m.put("address", conn == null ? null : conn.remoteAddress());
        m.put("protocolVersion", conn instanceof MqttConnection mqtt ? mqtt.protocolVersionName() : null);
        m.put("sessionExpiryInterval", s.expiryIntervalSeconds());
        m.put("subscriptionCount", router.registry().subscriptionsOf(s.clientId()).size());
        m.put("inflight", s.inflightCount());
        m.put("queued", s.queuedCount());
        m.put("droppedMessages", s.droppedMessages());
        return m;
    }

    // ------------------------------------------------------------------ node

    private Map<String, Object> nodeStats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", nodeName);
        m.put("version", version);
        m.put("uptimeSeconds", stats.uptimeSeconds());
        m.put("connections", stats.connectedClients.get());
        m.put("sessions", sessions.size());
        m.put("subscriptions", router.registry().size());
        m.put("sharedSubscriptions", router.registry().sharedSize());
        m.put("retainedMessages", router.retained().size());
        m.put("messagesReceived", stats.messagesReceived());
        m.put("messagesSent", stats.messagesSent());
        m.put("messagesDropped", stats.messagesDropped());
        m.put("bytesReceived", stats.bytesReceived.sum());
        m.put("bytesSent", stats.bytesSent.sum());
        return m;
    }

    // ------------------------------------------------------------------ helpers

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static int intParam(Map<String, List<String>> query, String name, int dflt, int min, int max) {
        String raw = single(query, name);
        if (raw == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new IllegalArgumentException(name + ": must be an integer between " + min + " and " + max + ", got \""
                + raw + "\"");
    }

    private static HttpAnswer badRequest(String message) {
        return HttpAnswer.error(HttpResponseStatus.BAD_REQUEST, "bad_request", message);
    }

    private static HttpAnswer notFound(String clientId) {
        return HttpAnswer.error(HttpResponseStatus.NOT_FOUND, "client_not_found",
                "no session for client id '" + clientId + "' on this node");
    }
}
