package io.fleetmq.broker.http;

import io.fleetmq.broker.config.HttpConfig;
import io.fleetmq.broker.health.Readiness;
import io.fleetmq.broker.metrics.BrokerMetrics;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.routing.PublishRouter;
import io.fleetmq.broker.session.SessionStore;
import io.fleetmq.broker.transport.BindFailedException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The operations port: {@code /metrics}, {@code /healthz}, {@code /readyz} and the admin API, on Netty's HTTP codec
 * (already on the class path; no second server stack). It runs on one event loop of its own, not the MQTT ones, so a
 * scrape of a large node or an admin listing never delays MQTT traffic, and a flood of MQTT traffic never makes a
 * liveness probe time out. NIO is enough for a handful of scrapers and probes.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    /** Largest request body accepted; the API takes none, so this only bounds what a bad client can make us buffer. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;

    private HttpListener(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code http.bind:http.port}; throws {@link BindFailedException} naming the address when it cannot. */
    public static HttpListener start(HttpConfig config, String nodeName, String version, BrokerMetrics metrics,
                                     Readiness readiness, SessionStore sessions, PublishRouter router,
                                     BrokerStats stats) throws InterruptedException {
        AdminApi admin = new AdminApi(config.adminToken(), nodeName, version, sessions, router, stats);
        HttpRouter router0 = new HttpRouter(metrics, readiness, admin);
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("fleetmq-http"));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                // Idle keep-alive connections (scrapers between scrapes) are closed after a minute.
                                .addLast("readTimeout", new ReadTimeoutHandler(60, TimeUnit.SECONDS))
                                .addLast("httpCodec", new HttpServerCodec())
                                .addLast("httpAggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("httpRouter", router0);
                    }
                });
        Channel ch;
        try {
            ch = bootstrap.bind(config.bind(), config.port()).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new BindFailedException(config.bind(), config.port(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
        LOG.info("HTTP listener on http://{}:{} (/metrics, /healthz, /readyz; admin API {})",
                bound.getAddress().getHostAddress(), bound.getPort(),
                config.adminApiEnabled() ? "enabled" : "off: no http.adminToken");
        return new HttpListener(group, ch);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
}
