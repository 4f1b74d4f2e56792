package io.fleetmq.broker.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll where the platform has it, NIO otherwise: chosen once, at start. */
record Transport(String name, EventLoopGroup boss, EventLoopGroup workers,
                 Class<? extends ServerChannel> serverChannel) {

    static Transport create(boolean preferEpoll, int ioThreads) {
        if (preferEpoll && Epoll.isAvailable()) {
            return new Transport("epoll", new EpollEventLoopGroup(1, new DefaultThreadFactory("fleetmq-accept")),
                    new EpollEventLoopGroup(ioThreads, new DefaultThreadFactory("fleetmq-io")),
                    EpollServerSocketChannel.class);
        }
        return new Transport("nio", new NioEventLoopGroup(1, new DefaultThreadFactory("fleetmq-accept")),
                new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("fleetmq-io")),
                NioServerSocketChannel.class);
    }
}
