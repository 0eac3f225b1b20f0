package dev.portd.service.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Record marking, RFC 5531 section 11: fragments, records, and the size bound. */
class RpcRecordDecoderTest {

    static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    static String hexOf(ByteBuf buf) {
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void lastFragmentIsOneRecord() {
        EmbeddedChannel ch = new EmbeddedChannel(new RpcRecordDecoder(1024));
        ch.writeInbound(hex("80000004 01020304"));
        assertThat(hexOf(ch.readInbound())).isEqualTo("01020304");
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void fragmentsJoinIntoOneRecord() {
        EmbeddedChannel ch = new EmbeddedChannel(new RpcRecordDecoder(1024));
        ch.writeInbound(hex("00000002 0102 00000000 80000003 030405"));
        assertThat(hexOf(ch.readInbound())).isEqualTo("0102030405");
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void recordArrivingByteByByteIsWholeOnce() {
        EmbeddedChannel ch = new EmbeddedChannel(new RpcRecordDecoder(1024));
        for (byte b : ByteBufUtil.decodeHexDump("0000000101800000020203")) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(hexOf(ch.readInbound())).isEqualTo("010203");
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void twoRecordsInOneReadAreTwoMessages() {
        EmbeddedChannel ch = new EmbeddedChannel(new RpcRecordDecoder(1024));
        ch.writeInbound(hex("80000001 aa 80000002 bbcc"));
        assertThat(hexOf(ch.readInbound())).isEqualTo("aa");
        assertThat(hexOf(ch.readInbound())).isEqualTo("bbcc");
    }

    @Test
    void hugeFragmentHeaderClosesBeforeBuffering() {
        EmbeddedChannel ch = new EmbeddedChannel(new RpcRecordDecoder(65536));
        ch.writeInbound(hex("ffffffff 00000000"));
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void fragmentsAddingUpPastTheLimitClose() {
        EmbeddedChannel ch = new EmbeddedChannel(new RpcRecordDecoder(8));
        ch.writeInbound(hex("00000006 010203040506"));
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(hex("80000003 070809"));
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void encoderPrependsLastFragmentHeader() {
        EmbeddedChannel ch = new EmbeddedChannel(RpcRecordEncoder.INSTANCE);
        ch.writeOutbound(hex("0a0b0c"));
        ByteBuf header = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertThat(hexOf(header) + hexOf(body)).isEqualTo("800000030a0b0c");
    }
}
