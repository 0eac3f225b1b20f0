package dev.portd.host;

import dev.portd.service.Service;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import java.util.function.BooleanSupplier;

/**
 * The pipeline of one accepted TCP connection, read as a list of concerns: the host's (access rules
 * when the service has any; then limits, bytes counted and the idle timeout, in one handler), then
 * the service's, then the tail.
 */
final class StreamInitializer extends ChannelInitializer<Channel> {
    private final Admission admission;
    private final ServiceStats stats;
    private final Service service;
    private final ChannelGroup connections;
    private final BooleanSupplier closing;
    private final AccessRuleHandler access;
    private final long idleNanos;

    StreamInitializer(Admission admission, ServiceStats stats, long idleNanos, Service service,
                      ChannelGroup connections, BooleanSupplier closing) {
        this.admission = admission;
        this.stats = stats;
        this.idleNanos = idleNanos;
        this.service = service;
        this.connections = connections;
        this.closing = closing;
        this.access = new AccessRuleHandler(admission);
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        if (closing.getAsBoolean()) {   // accepted while the host stops: checked after the add, so close() cannot miss it
            ch.close();
            return;
        }
        if (admission.hasRules()) {
            ch.pipeline().addLast("access", access);
        }
        ch.pipeline().addLast("host", new StreamConnectionHandler(admission, stats, idleNanos));
        service.initStream(ch);
        ch.pipeline().addLast("tail", StreamTailHandler.INSTANCE);
    }
}
