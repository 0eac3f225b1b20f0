package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A small blocking ONC RPC client over TCP (RFC 5531 with record marking), AUTH_NONE: what
 * {@code portd lookup} and the tests use to call a portmapper.
 */
public final class RpcClient implements AutoCloseable {
    /** Replies larger than this are not from a portmapper we want to hear. */
    static final int MAX_REPLY_BYTES = 4 << 20;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RpcClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code server}; {@code timeout} bounds the connect and every reply. */
    public static RpcClient tcp(InetSocketAddress server, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.setTcpNoDelay(true);
            return new RpcClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A reply: its accept_stat, the version range of a PROG_MISMATCH, and the results of a SUCCESS. */
    public record Reply(int acceptStat, int low, int high, XdrReader results) {
        public boolean success() {
            return acceptStat == Rpc.SUCCESS;
        }
    }

    /** A reply that says the call was denied (MSG_DENIED), or bytes that are not an RPC reply. */
    public static final class RpcClientException extends IOException {
        public RpcClientException(String message) {
            super(message);
        }
    }

    /** Calls one procedure; {@code args} writes the XDR arguments. */
    public Reply call(int program, int version, int procedure, Consumer<ByteBuf> args) throws IOException {
        int xid = ThreadLocalRandom.current().nextInt();
        ByteBuf call = Unpooled.buffer();
        call.writeInt(0);   // record mark, set below
        call.writeInt(xid).writeInt(Rpc.CALL).writeInt(Rpc.VERSION);
        call.writeInt(program).writeInt(version).writeInt(procedure);
        call.writeInt(Rpc.AUTH_NONE).writeInt(0).writeInt(Rpc.AUTH_NONE).writeInt(0);
        args.accept(call);
        call.setInt(0, 0x8000_0000 | (call.readableBytes() - 4));
        out.write(call.array(), call.arrayOffset(), call.readableBytes());
        out.flush();
        ByteBuf reply = Unpooled.wrappedBuffer(readRecord());
        XdrReader r = new XdrReader(reply);
        try {
            if (r.readInt() != xid || r.readInt() != Rpc.REPLY) {
                throw new RpcClientException("the answer is not a reply to our call");
            }
            if (r.readInt() == Rpc.MSG_DENIED) {
                int stat = r.readInt();
                throw new RpcClientException(stat == Rpc.RPC_MISMATCH ? "RPC version mismatch"
                        : "authentication error " + r.readInt());
            }
            r.readInt();
            r.skipOpaque(Rpc.MAX_AUTH_BYTES);
            int accept = r.readInt();
            if (accept == Rpc.PROG_MISMATCH) {
                return new Reply(accept, r.readInt(), r.readInt(), r);
            }
            return new Reply(accept, 0, 0, r);
        } catch (XdrException e) {
            throw new RpcClientException("malformed reply: " + e.getMessage());
        }
    }

    private byte[] readRecord() throws IOException {
        byte[] record = new byte[0];
        boolean last = false;
        while (!last) {
            int header = in.readInt();
            last = header < 0;
            int length = header & 0x7FFF_FFFF;
            if (record.length + (long) length > MAX_REPLY_BYTES) {
                throw new RpcClientException("reply of over " + MAX_REPLY_BYTES + " bytes");
            }
            byte[] grown = java.util.Arrays.copyOf(record, record.length + length);
            in.readFully(grown, record.length, length);
            record = grown;
        }
        return record;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
