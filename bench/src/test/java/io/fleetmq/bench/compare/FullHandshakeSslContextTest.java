package io.fleetmq.bench.compare;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compare clients never resume a TLS session. Handshakes in a row against a JDK TLS server: with Netty's ordinary
 * client context the second one resumes, which shows the check can see a resumption; through
 * {@link FullHandshakeSslContext} every one is a full handshake. A resumed session is the old one on the server: the
 * same session id (TLS 1.2) or, as TLS 1.3 gives every connection a new id, the same creation time (the JDK carries it
 * over from the session the PSK belongs to).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FullHandshakeSslContextTest {
    @TempDir
    Path dir;

    private TlsMaterial tls;
    private SSLServerSocket server;
    private Thread acceptor;
    private final List<String> serverSessions = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<SSLSession> handshakes = java.util.Collections.synchronizedList(new ArrayList<>());

    private static boolean resumed(SSLSession later, SSLSession earlier) {
        return java.util.Arrays.equals(later.getId(), earlier.getId())
                || later.getCreationTime() == earlier.getCreationTime();
    }

    /** Full handshakes made within one millisecond would share a creation time; wait until the clock has moved on. */
    private static void nextMillisecond() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() < now + 2) {
            Thread.onSpinWait();
        }
    }
    private EventLoopGroup group;

    @BeforeEach
    void startServer() throws Exception {
        tls = TlsMaterial.create(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.serverKeyStore())) {
            ks.load(in, tls.storePassword().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, tls.storePassword().toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress());
        group = new NioEventLoopGroup(1);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        if (acceptor != null) {
            acceptor.join(5000);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Serves {@code n} handshakes with {@code protocol}, recording each session (id and creation time). */
    private void serve(String protocol, int n) {
        server.setEnabledProtocols(new String[] {protocol});
        acceptor = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    SSLSession session = s.getSession();
                    serverSessions.add(HexFormat.of().formatHex(session.getId()) + "@" + session.getCreationTime());
                    handshakes.add(session);
                    // TLS 1.3 sends its session ticket after the handshake; let the client read it before closing
                    s.getOutputStream().write(1);
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (Exception e) {
                    serverSessions.add("error: " + e);
                }
            }
        }, "tls-test-server");
        acceptor.start();
    }

    /** One client connection through {@code ssl}: handshake, read the server's byte, close. */
    private void handshake(SslContext ssl) throws Exception {
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(ssl.newHandler(c.alloc(), "127.0.0.1", server.getLocalPort()));
                        c.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                                io.netty.util.ReferenceCountUtil.release(msg);
                                ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {2}))
                                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                            }
                        });
                    }
                })
                .connect(InetAddress.getLoopbackAddress(), server.getLocalPort()).sync().channel();
        assertThat(ch.pipeline().get(SslHandler.class).handshakeFuture().await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(ch.closeFuture().await(20, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void theOrdinaryClientContextResumesTheSecondSession(String protocol) throws Exception {
        SslContext ordinary = SslContextBuilder.forClient().trustManager(tls.caPem().toFile()).build();
        serve(protocol, 2);
        handshake(ordinary);
        handshake(ordinary);
        acceptor.join(20_000);
        assertThat(serverSessions).hasSize(2).allMatch(s -> !s.startsWith("error"));
        assertThat(resumed(handshakes.get(1), handshakes.get(0))).as("resumed: %s", serverSessions).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void theCompareClientContextMakesAFullHandshakeEveryTime(String protocol) throws Exception {
        SslContext full = new FullHandshakeSslContext(
                SslContextBuilder.forClient().trustManager(tls.caPem().toFile()).build());
        serve(protocol, 3);
        for (int i = 0; i < 3; i++) {
            nextMillisecond();
            handshake(full);
        }
        acceptor.join(20_000);
        assertThat(serverSessions).hasSize(3).allMatch(s -> !s.startsWith("error"));
        for (int i = 1; i < 3; i++) {
            for (int j = 0; j < i; j++) {
                assertThat(resumed(handshakes.get(i), handshakes.get(j))).as("%d resumed %d: %s", i, j, serverSessions)
                        .isFalse();
            }
        }
    }
}
