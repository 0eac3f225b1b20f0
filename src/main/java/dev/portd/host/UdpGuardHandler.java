package dev.portd.host;

import dev.portd.ports.Cidr;
import dev.portd.config.Limits;
import dev.portd.service.SourceRateWindow;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * In front of every UDP service, like inetd's {@code dg_badinput()}: drops a datagram instead of
 * answering it when the answer could feed a loop or an amplification attack, and counts why.
 * <ul>
 *   <li>source port 0, or the well-known port of a kind that answers any datagram (echo, daytime,
 *       qotd, chargen, time: flagged in the table of kinds), or a UDP port of this host: two such
 *       services answering each other forever is CVE-1999-0103;</li>
 *   <li>a multicast source, which no real sender has;</li>
 *   <li>a source outside the allow list or inside the deny list;</li>
 *   <li>more than {@code udp_replies_per_second} datagrams from one address in a second, when the
 *       reply could amplify: the kind's replies can be larger than its requests (daytime, qotd,
 *       chargen, time, flagged in the table of kinds) and the source is not loopback, which no one
 *       outside this host can spoof. Echo and the portmapper's GETPORT answer with no more than they
 *       got, so an honest local client is never throttled; {@code udp_limit_all = true} limits every
 *       datagram instead.</li>
 * </ul>
 * One instance per socket: it runs on that socket's event loop only.
 */
final class UdpGuardHandler extends ChannelInboundHandlerAdapter {
    /** Sources remembered per one-second window; a flood of spoofed sources beyond it is dropped. */
    static final int MAX_SOURCES_PER_SECOND = 65_536;

    private final Limits limits;
    /** Source ports never answered: another server's answers (see above); shared, filled at bind. */
    private final Set<Integer> loopPorts;
    private final ServiceStats stats;
    private final SourceRateWindow replies;
    /** Whether this service's replies can be larger than the requests. */
    private final boolean amplifies;

    UdpGuardHandler(Limits limits, Set<Integer> loopPorts, ServiceStats stats, boolean amplifies) {
        this.limits = limits;
        this.amplifies = amplifies;
        this.loopPorts = loopPorts;
        this.stats = stats;
        this.replies = new SourceRateWindow(limits.udpRepliesPerSecond(), MAX_SOURCES_PER_SECOND);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            stats.datagramsIn.increment();
            String reason = dropReason(packet.sender());
            if (reason != null) {
                stats.dropped(reason);
                packet.release();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    String dropReason(InetSocketAddress sender) {
        int port = sender.getPort();
        if (port == 0) {
            return "source port 0";
        }
        if (loopPorts.contains(port)) {
            return "loop guard: source port " + port;
        }
        InetAddress address = Cidr.unmapped(sender.getAddress());
        if (address.isMulticastAddress()) {
            return "multicast source";
        }
        if (!limits.permits(address)) {
            return "denied";
        }
        boolean limited = limits.udpRepliesPerSecond() > 0 && rateApplies(address) && replies.overLimit(address);
        return limited ? "rate limit" : null;
    }

    private boolean rateApplies(InetAddress source) {
        return limits.udpLimitAll() || amplifies && !source.isLoopbackAddress();
    }
}
