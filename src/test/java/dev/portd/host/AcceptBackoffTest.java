package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A listener out of file descriptors pauses for a moment instead of spinning, and counts it. */
class AcceptBackoffTest {

    @Test
    void outOfDescriptorsPausesAcceptingThenResumesAndIsCounted() {
        ServiceStats stats = new ServiceStats();
        List<Throwable> passedOn = new ArrayList<>();
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptBackoff("tcp/7 echo", stats),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        passedOn.add(cause);
                    }
                });
        for (int i = 0; i < 50; i++) {
            listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
        }
        assertThat(listener.config().isAutoRead()).isFalse();
        assertThat(stats.acceptPauses()).isEqualTo(50);
        assertThat(passedOn).as("Netty's acceptor and the tail's warning are not reached").isEmpty();
        listener.advanceTimeBy(AcceptBackoff.PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();

        IOException other = new IOException("Connection reset by peer");
        listener.pipeline().fireExceptionCaught(other);
        assertThat(passedOn).containsExactly(other);
        assertThat(listener.config().isAutoRead()).isTrue();
        listener.finishAndReleaseAll();
    }
}
