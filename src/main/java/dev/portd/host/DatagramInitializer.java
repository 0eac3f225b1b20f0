package dev.portd.host;

import dev.portd.config.Limits;
import dev.portd.service.Service;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.Set;

/**
 * The pipeline of one UDP socket, shared by every client: empty replies sent, bytes counted, the
 * reflection and loop guard, then the service's handlers, then the tail.
 */
final class DatagramInitializer extends ChannelInitializer<Channel> {
    private final Limits limits;
    private final Set<Integer> loopPorts;
    private final ServiceStats stats;
    private final Service service;
    private final TrafficCounterHandler traffic;
    private final boolean amplifies;

    DatagramInitializer(Limits limits, Set<Integer> loopPorts, ServiceStats stats, Service service, boolean amplifies) {
        this.amplifies = amplifies;
        this.limits = limits;
        this.loopPorts = loopPorts;
        this.stats = stats;
        this.service = service;
        this.traffic = new TrafficCounterHandler(stats);
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("empty", EmptyDatagramHandler.INSTANCE);
        ch.pipeline().addLast("traffic", traffic);
        ch.pipeline().addLast("guard", new UdpGuardHandler(limits, loopPorts, stats, amplifies));
        service.initDatagram(ch);
        ch.pipeline().addLast("tail", DatagramTailHandler.INSTANCE);
    }
}
