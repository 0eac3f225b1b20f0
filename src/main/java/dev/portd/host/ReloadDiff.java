package dev.portd.host;

import dev.portd.config.PlannedListener;
import dev.portd.ports.Protocol;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running listeners against a new plan: which sockets stay, which new ones to bind, which to close.
 * A listener is the same when its service name, protocol, address and port (as planned, 0 included)
 * are; a socket left over on the same protocol, address and fixed port as a new listener is given to
 * it too (a renamed service), since binding it again would collide with ourselves.
 *
 * @param kept    sockets that stay, each with the planned listener it now serves
 * @param added   planned listeners to bind
 * @param removed sockets to close
 */
record ReloadDiff(List<Kept> kept, List<PlannedListener> added, List<Host.Bound> removed) {

    record Kept(Host.Bound bound, PlannedListener next) {
    }

    private record Key(String service, Protocol protocol, InetSocketAddress address) {
        static Key of(PlannedListener p) {
            return new Key(p.name(), p.protocol(), p.address());
        }
    }

    static ReloadDiff of(List<Host.Bound> running, List<PlannedListener> plan) {
        Map<Key, Host.Bound> left = new LinkedHashMap<>();
        for (Host.Bound b : running) {
            left.put(Key.of(b.planned), b);
        }
        List<Kept> kept = new ArrayList<>();
        List<PlannedListener> unmatched = new ArrayList<>();
        for (PlannedListener p : plan) {
            Host.Bound same = left.remove(Key.of(p));
            if (same != null) {
                kept.add(new Kept(same, p));
            } else {
                unmatched.add(p);
            }
        }
        List<PlannedListener> added = new ArrayList<>();
        for (PlannedListener p : unmatched) {
            Host.Bound socket = p.port() == 0 ? null : left.values().stream()
                    .filter(b -> b.planned.protocol() == p.protocol() && b.planned.address().equals(p.address()))
                    .findFirst().orElse(null);
            if (socket != null) {
                left.remove(Key.of(socket.planned));
                kept.add(new Kept(socket, p));
            } else {
                added.add(p);
            }
        }
        return new ReloadDiff(kept, added, List.copyOf(left.values()));
    }
}
