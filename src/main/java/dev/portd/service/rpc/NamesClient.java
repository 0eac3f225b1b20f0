package dev.portd.service.rpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Asks a portd host for its services by name, through {@link NamesProgram} on its portmapper port. */
public final class NamesClient {
    /** Names at most in one answer: a host serves tens, not thousands. */
    static final int MAX_ENTRIES = 65_536;

    private NamesClient() {
    }

    /** One service listener as the host reported it. */
    public record Name(String name, String kind, String netid, String uaddr) {
        /** The host part of the universal address, e.g. {@code 127.0.0.1}. */
        public String host() {
            InetSocketAddress a = Uaddr.parse(uaddr);
            return a == null ? uaddr : io.netty.util.NetUtil.toAddressString(a.getAddress());
        }

        public int port() {
            return Uaddr.port(uaddr);
        }
    }

    /**
     * One entry of a cluster answer (names program version 2): {@code host} is the host's name in the
     * cluster ("" for the asked host itself without discovery); {@code program} is 0 for a listener.
     */
    public record ClusterName(String hostName, String name, String kind, String netid, String uaddr,
                              long program, long version) {
        public Name asName() {
            return new Name(name, kind, netid, uaddr);
        }
    }

    /**
     * A version 2 answer: {@code state} is {@link NamesProgram#LOCAL}, {@link NamesProgram#CLUSTER}
     * or {@link NamesProgram#CLUSTER_STALE}; {@code session} the host's ZooKeeper session.
     */
    public record ClusterAnswer(int state, String session, List<ClusterName> names) {
    }

    /** The host answers, but does not serve the names program: it is a portmapper, not a portd. */
    public static final class NotPortdException extends IOException {
        public NotPortdException(String message) {
            super(message);
        }
    }

    /** The services named {@code name} (else of that kind); empty when none. */
    public static List<Name> lookup(InetSocketAddress server, String name, Duration timeout) throws IOException {
        return call(server, NamesProgram.LOOKUP, name, timeout);
    }

    /** Every service of the host. */
    public static List<Name> list(InetSocketAddress server, Duration timeout) throws IOException {
        return call(server, NamesProgram.LIST, null, timeout);
    }

    /**
     * Version 2: from the host's cache of the whole cluster when it runs discovery; {@code name} null
     * lists all. Null when the host serves version 1 only.
     */
    public static ClusterAnswer cluster(InetSocketAddress server, String name, Duration timeout) throws IOException {
        try (RpcClient client = RpcClient.tcp(server, timeout)) {
            return cluster(client, name);
        }
    }

    /** The same over a connection the caller keeps open (a watch, a benchmark). */
    public static ClusterAnswer cluster(RpcClient client, String name) throws IOException {
        RpcClient.Reply reply = client.call(NamesProgram.NUMBER, NamesProgram.CLUSTER_VERSION,
                name == null ? NamesProgram.LIST : NamesProgram.LOOKUP, args -> {
                    if (name != null) {
                        Xdr.writeString(args, name);
                    }
                });
        if (reply.acceptStat() == Rpc.PROG_UNAVAIL) {
            throw new NotPortdException("it answers ONC RPC but does not serve portd's names program "
                    + NamesProgram.NUMBER + " (a plain rpcbind?)");
        }
        if (reply.acceptStat() == Rpc.PROG_MISMATCH) {
            return null;   // a portd from before discovery: version 1 only
        }
        if (!reply.success()) {
            throw new RpcClient.RpcClientException("the names program version 2 answered accept_stat "
                    + reply.acceptStat() + " (a portd older than discovery?)");
        }
        XdrReader r = reply.results();
        try {
            int state = r.readInt();
            String session = r.readString(32);
            int count = r.readInt();
            if (count < 0 || count > MAX_ENTRIES) {
                throw new XdrException(count + " entries");
            }
            List<ClusterName> names = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                names.add(new ClusterName(r.readString(NamesProgram.MAX_NAME), r.readString(NamesProgram.MAX_NAME),
                        r.readString(64), r.readString(8), r.readString(128), r.readHyper(), r.readHyper()));
            }
            return new ClusterAnswer(state, session, names);
        } catch (XdrException e) {
            throw new RpcClient.RpcClientException("malformed names reply: " + e.getMessage());
        }
    }

    private static List<Name> call(InetSocketAddress server, int procedure, String name, Duration timeout)
            throws IOException {
        try (RpcClient client = RpcClient.tcp(server, timeout)) {
            RpcClient.Reply reply = client.call(NamesProgram.NUMBER, NamesProgram.VERSION, procedure, args -> {
                if (name != null) {
                    Xdr.writeString(args, name);
                }
            });
            if (reply.acceptStat() == Rpc.PROG_UNAVAIL) {
                throw new NotPortdException("it answers ONC RPC but does not serve portd's names program "
                        + NamesProgram.NUMBER + " (a plain rpcbind?)");
            }
            if (!reply.success()) {
                throw new RpcClient.RpcClientException("the names program answered accept_stat " + reply.acceptStat());
            }
            XdrReader r = reply.results();
            try {
                int count = r.readInt();
                if (count < 0 || count > MAX_ENTRIES) {
                    throw new XdrException(count + " entries");
                }
                List<Name> names = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    names.add(new Name(r.readString(NamesProgram.MAX_NAME), r.readString(64), r.readString(8),
                            r.readString(128)));
                }
                return names;
            } catch (XdrException e) {
                throw new RpcClient.RpcClientException("malformed names reply: " + e.getMessage());
            }
        }
    }
}
