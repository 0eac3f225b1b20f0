package dev.portd.service.rpc;

import static dev.portd.service.rpc.RpcRecordDecoderTest.hex;
import static dev.portd.service.rpc.RpcRecordDecoderTest.hexOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Calls and replies byte for byte (RFC 5531 section 9, RFC 1833), through the TCP pipeline
 * (record marking, decoder, dispatcher), including malformed calls.
 */
class RpcCodecTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 111);

    final RpcbRegistry registry = new RpcbRegistry(() -> { });
    final AtomicReference<RpcCall> seen = new AtomicReference<>();
    /** A test program 0x20000001 v1 whose procedure 1 records the call it got. */
    final RpcProgram recorder = new RpcProgram() {
        public int number() { return 0x2000_0001; }
        public int lowVersion() { return 1; }
        public int highVersion() { return 1; }
        public RpcProcedure procedure(int version, int procedure) {
            return procedure == 1 ? (call, caller, args, results) -> seen.set(call) : null;
        }
    };
    final RpcDispatcher dispatcher = new RpcDispatcher(List.of(new PortmapperProgram(registry, new RpcbStats(),
            Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC), false), recorder));

    EmbeddedChannel tcp(InetSocketAddress from) {
        return new EmbeddedChannel(new RpcRecordDecoder(4096), RpcRecordEncoder.INSTANCE,
                new RpcStreamHandler(dispatcher, ch -> RpcCaller.inet(true, from, SERVER)));
    }

    /** Sends one record and returns the reply record as hex, record mark included. */
    static String exchange(EmbeddedChannel ch, String callHex) {
        ByteBuf call = hex(callHex);
        ByteBuf framed = Unpooled.buffer().writeInt(0x8000_0000 | call.readableBytes()).writeBytes(call);
        ch.writeInbound(framed);
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            out.append(hexOf((ByteBuf) o));
        }
        return out.toString();
    }

    /** Call header: xid, CALL, RPC version 2, program, version, procedure, AUTH_NONE cred and verifier. */
    static String call(int xid, int prog, int vers, int proc) {
        return String.format("%08x 00000000 00000002 %08x %08x %08x 00000000 00000000 00000000 00000000",
                xid, prog, vers, proc);
    }

    static final String ACCEPTED = "00000001 00000000 00000000 00000000";   // REPLY, MSG_ACCEPTED, null verifier

    @Test
    void nullCallGetsEmptySuccess() {
        assertThat(exchange(tcp(LOOPBACK), call(0x1234, 100000, 2, 0)))
                .isEqualTo(("80000018 00001234 " + ACCEPTED + " 00000000").replace(" ", ""));
    }

    @Test
    void unknownProgramIsProgUnavail() {
        assertThat(exchange(tcp(LOOPBACK), call(7, 300000, 1, 0)))
                .isEqualTo(("80000018 00000007 " + ACCEPTED + " 00000001").replace(" ", ""));
    }

    @Test
    void versionZeroGetsProgMismatchWithTheServedRange() {
        assertThat(exchange(tcp(LOOPBACK), call(7, 100000, 0, 0)))
                .isEqualTo(("80000020 00000007 " + ACCEPTED + " 00000002 00000002 00000004").replace(" ", ""));
    }

    @Test
    void callitIsProcUnavail() {
        assertThat(exchange(tcp(LOOPBACK), call(7, 100000, 2, 5) + " 000186a0 00000002 00000000 00000000"))
                .isEqualTo(("80000018 00000007 " + ACCEPTED + " 00000003").replace(" ", ""));
    }

    @Test
    void truncatedArgumentsAreGarbageArgs() {
        assertThat(exchange(tcp(LOOPBACK), call(7, 100000, 2, 3) + " 000186a0 0000"))
                .isEqualTo(("80000018 00000007 " + ACCEPTED + " 00000004").replace(" ", ""));
    }

    @Test
    void absurdStringLengthIsGarbageArgsNotAnAllocation() {
        // RPCBPROC_GETADDR v3 whose netid claims 4 GiB - 1 bytes (the "rpcbomb" shape)
        assertThat(exchange(tcp(LOOPBACK), call(7, 100000, 3, 3) + " 000186a0 00000002 ffffffff"))
                .isEqualTo(("80000018 00000007 " + ACCEPTED + " 00000004").replace(" ", ""));
    }

    @Test
    void rpcVersionThreeIsRpcMismatch() {
        String call = call(9, 100000, 2, 0).replaceFirst("00000002", "00000003");
        assertThat(exchange(tcp(LOOPBACK), call))
                .isEqualTo("8000001800000009000000010000000100000000" + "0000000200000002");
    }

    @Test
    void oversizedCredentialIsAuthError() {
        String call = "00000009 00000000 00000002 000186a0 00000002 00000000 00000001 000003e8";
        assertThat(exchange(tcp(LOOPBACK), call))
                .isEqualTo("80000014" + "00000009000000010000000100000001" + "00000001");
    }

    @Test
    void truncatedVerifierIsAuthErrorBadVerf() {
        String call = "00000009 00000000 00000002 000186a0 00000002 00000000 00000000 00000000 00000000 00000010";
        assertThat(exchange(tcp(LOOPBACK), call))
                .isEqualTo("80000014" + "00000009000000010000000100000001" + "00000003");
    }

    @Test
    void headerCutBeforeTheProcedureGetsNoReply() {
        EmbeddedChannel ch = tcp(LOOPBACK);
        assertThat(exchange(ch, "00000009 00000000 00000002 000186a0 00000002")).isEmpty();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void authSysCredentialIsParsed() {
        // AUTH_SYS: stamp 5, machine "box", uid 1000, gid 100, gids [100, 27]
        String cred = "00000001 00000020 00000005 00000003 626f7800 000003e8 00000064 00000002 00000064 0000001b";
        String call = "00000009 00000000 00000002 20000001 00000001 00000001 " + cred + " 00000000 00000000";
        assertThat(exchange(tcp(LOOPBACK), call)).endsWith("00000000");
        RpcCall.Credential c = seen.get().credential();
        assertThat(c.flavor()).isEqualTo(Rpc.AUTH_SYS);
        assertThat(c.machine()).isEqualTo("box");
        assertThat(c.uid()).isEqualTo(1000);
        assertThat(c.gid()).isEqualTo(100);
        assertThat(c.gids()).containsExactly(100, 27);
    }

    @Test
    void replyMessageOrTruncatedHeaderClosesTheConnection() {
        EmbeddedChannel reply = tcp(LOOPBACK);
        assertThat(exchange(reply, "00000009 00000001 00000000")).isEmpty();
        assertThat(reply.isOpen()).isFalse();
        EmbeddedChannel shortOne = tcp(LOOPBACK);
        assertThat(exchange(shortOne, "0000")).isEmpty();
        assertThat(shortOne.isOpen()).isFalse();
    }

    @Test
    void setThenGetportThenDumpAsRfc1833() {
        EmbeddedChannel ch = tcp(LOOPBACK);
        // PMAPPROC_SET(300000, 1, IPPROTO_UDP, 4242) -> TRUE
        assertThat(exchange(ch, call(1, 100000, 2, 1) + " 000493e0 00000001 00000011 00001092"))
                .isEqualTo(("8000001c 00000001 " + ACCEPTED + " 00000000 00000001").replace(" ", ""));
        // PMAPPROC_GETPORT(300000, 1, udp) -> 4242
        assertThat(exchange(ch, call(2, 100000, 2, 3) + " 000493e0 00000001 00000011 00000000"))
                .isEqualTo(("8000001c 00000002 " + ACCEPTED + " 00000000 00001092").replace(" ", ""));
        // on tcp it is not registered -> 0
        assertThat(exchange(ch, call(3, 100000, 2, 3) + " 000493e0 00000001 00000006 00000000"))
                .endsWith("00000000" + "00000000");
        // PMAPPROC_DUMP -> one entry, then the end of the list
        assertThat(exchange(ch, call(4, 100000, 2, 4)))
                .isEqualTo(("80000030 00000004 " + ACCEPTED + " 00000000"
                        + " 00000001 000493e0 00000001 00000011 00001092 00000000").replace(" ", ""));
        assertThat(registry.all()).containsExactly(new RpcbMapping(300000, 1, "udp", "0.0.0.0.16.146", "unknown"));
    }

    @Test
    void getaddrMergesTheWildcardWithTheAddressTheCallerUsed() {
        registry.set(new RpcbMapping(300000, 3, "tcp", "0.0.0.0.4.1", "superuser"));
        // RPCBPROC_GETADDR v4 (300000, 3, "tcp", "", "") over tcp from 127.0.0.1 -> "127.0.0.1.4.1"
        String reply = exchange(tcp(LOOPBACK), call(5, 100000, 4, 3)
                + " 000493e0 00000003 00000003 74637000 00000000 00000000");
        assertThat(reply).isEqualTo(("8000002c 00000005 " + ACCEPTED + " 00000000"
                + " 0000000d 3132372e302e302e312e342e31000000").replace(" ", ""));
    }

    @Test
    void gettimeIsSecondsSince1970() {
        assertThat(exchange(tcp(LOOPBACK), call(5, 100000, 3, 6)))
                .isEqualTo(("8000001c 00000005 " + ACCEPTED + " 00000000 6553f100").replace(" ", ""));
    }

    @Test
    void uaddrAndTaddrConvertBothWays() {
        byte[] taddr = RpcbProcedures.sockaddr(Uaddr.parse("127.0.0.1.0.111"));
        assertThat(taddr).hasSize(16).startsWith(2, 0, 0, 111, 127, 0, 0, 1);
        assertThat(RpcbProcedures.uaddrOf(taddr)).isEqualTo("127.0.0.1.0.111");
        assertThat(RpcbProcedures.uaddrOf(RpcbProcedures.sockaddr(Uaddr.parse("::1.8.1")))).isEqualTo("::1.8.1");
        assertThat(Uaddr.parse("1.2.3.4.256.1")).isNull();
        assertThat(Uaddr.parse("nonsense")).isNull();
        assertThat(Uaddr.port("0.0.0.0.16.146")).isEqualTo(4242);
        assertThat(Uaddr.port("::.0.111")).isEqualTo(111);
        assertThat(Uaddr.port("/run/rpcbind.sock")).isEqualTo(-1);
        assertThat(Uaddr.port("1.2.3.4.1.300")).isEqualTo(-1);
    }

    @Test
    void setFromAnotherHostIsAuthTooWeak() {
        EmbeddedChannel ch = tcp(new InetSocketAddress("192.0.2.7", 700));
        assertThat(exchange(ch, call(1, 100000, 2, 1) + " 000493e0 00000001 00000011 00001092"))
                .isEqualTo("80000014" + "00000001000000010000000100000001" + "00000005");
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void unsetOfAnotherOwnersRegistrationIsRefused() {
        registry.set(new RpcbMapping(300000, 1, "udp", "0.0.0.0.16.146", "1000"));
        String unsetUdp = call(1, 100000, 3, 2) + " 000493e0 00000001 00000003 75647000 00000000 00000000";
        // RPCBPROC_UNSET(300000, 1, "udp") from loopback, unprivileged port: owner "unknown" -> FALSE, entry stays
        assertThat(exchange(tcp(LOOPBACK), unsetUdp)).endsWith("00000000" + "00000000");
        assertThat(registry.all()).hasSize(1);
        // PMAPPROC_UNSET answers TRUE all the same, as rpcbind does: nothing matched on tcp, which counts as done
        assertThat(exchange(tcp(LOOPBACK), call(1, 100000, 2, 2) + " 000493e0 00000001 00000011 00000000"))
                .endsWith("00000000" + "00000001");
        assertThat(registry.all()).hasSize(1);
        // from loopback on a reserved port: the superuser, as rpcbind's is_localroot -> TRUE, removed
        assertThat(exchange(tcp(new InetSocketAddress("127.0.0.1", 800)), unsetUdp)).endsWith("00000000" + "00000001");
        assertThat(registry.all()).isEmpty();
    }
}
