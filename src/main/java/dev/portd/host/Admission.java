package dev.portd.host;

import dev.portd.config.Limits;
import java.net.InetAddress;

/**
 * Whether one listener of a service takes one more TCP connection: the service's access rules, then
 * its {@code max_connections} and {@code per_source} ({@link ConnectionGate}), then the listener's
 * share of the process's fds ({@link FdBudget}). A refusal is counted by reason and logged at most
 * once a second per source; an admitted connection gives its slots back with {@link #release} once
 * its socket is closed.
 */
final class Admission {
    private final String label;
    private final Limits limits;
    private final ServiceStats stats;
    private final ConnectionGate gate;
    private final FdBudget.Account fds;
    private final RefusalLog refusals;
    private final boolean rules;

    Admission(String label, Limits limits, ServiceStats stats, ConnectionGate gate, FdBudget.Account fds,
              RefusalLog refusals) {
        this.label = label;
        this.limits = limits;
        this.stats = stats;
        this.gate = gate;
        this.fds = fds;
        this.refusals = refusals;
        this.rules = !limits.allow().isEmpty() || !limits.deny().isEmpty();
    }

    /** The listener's label for log lines, e.g. {@code tcp/13 daytime}. */
    String label() {
        return label;
    }

    /** Whether the service has allow or deny rules to check. */
    boolean hasRules() {
        return rules;
    }

    /** Whether the access rules let {@code peer} in; if not, the refusal is counted and logged. */
    boolean permits(InetAddress peer) {
        if (limits.permits(peer)) {
            return true;
        }
        refuse(peer, "denied", "denied by allow/deny rules");
        return false;
    }

    /**
     * Takes a slot of the service's limits and an fd of the budget for a connection from
     * {@code peer}; false when a limit is reached, the refusal counted and logged.
     */
    boolean acquire(InetAddress peer) {
        String limit = gate.tryAcquire(peer);
        if (limit == null && !fds.tryAcquire()) {
            gate.release(peer);
            limit = "fd budget";
        }
        if (limit == null) {
            return true;
        }
        refuse(peer, limit, limit + " reached");
        return false;
    }

    /** Gives back what {@link #acquire} took, once the connection's socket is closed. */
    void release(InetAddress peer) {
        gate.release(peer);
        fds.release();
    }

    private void refuse(InetAddress peer, String reason, String message) {
        stats.refused(reason);
        refusals.refused(label, peer, message);
    }
}
