package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;

/**
 * rpcbind versions 3 and 4 (RFC 1833 section 2): registrations keyed by netid and universal
 * address. The version is passed to each procedure for the statistics, which are kept per version.
 */
final class RpcbProcedures {
    static final int SET = 1;
    static final int UNSET = 2;
    static final int GETADDR = 3;
    static final int DUMP = 4;
    static final int GETTIME = 6;
    static final int UADDR2TADDR = 7;
    static final int TADDR2UADDR = 8;
    static final int GETVERSADDR = 9;
    static final int GETADDRLIST = 11;
    static final int GETSTAT = 12;

    /** Bounds on the strings of an {@code rpcb}: netids are short words, uaddrs an IPv6 text or a socket path. */
    static final int MAX_NETID = 64;
    static final int MAX_UADDR = 256;
    static final int MAX_OWNER = 256;
    /** A {@code netbuf} holds a sockaddr: 110 bytes for the largest (sockaddr_un); 128 with room. */
    static final int MAX_TADDR = 128;
    /** netconfig semantics (RFC 1833 {@code rpcb_entry.r_nc_semantics}). */
    static final int NC_TPI_CLTS = 1;
    static final int NC_TPI_COTS_ORD = 3;
    /** Linux address family numbers, in a sockaddr's first two bytes in host (little-endian) order. */
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private final RpcbRegistry registry;
    private final RpcbStats stats;
    private final Clock clock;
    private final boolean insecure;

    RpcbProcedures(RpcbRegistry registry, RpcbStats stats, Clock clock, boolean insecure) {
        this.registry = registry;
        this.stats = stats;
        this.clock = clock;
        this.insecure = insecure;
    }

    /** SET and UNSET only from this machine, as rpcbind's {@code check_access}: AUTH_TOOWEAK otherwise. */
    static void checkLocal(RpcCaller caller, boolean insecure) {
        if (!insecure && !caller.isLocal()) {
            throw new RpcAuthException(Rpc.AUTH_TOOWEAK, "SET and UNSET are for local callers");
        }
    }

    private record Rpcb(int program, int version, String netid, String uaddr, String owner) {
        static Rpcb read(XdrReader in) {
            return new Rpcb(in.readInt(), in.readInt(), in.readString(MAX_NETID), in.readString(MAX_UADDR),
                    in.readString(MAX_OWNER));
        }
    }

    /** SET(rpcb) -> bool. The owner is the caller as the kernel sees it, not the one it claims. */
    void set(int version, RpcCaller caller, XdrReader args, ByteBuf results) {
        Rpcb r = Rpcb.read(args);
        checkLocal(caller, insecure);
        boolean ok = !r.netid().isEmpty() && !r.uaddr().isEmpty()
                && registry.set(new RpcbMapping(r.program(), r.version(), r.netid(), r.uaddr(), caller.owner()));
        stats.set(version, ok);
        Xdr.writeBool(results, ok);
    }

    /** UNSET(rpcb) -> bool; an empty netid removes the version from every netid. */
    void unset(int version, RpcCaller caller, XdrReader args, ByteBuf results) {
        Rpcb r = Rpcb.read(args);
        checkLocal(caller, insecure);
        boolean ok = registry.unset(r.program(), r.version(), r.netid(), caller.owner());
        stats.unset(version, ok);
        Xdr.writeBool(results, ok);
    }

    /**
     * GETADDR(rpcb) -> uaddr on the caller's own transport ("" when none). {@code anyVersion}:
     * another version's address will do (GETADDR), the client then learns the range from the
     * server's PROG_MISMATCH; GETVERSADDR wants the exact version.
     */
    void getaddr(int version, boolean anyVersion, RpcCaller caller, XdrReader args, ByteBuf results) {
        Rpcb r = Rpcb.read(args);
        RpcbMapping found = registry.find(r.program(), r.version(), caller.netid());
        String uaddr = found != null && (anyVersion || found.version() == r.version())
                ? AddressMerge.merge(found.uaddr(), caller) : "";
        stats.lookup(version, r.program(), r.version(), caller.netid(), !uaddr.isEmpty());
        Xdr.writeString(results, uaddr);
    }

