package io.fleetmq.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Creates {@link BenchClient}s on one shared event-loop group: thousands of clients per thread, never a thread per
 * client. Native epoll when available (Linux), NIO otherwise. Close it to stop every client's loop.
 */
public final class ClientFactory implements AutoCloseable {
    /** Largest inbound packet accepted; publishes in a benchmark are far smaller. */
    private static final int MAX_PACKET_BYTES = 16 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final SslContext ssl;

    /** @param ioThreads event-loop threads; @param ssl client TLS context, or null for plain TCP */
    public ClientFactory(int ioThreads, SslContext ssl) {
        this.ssl = ssl;
        boolean epoll = Epoll.isAvailable();
        DefaultThreadFactory threads = new DefaultThreadFactory("bench-io", true);
        this.group = epoll ? new EpollEventLoopGroup(ioThreads, threads) : new NioEventLoopGroup(ioThreads, threads);
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        if (epoll) {
            // With a source address bound, let the kernel pick the port at connect() time: the 4-tuple then only has
            // to be unique, so each source address offers the whole ephemeral range per destination.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
    }

    /**
     * Starts connecting; the future completes on an accepted CONNACK (or exceptionally). Binds
     * {@code settings.local()} first when it is set.
     */
    public CompletableFuture<BenchClient> connect(ClientSettings settings, ClientListener listener) {
        BenchClient client = new BenchClient(settings, listener);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (ssl != null) {
                    ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), settings.remote().getHostString(),
                            settings.remote().getPort()));
                }
                ch.pipeline().addLast("decoder", new MqttDecoder(MAX_PACKET_BYTES));
                ch.pipeline().addLast("encoder", MqttEncoder.INSTANCE);
                ch.pipeline().addLast("client", client);
            }
        });
        ChannelFuture cf = settings.local() == null ? b.connect(settings.remote())
                : b.connect(settings.remote(), settings.local());
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                client.connectFuture().completeExceptionally(f.cause());
            } else {
                // CONNACK must come within the connect timeout as well.
                cf.channel().eventLoop().schedule(() -> {
                    if (!client.connectFuture().isDone()) {
                        client.connectFuture().completeExceptionally(new ConnectFailedException("no CONNACK"));
                        cf.channel().close();
                    }
                }, CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
        return client.connectFuture();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
