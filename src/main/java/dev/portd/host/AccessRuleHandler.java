package dev.portd.host;

import dev.portd.config.Limits;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/**
 * Applies a service's allow and deny lists to a new TCP connection: a refused peer is closed before
 * the service sees it; an admitted one goes on and this handler leaves the pipeline.
 */
@Sharable
final class AccessRuleHandler extends ChannelInboundHandlerAdapter {
    private final String label;
    private final Limits limits;
    private final ServiceStats stats;
    private final RefusalLog refusals;

    AccessRuleHandler(String label, Limits limits, ServiceStats stats, RefusalLog refusals) {
        this.label = label;
        this.limits = limits;
        this.stats = stats;
        this.refusals = refusals;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress peer)) {
            ctx.close();   // reset before it was registered: io_uring then knows no peer address
            return;
        }
        if (!limits.permits(peer.getAddress())) {
            stats.refused("denied");
            refusals.refused(label, peer.getAddress(), "denied by allow/deny rules");
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
