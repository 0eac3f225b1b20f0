package dev.portd.host;

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
    private final Admission admission;

    AccessRuleHandler(Admission admission) {
        this.admission = admission;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress peer)) {
            ctx.close();   // reset before it was registered: io_uring then knows no peer address
            return;
        }
        if (!admission.permits(peer.getAddress())) {
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
