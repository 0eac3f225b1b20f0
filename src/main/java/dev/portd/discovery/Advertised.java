package dev.portd.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * The address published for a listener bound to the wildcard: the first IPv4 address of an interface
 * that is up and not loopback (what another machine can reach), else loopback.
 */
final class Advertised {
    private Advertised() {
    }

    static InetAddress primary() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a;
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return InetAddress.getLoopbackAddress();
    }
}
