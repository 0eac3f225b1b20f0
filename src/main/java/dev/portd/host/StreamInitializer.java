package dev.portd.host;

import dev.portd.config.Limits;
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
    private final String label;
    private final Limits limits;
    private final ServiceStats stats;
    private final ConnectionGate gate;
    private final RefusalLog refusals;
    private final Service service;
    private final ChannelGroup connections;
    private final BooleanSupplier closing;
    private final AccessRuleHandler access;
    private final long idleNanos;
    private final FdBudget.Account fds;

    StreamInitializer(String label, Limits limits, ServiceStats stats, ConnectionGate gate, RefusalLog refusals,
                      FdBudget.Account fds, Service service, ChannelGroup connections, BooleanSupplier closing) {
        this.fds = fds;
        this.label = label;
        this.limits = limits;
        this.stats = stats;
        this.gate = gate;
        this.refusals = refusals;
        this.service = service;
        this.connections = connections;
        this.closing = closing;
        this.idleNanos = limits.idleTimeout().toNanos();
        this.access = new AccessRuleHandler(label, limits, stats, refusals);
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        if (closing.getAsBoolean()) {   // accepted while the host stops: checked after the add, so close() cannot miss it
            ch.close();
            return;
        }
        if (!limits.allow().isEmpty() || !limits.deny().isEmpty()) {
            ch.pipeline().addLast("access", access);
        }
        ch.pipeline().addLast("host", new StreamConnectionHandler(label, gate, stats, refusals, fds, idleNanos));
        service.initStream(ch);
        ch.pipeline().addLast("tail", StreamTailHandler.INSTANCE);
    }
}
