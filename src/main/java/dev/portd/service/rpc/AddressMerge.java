package dev.portd.service.rpc;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What rpcbind's {@code mergeaddr} does for GETADDR: a service registered on the wildcard address
 * ({@code 0.0.0.0.x.y}, {@code ::.x.y}) is reported at the address the client reached us on, so
 * the client gets an address it can use. Registrations at a specific address, and local-socket
 * paths, are returned as they are.
 */
final class AddressMerge {
    private AddressMerge() {
    }

    static String merge(String uaddr, RpcCaller caller) {
        InetSocketAddress registered = Uaddr.parse(uaddr);
        if (registered == null || !registered.getAddress().isAnyLocalAddress() || caller.remote() == null) {
            return uaddr;
        }
        InetAddress reached = serverAddress(caller);
        return reached == null ? uaddr : Uaddr.of(reached, registered.getPort());
    }

    /**
     * The address the caller reached us on: a TCP connection knows it; a datagram on a wildcard
     * socket does not, so it is the address the kernel would send from to the caller (a
     * connected UDP socket picks it by the routing table without sending anything).
     */
    private static InetAddress serverAddress(RpcCaller caller) {
        InetAddress remote = RpcCaller.unmapped(caller.remote().getAddress());
        if (caller.local() != null && !caller.local().getAddress().isAnyLocalAddress()) {
            return RpcCaller.unmapped(caller.local().getAddress());
        }
        if (remote.isLoopbackAddress()) {
            return remote instanceof Inet4Address ? InetAddress.getLoopbackAddress() : remote;
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(remote, 9));
            InetAddress a = probe.getLocalAddress();
            return a == null || a.isAnyLocalAddress() ? null : a;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
