package dev.portd.service;

/**
 * A service that answers for the whole cluster when discovery runs: the composition root hands it
 * the cluster's view once the host has started (never, without a {@code [discovery]} table).
 */
public interface ClusterAware {

    /** Called once, after {@link Service#started()}, from a thread that is not an event loop. */
    void cluster(ClusterView view);
}
