package dev.portd.service.rpc;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Who sent a call and over what: the transport's netid as rpcbind names it ({@code tcp},
 * {@code udp}, {@code tcp6}, {@code udp6}, {@code local}), the peer's address (none on the local
 * socket), the address it reached us on, and its uid where the kernel told us (SO_PEERCRED on the
 * local socket), else -1.
 */
public record RpcCaller(String netid, InetSocketAddress remote, InetSocketAddress local, int uid) {

    /** Reserved ports (below 1024) are bound only by root: rpcbind's {@code is_localroot}. */
    static final int IPPORT_RESERVED = 1024;

    /** A caller on the local socket. */
    public static RpcCaller local(int uid) {
        return new RpcCaller("local", null, null, uid);
    }

    /** A caller over IP; the netid follows the family of the address it reached us on. */
    public static RpcCaller inet(boolean stream, InetSocketAddress remote, InetSocketAddress local) {
        if (remote == null) {   // a connection already gone: treat it as remote, never as local
            remote = new InetSocketAddress("0.0.0.0", 0);
        }
        boolean v6 = !(unmapped(remote.getAddress()) instanceof Inet4Address);   // a dual-stack socket sees IPv4 peers mapped
        return new RpcCaller((stream ? "tcp" : "udp") + (v6 ? "6" : ""), remote, local, -1);
    }

    /**
     * A local caller may register and unregister (rpcbind's {@code check_access}): the local
     * socket, or a loopback address (IPv4, IPv6 or IPv4-mapped).
     */
    public boolean isLocal() {
        return remote == null || unmapped(remote.getAddress()).isLoopbackAddress();
    }

    /**
     * The owner recorded with a registration (rpcbind's {@code getowner}): {@code superuser} for
     * uid 0, or a loopback caller on a reserved port; the uid as text; else {@code unknown}.
     */
    public String owner() {
        if (uid == 0) {
            return "superuser";
        }
        if (uid > 0) {
            return Integer.toString(uid);
        }
        if (remote != null && isLocal() && remote.getPort() < IPPORT_RESERVED) {
            return "superuser";
        }
        return "unknown";
    }

    /** The transport family of this caller, to pick entries rpcbind would return: inet, inet6, local. */
    public String family() {
        return netid.equals("local") ? "local" : netid.endsWith("6") ? "inet6" : "inet";
    }

    /** An IPv4-mapped IPv6 address as the IPv4 address it stands for; others unchanged. */
    static InetAddress unmapped(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return a;
    }
}