    /** DUMP -> rpcblist: every registration, as an XDR optional-data list. */
    void dump(XdrReader args, ByteBuf results) {
        for (RpcbMapping m : registry.all()) {
            Xdr.writeBool(results, true);
            results.writeInt(m.program());
            results.writeInt(m.version());
            Xdr.writeString(results, m.netid());
            Xdr.writeString(results, m.uaddr());
            Xdr.writeString(results, m.owner());
        }
        Xdr.writeBool(results, false);
    }

    /** GETTIME -> seconds since 1970, 32 bits unsigned. */
    void gettime(XdrReader args, ByteBuf results) {
        results.writeInt((int) (clock.millis() / 1000));
    }

    /** UADDR2TADDR(string) -> netbuf: the sockaddr of a universal IP address; an empty netbuf if it is none. */
    void uaddr2taddr(XdrReader args, ByteBuf results) {
        InetSocketAddress a = Uaddr.parse(args.readString(MAX_UADDR));
        byte[] taddr = a == null ? new byte[0] : sockaddr(a);
        results.writeInt(taddr.length);
        Xdr.writeOpaque(results, taddr);
    }

    /** TADDR2UADDR(netbuf) -> string: the universal address of a sockaddr_in or sockaddr_in6; "" otherwise. */
    void taddr2uaddr(XdrReader args, ByteBuf results) {
        args.readUnsignedInt();   // maxlen: the buffer size of the caller, not part of the address
        byte[] taddr = args.readOpaque(MAX_TADDR);
        Xdr.writeString(results, uaddrOf(taddr));
    }

    /** GETADDRLIST(rpcb) -> rpcb_entry_list: the version's addresses on every netid of the caller's family. */
    void getaddrlist(RpcCaller caller, XdrReader args, ByteBuf results) {
        Rpcb r = Rpcb.read(args);
        boolean found = false;
        for (RpcbMapping m : registry.all()) {
            if (m.program() != r.program() || m.version() != r.version() || !m.family().equals(caller.family())) {
                continue;
            }
            boolean stream = m.netid().startsWith("tcp") || m.netid().equals("local");
            Xdr.writeBool(results, true);
            Xdr.writeString(results, AddressMerge.merge(m.uaddr(), caller));
            Xdr.writeString(results, m.netid());
            results.writeInt(stream ? NC_TPI_COTS_ORD : NC_TPI_CLTS);
            Xdr.writeString(results, m.family().equals("local") ? "loopback" : m.family());
            Xdr.writeString(results, m.family().equals("local") ? "-" : m.netid().replace("6", ""));
            found = true;
        }
        Xdr.writeBool(results, false);
        // counted as a lookup too, as rpcbind does ("better than it not getting counted at all")
        stats.lookup(4, r.program(), r.version(), caller.netid(), found);
    }

    /** GETSTAT -> rpcb_stat_byvers. */
    void getstat(XdrReader args, ByteBuf results) {
        stats.write(results);
    }

    static byte[] sockaddr(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        byte[] s = new byte[ip.length == 4 ? 16 : 28];
        s[0] = (byte) (ip.length == 4 ? AF_INET : AF_INET6);
        s[2] = (byte) (a.getPort() >> 8);
        s[3] = (byte) a.getPort();
        System.arraycopy(ip, 0, s, ip.length == 4 ? 4 : 8, ip.length);
        return s;
    }

    static String uaddrOf(byte[] s) {
        try {
            int family = s.length >= 2 ? (s[0] & 0xFF) | (s[1] & 0xFF) << 8 : -1;
            int port = s.length >= 4 ? (s[2] & 0xFF) << 8 | (s[3] & 0xFF) : 0;
            if (family == AF_INET && s.length >= 8) {
                return Uaddr.of(Inet4Address.getByAddress(java.util.Arrays.copyOfRange(s, 4, 8)), port);
            }
            if (family == AF_INET6 && s.length >= 24) {
                return Uaddr.of(InetAddress.getByAddress(java.util.Arrays.copyOfRange(s, 8, 24)), port);
            }
        } catch (UnknownHostException e) {
            // cannot happen for 4 or 16 bytes
        }
        return "";
    }
}
