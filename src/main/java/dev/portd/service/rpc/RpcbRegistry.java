package dev.portd.service.rpc;

import java.util.ArrayList;
import java.util.List;

/**
 * The table of registrations, with rpcbind's rules (rpcb_svc_com.c {@code map_set},
 * {@code map_unset}, {@code find_service}): new entries go to the end; one entry per program,
 * version and netid; only the owner or the superuser removes an entry. Reads take an immutable
 * snapshot without a lock, so GETPORT and GETADDR never wait; changes are rare and serialised.
 */
public final class RpcbRegistry {
    /** Registrations at most: a local client looping on SET must not exhaust memory. */
    public static final int MAX_MAPPINGS = 4096;

    private volatile List<RpcbMapping> mappings = List.of();
    private final Runnable onChange;

    public RpcbRegistry(Runnable onChange) {
        this.onChange = onChange;
    }

    /** Every registration, in registration order. */
    public List<RpcbMapping> all() {
        return mappings;
    }

    /**
     * Adds a registration. True when added or already there with the same address; false when the
     * program, version and netid are registered at another address, or the table is full.
     */
    public boolean set(RpcbMapping m) {
        synchronized (this) {
            RpcbMapping found = find(m.program(), m.version(), m.netid());
            if (found != null && found.version() == m.version()) {
                return found.uaddr().equals(m.uaddr());
            }
            if (mappings.size() >= MAX_MAPPINGS) {
                return false;
            }
            List<RpcbMapping> next = new ArrayList<>(mappings);
            next.add(m);
            mappings = List.copyOf(next);
        }
        onChange.run();
        return true;
    }

    /**
     * Removes the program's version on {@code netid} (every netid when empty) on behalf of
     * {@code owner}. As rpcbind: true when nothing matched or all matches were removed; false,
     * removing nothing further, at the first match owned by someone else (unless the caller is the
     * superuser).
     */
    public boolean unset(int program, int version, String netid, String owner) {
        boolean changed = false;
        boolean allowed = true;
        synchronized (this) {
            List<RpcbMapping> next = new ArrayList<>();
            for (RpcbMapping m : mappings) {
                boolean match = allowed && m.program() == program && m.version() == version
                        && (netid.isEmpty() || netid.equalsIgnoreCase(m.netid()));
                if (match && !owner.equals("superuser") && !owner.equals(m.owner())) {
                    allowed = false;
                    match = false;
                }
                if (match) {
                    changed = true;
                } else {
                    next.add(m);
                }
            }
            if (changed) {
                mappings = List.copyOf(next);
            }
        }
        if (changed) {
            onChange.run();
        }
        return allowed;
    }

    /**
     * The entry for this program on this netid: the one of that version, else the last of another
     * version, so the caller then gets PROG_MISMATCH from the server itself (rpcbind's
     * {@code find_service}); null when the program is not registered on that netid.
     */
    public RpcbMapping find(int program, int version, String netid) {
        RpcbMapping hit = null;
        for (RpcbMapping m : mappings) {
            if (m.program() != program || !m.netid().equalsIgnoreCase(netid)) {
                continue;
            }
            hit = m;
            if (m.version() == version) {
                break;
            }
        }
        return hit;
    }

    /** Replaces the table with saved registrations (warm start), keeping the given ones first. */
    void restore(List<RpcbMapping> first, List<RpcbMapping> saved) {
        synchronized (this) {
            mappings = List.copyOf(first);
        }
        for (RpcbMapping m : saved) {
            set(m);
        }
    }
}
