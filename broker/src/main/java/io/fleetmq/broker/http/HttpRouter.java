package io.fleetmq.broker.http;

import io.fleetmq.broker.health.Readiness;
import io.fleetmq.broker.metrics.BrokerMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dispatches HTTP requests: {@code /metrics}, {@code /healthz}, {@code /readyz}, and {@code /api/v1/...} to the
 * {@link AdminApi}. Stateless, so one instance serves every connection.
 */
@ChannelHandler.Sharable
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final BrokerMetrics metrics;
    private final Readiness readiness;
    private final AdminApi admin;

    HttpRouter(BrokerMetrics metrics, Readiness readiness, AdminApi admin) {
        this.metrics = metrics;
        this.readiness = readiness;
        this.admin = admin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpAnswer answer;
        if (!request.decoderResult().isSuccess()) {
            answer = HttpAnswer.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed HTTP request");
        } else {
            try {
                answer = route(request);
            } catch (RuntimeException e) {
                LOG.warn("HTTP {} {} failed: {}", request.method(), request.uri(), e.toString());
                answer = HttpAnswer.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", e.toString());
            }
        }
        write(ctx, request, answer);
    }

    private HttpAnswer route(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (path.startsWith(AdminApi.PREFIX)) {
            // The raw path: the admin API decodes a client id itself, once, so "%2F" in an id stays a slash in
            // the id rather than splitting the path.
            return admin.handle(request.method(), uri.rawPath(), uri.parameters(),
                    request.headers().get(HttpHeaderNames.AUTHORIZATION));
        }
        switch (path) {
            case "/metrics":
                return getOnly(request, () -> HttpAnswer.text(HttpResponseStatus.OK, PROMETHEUS_TEXT,
                        metrics.scrape()));
            case "/healthz":
                // Alive: this thread answered. Nothing else is checked, so a liveness probe never restarts a node
                // that is merely busy or not yet ready.
                return getOnly(request, () -> HttpAnswer.json(HttpResponseStatus.OK, Map.of("status", "UP")));
            case "/readyz":
                return getOnly(request, this::readyz);
            default:
                return HttpAnswer.error(HttpResponseStatus.NOT_FOUND, "not_found", "no endpoint " + path
                        + "; try /metrics, /healthz, /readyz or /api/v1/...");
        }
    }

    private HttpAnswer readyz() {
        Readiness.Report report = readiness.evaluate();
        List<Map<String, Object>> checks = new ArrayList<>();
        report.checks().forEach((name, ok) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", name);
            c.put("ready", ok);
            checks.add(c);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.ready() ? "READY" : "NOT_READY");
        body.put("failing", report.failing());
        body.put("checks", checks);
        return HttpAnswer.json(report.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private static HttpAnswer getOnly(FullHttpRequest request, java.util.function.Supplier<HttpAnswer> get) {
        if (!HttpMethod.GET.equals(request.method())) {
            return HttpAnswer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    request.method() + " is not allowed here; use GET").withHeader("Allow", "GET");
        }
        return get.get();
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, HttpAnswer answer) {
        // A request the codec could not parse has no trustworthy version; answer in HTTP/1.1.
        HttpVersion version = request.decoderResult().isSuccess() ? request.protocolVersion() : HttpVersion.HTTP_1_1;
        FullHttpResponse response = new DefaultFullHttpResponse(version, answer.status(),
                Unpooled.wrappedBuffer(answer.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        answer.headers().forEach((k, v) -> response.headers().set(k, v));
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection {} error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
