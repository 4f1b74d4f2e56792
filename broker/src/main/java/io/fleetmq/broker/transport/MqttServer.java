package io.fleetmq.broker.transport;

import io.fleetmq.broker.config.TcpListenerConfig;
import io.fleetmq.broker.config.TlsConfig;
import io.fleetmq.broker.config.TlsListenerConfig;
import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.protocol.BrokerContext;
import io.fleetmq.broker.protocol.ChannelHandlerNames;
import io.fleetmq.broker.protocol.MqttChannelHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

/**
 * The network side of a node: event loops, the listeners (tcp, tls, ws, wss), and every client channel (for
 * shutdown).
 */
public final class MqttServer {
    private static final Logger LOG = LoggerFactory.getLogger(MqttServer.class);

    private final Transport transport;
    private final ChannelGroup clients = new DefaultChannelGroup("fleetmq-clients", GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final List<TlsContextSource> tlsSources = new CopyOnWriteArrayList<>();

    public MqttServer(boolean preferEpoll, int ioThreads) {
        this.transport = Transport.create(preferEpoll, ioThreads);
    }

    /** The I/O event loops; also used as the broker's timer for will delays and session expiry. */
    public EventLoopGroup workers() {
        return transport.workers();
    }

    /** Binds the TCP listener; throws {@link BindFailedException} naming the address when it cannot. */
    public InetSocketAddress bindTcp(TcpListenerConfig listener, BrokerContext ctx) throws InterruptedException {
        return bind(new Listener("tcp", listener.proxyProtocol(),
                TrustedProxies.of("tcp", listener.proxyProtocolTrustedNetworks()), null, false,
                listener.maxConnections(), new AtomicInteger()), listener.bind(), listener.port(), ctx);
    }

    /** Binds the WebSocket listener (path /mqtt). */
    public InetSocketAddress bindWs(TcpListenerConfig listener, BrokerContext ctx) throws InterruptedException {
        return bind(new Listener("ws", listener.proxyProtocol(),
                TrustedProxies.of("ws", listener.proxyProtocolTrustedNetworks()), null, true,
                listener.maxConnections(), new AtomicInteger()), listener.bind(), listener.port(), ctx);
    }

    /**
     * Binds a TLS listener: {@code tls} (MQTT over TLS) or {@code wss} (WebSocket over TLS).
     *
     * @throws FileFormatException when the certificate, key or CA bundle cannot be used (a start-up config error)
     */
    public InetSocketAddress bindTls(String name, TlsListenerConfig listener, TlsConfig tls, BrokerContext ctx)
            throws InterruptedException, FileFormatException {
        TlsContextSource source = TlsContextSource.create("listeners." + name, listener, tls);
        tlsSources.add(source);
        return bind(new Listener(name, listener.proxyProtocol(),
                TrustedProxies.of(name, listener.proxyProtocolTrustedNetworks()), source, name.equals("wss"),
                listener.maxConnections(), new AtomicInteger()), listener.bind(), listener.port(), ctx);
    }

    /** Re-reads certificate, key and CA files that changed; open connections are not touched. */
    public void checkTlsFiles() {
        for (TlsContextSource s : tlsSources) {
            s.checkForChange();
        }
    }

    private InetSocketAddress bind(Listener listener, String host, int port, BrokerContext ctx)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.boss(), transport.workers())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Above 256 KiB unsent, further packets wait in the connection's outbox (MqttConnection.writeBatched).
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new MqttChannelInitializer(ctx, clients, listener));
        Channel channel;
        try {
            channel = bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new BindFailedException("cannot bind " + host + ":" + port + " (listeners." + listener.name()
                    + "): " + e.getMessage(), e);
        }
        listeners.add(channel);
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        LOG.info("MQTT listener on {}://{}:{}{} ({} transport{})", listener.name(),
                bound.getAddress().getHostAddress(), bound.getPort(), listener.webSocket() ? Listener.WEBSOCKET_PATH
                        : "", transport.name(), listener.proxyProtocol() ? ", PROXY protocol required" : "");
        return bound;
    }

    public int clientCount() {
        return clients.size();
    }

    /** Stops accepting new connections on every listener; existing connections carry on. */
    public void closeListeners() {
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly(2_000);
        }
    }

    /**
     * Drain for scale-in: tells connected clients, at most {@code perSecond} a second so they do not all reconnect
     * at once, to use another server (v5 DISCONNECT 0x9C), then waits until they are gone or {@code deadline}
     * (a {@link System#nanoTime()} value) passes.
     *
     * @return clients still connected at the end
     */
    public int drainClients(int perSecond, long deadline) throws InterruptedException {
        long pauseNanos = 1_000_000_000L / Math.max(1, perSecond);
        long next = System.nanoTime();
        for (Channel client : List.copyOf(clients)) {
            if (System.nanoTime() > deadline) {
                break;
            }
            MqttChannelHandler handler = (MqttChannelHandler) client.pipeline().get(ChannelHandlerNames.MQTT_HANDLER);
            client.eventLoop().execute(() -> {
                if (handler != null) {
                    handler.moveToAnotherServer();
                } else {
                    client.close();
                }
            });
            next += pauseNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        long remaining = Math.max(0, deadline - System.nanoTime());
        clients.newCloseFuture().await(Math.min(TimeUnit.NANOSECONDS.toMillis(remaining), 5_000));
        return clients.size();
    }

    /**
     * Graceful stop: no new connections, every client told (v5 DISCONNECT 0x8B) and closed once its pending writes
     * are flushed, then the event loops end. Bounded by {@code grace}.
     */
    public void shutdown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly(grace.toMillis());
        }
        for (Channel client : clients) {
            MqttChannelHandler handler = (MqttChannelHandler) client.pipeline().get(ChannelHandlerNames.MQTT_HANDLER);
            client.eventLoop().execute(() -> {
                if (handler != null) {
                    handler.shutdown();
                } else {
                    client.close();
                }
            });
        }
        long remaining = Math.max(0, deadline - System.nanoTime());
        clients.newCloseFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(remaining));
        if (!clients.isEmpty()) {
            LOG.warn("{} client connections still open after the {} ms grace period: closing them", clients.size(),
                    grace.toMillis());
            clients.close().awaitUninterruptibly(1000);
        }
        transport.boss().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        transport.workers().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
}
