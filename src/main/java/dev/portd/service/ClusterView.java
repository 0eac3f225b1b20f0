package dev.portd.service;

import java.util.List;

/**
 * What the hosts of a cluster publish, as this host's discovery cache holds it: every listener and
 * every RPC program of every host whose ZooKeeper session is alive. Offered to services through
 * {@link ClusterAware}, so the names program and the dashboard can answer for the whole cluster
 * without knowing ZooKeeper.
 */
public interface ClusterView {

    /**
     * One published entry: a listener ({@code kind} is its service kind) or an RPC program
     * ({@code kind} is {@code rpc}, {@code program} and {@code version} set, {@code name} from
     * /etc/rpc or the number).
     */
    record Entry(String host, String name, String kind, String protocol, String address, int port,
                 long program, long version, String owner) {
        public boolean isRpc() {
            return program != 0;
        }
    }

    /** This host's name in the cluster. */
    String hostName();

    /** The ZooKeeper connect string, for messages. */
    String ensemble();

    /**
     * This host's session: {@code waiting} (never connected yet), {@code connected},
     * {@code suspended} (connection lost, session may still live) or {@code lost} (session expired).
     */
    String session();

    /** True when answers come from a cache that ZooKeeper may no longer confirm. */
    default boolean stale() {
        return !session().equals("connected");
    }

    /** Every entry of every live host, sorted by host, then name. */
    List<Entry> entries();

    /** Calls {@code listener} (on a discovery thread) after the cluster changes. */
    void onChange(Runnable listener);
}
