package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters RPCBPROC_GETSTAT reports (RFC 1833 {@code rpcb_stat_byvers}, as rpcbind keeps them
 * in rpcb_stat.c): per portmapper version 2, 3 and 4, calls per procedure, successful SETs and
 * UNSETs, and per (program, version, netid) the lookups that found an address or did not.
 */
public final class RpcbStats {
    /** RFC 1833: {@code RPCBSTAT_HIGHPROC = 13} counters per version. */
    static final int HIGHPROC = 13;
    /** Lookup keys kept per version; rpcbind keeps them without bound, which remote callers can grow. */
    static final int MAX_ADDR_KEYS = 256;
    /** The highest procedure of versions 2, 3 and 4 (rpcbind's rpcb_highproc_2/3/4). */
    private static final int[] HIGHEST = {5, 8, 12};

    private record Key(int program, int version, String netid) {
    }

    private record Tally(long order, AtomicInteger success, AtomicInteger failure) {
    }

    private final AtomicIntegerArray[] info = new AtomicIntegerArray[3];
    private final AtomicIntegerArray setUnset = new AtomicIntegerArray(6);
    @SuppressWarnings("unchecked")
    private final Map<Key, Tally>[] lookups = new Map[3];
    private final AtomicLong order = new AtomicLong();

    public RpcbStats() {
        for (int i = 0; i < 3; i++) {
            info[i] = new AtomicIntegerArray(HIGHPROC);
            lookups[i] = new ConcurrentHashMap<>();
        }
    }

    /** Counts a call of {@code procedure} in portmapper {@code version} (2..4). */
    public void call(int version, int procedure) {
        int v = version - 2;
        if (v >= 0 && v < 3 && procedure >= 0 && procedure <= HIGHEST[v]) {
            info[v].incrementAndGet(procedure);
        }
    }

    public void set(int version, boolean success) {
        if (success) {
            setUnset.incrementAndGet((version - 2) * 2);
        }
    }

    public void unset(int version, boolean success) {
        if (success) {
            setUnset.incrementAndGet((version - 2) * 2 + 1);
        }
    }

    /** Counts a GETPORT or GETADDR: found when the answer was a non-empty address. */
    public void lookup(int version, int program, int programVersion, String netid, boolean found) {
        Map<Key, Tally> map = lookups[version - 2];
        Key key = new Key(program, programVersion, netid);
        Tally t = map.get(key);
        if (t == null) {
            if (map.size() >= MAX_ADDR_KEYS) {
                return;
            }
            t = map.computeIfAbsent(key, k -> new Tally(order.incrementAndGet(), new AtomicInteger(), new AtomicInteger()));
        }
        (found ? t.success() : t.failure()).incrementAndGet();
    }

    /**
     * Writes {@code rpcb_stat_byvers}: for each version, 13 procedure counters, the SET and UNSET
     * successes, the lookup list (newest key first, as rpcbind prepends) and an empty list of
     * remote calls (portd makes none).
     */
    void write(ByteBuf out) {
        for (int v = 0; v < 3; v++) {
            for (int p = 0; p < HIGHPROC; p++) {
                out.writeInt(info[v].get(p));
            }
            out.writeInt(setUnset.get(v * 2));
            out.writeInt(setUnset.get(v * 2 + 1));
            List<Map.Entry<Key, Tally>> entries = new ArrayList<>(lookups[v].entrySet());
            entries.sort(Comparator.comparingLong((Map.Entry<Key, Tally> e) -> e.getValue().order()).reversed());
            for (Map.Entry<Key, Tally> e : entries) {
                Xdr.writeBool(out, true);
                out.writeInt(e.getKey().program());
                out.writeInt(e.getKey().version());
                out.writeInt(e.getValue().success().get());
                out.writeInt(e.getValue().failure().get());
                Xdr.writeString(out, e.getKey().netid());
            }
            Xdr.writeBool(out, false);
            Xdr.writeBool(out, false);
        }
    }
}
