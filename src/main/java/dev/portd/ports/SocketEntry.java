package dev.portd.ports;

import dev.portd.ports.Protocol;
import java.net.InetSocketAddress;

/**
 * One socket of this machine as the kernel lists it in {@code /proc/net/{tcp,tcp6,udp,udp6}}.
 *
 * @param protocol TCP or UDP
 * @param local    its local address and port
 * @param remote   its peer, or the wildcard address with port 0 when it has none
 * @param state    the TCP state ({@code LISTEN}, {@code ESTABLISHED}, ...); UDP sockets show
 *                 {@code UNCONN} or {@code ESTABLISHED} (connected)
 * @param uid      the owner's user id, visible to every user
 * @param inode    the socket's inode, which links it to the processes holding it
 */
public record SocketEntry(Protocol protocol, InetSocketAddress local, InetSocketAddress remote,
                          String state, int uid, long inode) {

    /** Whether it waits for peers: a listening TCP socket, or a UDP socket not connected to one. */
    public boolean listening() {
        return state.equals("LISTEN") || (protocol == Protocol.UDP && state.equals("UNCONN"));
    }
}
