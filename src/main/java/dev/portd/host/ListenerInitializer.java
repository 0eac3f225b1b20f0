package dev.portd.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;

/**
 * The child handler of one TCP listener: hands each accepted connection to the pipeline of the
 * service instance the listener serves now. A reload that changes the service swaps the target;
 * connections accepted before keep the pipeline (and instance) they started with, and each one is
 * added to its instance's group, so the host can drain or count an instance's connections. On an
 * {@link AnsweringServerChannel}, a one-reply instance answers the accepted socket before any
 * channel is made for it.
 */
@Sharable
final class ListenerInitializer extends ChannelInitializer<Channel> implements AnsweringServerChannel.Answerer {
    /**
     * A service instance's pipeline, the group of its open connections, and for a one-reply service
     * its answerer at accept (else null).
     */
    record Target(StreamInitializer pipeline, ChannelGroup connections, OneReplyAnswerer answerer) {
    }

    private volatile Target target;

    ListenerInitializer(Target target) {
        this.target = target;
    }

    void swap(Target next) {
        target = next;
    }

    @Override
    protected void initChannel(Channel ch) {
        Target t = target;
        t.connections().add(ch);
        t.pipeline().initChannel(ch);
    }

    @Override
    public boolean answer(EventLoop loop, int fd, byte[] address, int offset, int length) {
        OneReplyAnswerer answerer = target.answerer();
        return answerer != null && answerer.answer(loop, fd, address, offset, length);
    }
}
