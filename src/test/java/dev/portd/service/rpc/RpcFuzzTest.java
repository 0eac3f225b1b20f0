package dev.portd.service.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes ONC RPC over TCP (record marking, call decoder, dispatcher with the portmapper) and the
 * XDR reader. Properties: memory held stays within the record limit plus what the input brought;
 * every reply is a whole record holding an RPC reply to a call that was sent; no exception escapes;
 * the XDR reader fails only with {@link XdrException}.
 */
class RpcFuzzTest {
    static final int MAX_RECORD_BYTES = 4096;
    static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 111);

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void recordsGetWellFormedRepliesInBoundedMemory(byte[] input) {
        RpcDispatcher dispatcher = new RpcDispatcher(List.of(new PortmapperProgram(new RpcbRegistry(() -> { }),
                new RpcbStats(), Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC), false)));
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        List<Throwable> escaped = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new RpcRecordDecoder(MAX_RECORD_BYTES), RpcRecordEncoder.INSTANCE,
                new RpcStreamHandler(dispatcher, c -> RpcCaller.inet(true, FROM, SERVER)),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        escaped.add(cause);
                    }
                });
        long peak = 0;
        // the input arrives in pieces of 1 to 256 bytes, each size given by the byte before it
        for (int at = 0; at < input.length && ch.isActive(); ) {
            int n = Math.min(1 + (input[at] & 0xFF), input.length - at - 1);
            if (n <= 0) {
                break;
            }
            ByteBuf piece = alloc.heapBuffer(n).writeBytes(input, at + 1, n);
            ch.writeInbound(piece);
            at += n + 1;
            peak = Math.max(peak, alloc.metric().usedHeapMemory());
        }
        ByteBuf sent = Unpooled.buffer();
        for (Object out; (out = ch.readOutbound()) != null; ) {
            sent.writeBytes((ByteBuf) out);
            ((ByteBuf) out).release();
        }
        int replies = 0;
        while (sent.isReadable()) {
            replies++;
            long mark = sent.readUnsignedInt();
            assertThat(mark & 0x8000_0000L).as("last fragment").isNotZero();
            long length = mark & 0x7FFF_FFFFL;
            assertThat(length).as("record length").isBetween(12L, (long) sent.readableBytes());
            ByteBuf reply = sent.readSlice((int) length);
            reply.readInt();                                                   // xid
            assertThat(reply.readInt()).as("msg_type REPLY").isEqualTo(1);
            assertThat(reply.readInt()).as("reply_stat").isBetween(0, 1);
        }
        ch.finishAndReleaseAll();
        // a call is at least 40 bytes after its 4-byte mark
        assertThat(replies).isLessThanOrEqualTo(input.length / 44 + 1);
        assertThat(peak).isLessThanOrEqualTo(2L * MAX_RECORD_BYTES + 2L * input.length + 65_536);
        assertThat(escaped).isEmpty();
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void xdrReaderFailsOnlyWithXdrException(FuzzedDataProvider data) {
        int ops = data.consumeInt(0, 32);
        ByteBuf buf = Unpooled.wrappedBuffer(data.consumeRemainingAsBytes());
        XdrReader r = new XdrReader(buf);
        int max = 1 << 16;
        try {
            for (int i = 0; i < ops; i++) {
                int before = r.remaining();
                switch (i % 7) {
                    case 0 -> r.readInt();
                    case 1 -> r.readUnsignedInt();
                    case 2 -> r.readHyper();
                    case 3 -> r.readBool();
                    case 4 -> assertThat(r.readString(max).length()).isLessThanOrEqualTo(before);
                    case 5 -> assertThat(r.readOpaque(max).length).isLessThanOrEqualTo(before);
                    default -> r.skipOpaque(max);
                }
                assertThat(r.remaining()).isBetween(0, before);
            }
        } catch (XdrException expected) {
            // bad input, reported as such
        }
    }
}
