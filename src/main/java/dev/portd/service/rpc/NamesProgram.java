package dev.portd.service.rpc;

import dev.portd.service.ClusterView;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * portd's own RPC program, served on the portmapper's port so that a client needs to know one
 * well-known port only: which services this host serves, by name. Program {@link #NUMBER}
 * (0x20504F44, "POD" after the 0x20 of the user-defined range of RFC 5531 section 8.2), version 1:
 * <pre>
 * struct portd_name {
 *     string name&lt;255&gt;;    // the configured service name, e.g. "echo"
 *     string kind&lt;64&gt;;     // its kind, e.g. "echo"
 *     string netid&lt;8&gt;;     // "tcp" or "udp"; "tcp6"/"udp6" to a caller over IPv6
 *     string uaddr&lt;128&gt;;   // universal address, wildcard merged with the address the caller used
 * };
 * typedef portd_name portd_names&lt;&gt;;
 * program PORTD_NAMES { version V1 {
 *     void        NULL(void)          = 0;
 *     portd_names LOOKUP(string&lt;255&gt;) = 1;   // by name, else by kind; empty: nothing by that name
 *     portd_names LIST(void)          = 2;   // every service
 * } = 1;
 * version V2 {                          // the whole cluster when [discovery] is on
 *     portd_answer LOOKUP(string&lt;255&gt;) = 1;   // by name, kind or RPC program number
 *     portd_answer LIST(void)          = 2;
 * } = 2; } = 0x20504F44;
 *
 * struct portd_entry {
 *     string host&lt;255&gt;;    // the host's name in the cluster; "" for this host without discovery
 *     string name&lt;255&gt;;    // service name, or the RPC program's name from /etc/rpc
 *     string kind&lt;64&gt;;     // service kind, or "rpc"
 *     string netid&lt;8&gt;;
 *     string uaddr&lt;128&gt;;
 *     unsigned hyper program;  // 0 for a service listener
 *     unsigned hyper version;
 * };
 * struct portd_answer {
 *     int state;               // 0 this host only, 1 cluster, 2 cluster from a cache that may be stale
 *     string session&lt;32&gt;;  // this host's ZooKeeper session: connected, suspended, lost, waiting
 *     portd_entry entries&lt;&gt;;
 * };
 * </pre>
 */
public final class NamesProgram implements RpcProgram {
    public static final int NUMBER = 0x2050_4F44;
    public static final int VERSION = 1;
    public static final int LOOKUP = 1;
    public static final int LIST = 2;
    public static final int CLUSTER_VERSION = 2;
    public static final int MAX_NAME = 255;
    public static final int LOCAL = 0;
    public static final int CLUSTER = 1;
    public static final int CLUSTER_STALE = 2;

    /** One served listener: a service's name and kind, its transport and the address it is bound to. */
    public record Entry(String name, String kind, boolean stream, InetSocketAddress address) {
    }

    private volatile List<Entry> entries = List.of();
    private volatile ClusterView cluster;

    /** Sets what LOOKUP and LIST answer; called once the host has bound its listeners. */
    void entries(List<Entry> served) {
        entries = List.copyOf(served);
    }

    /** From now on version 2 answers from the cluster's cache. */
    void cluster(ClusterView view) {
        cluster = view;
    }

    @Override
    public int number() {
        return NUMBER;
    }

    @Override
    public int lowVersion() {
        return VERSION;
    }

    @Override
    public int highVersion() {
        return CLUSTER_VERSION;
    }

    @Override
    public RpcProcedure procedure(int version, int procedure) {
        if (version == CLUSTER_VERSION) {
            return switch (procedure) {
                case 0 -> RpcProcedure.NULL;
                case LOOKUP -> (call, caller, args, results) -> writeCluster(
                        args.readString(MAX_NAME).toLowerCase(Locale.ROOT), caller, results);
                case LIST -> (call, caller, args, results) -> writeCluster(null, caller, results);
                default -> null;
            };
        }
        return switch (procedure) {
            case 0 -> RpcProcedure.NULL;
            case LOOKUP -> this::lookup;
            case LIST -> (call, caller, args, results) -> write(entries, caller, results);
            default -> null;
        };
    }

    private void lookup(RpcCall call, RpcCaller caller, XdrReader args, ByteBuf results) {
        String wanted = args.readString(MAX_NAME).toLowerCase(Locale.ROOT);
        List<Entry> all = entries;
        List<Entry> byName = all.stream().filter(e -> e.name().equalsIgnoreCase(wanted)).toList();
        write(byName.isEmpty() ? all.stream().filter(e -> e.kind().equalsIgnoreCase(wanted)).toList() : byName,
                caller, results);
    }

    private void writeCluster(String wanted, RpcCaller caller, ByteBuf results) {
        ClusterView view = cluster;
        if (view == null) {
            List<Entry> all = entries;
            List<Entry> local = wanted == null ? all : all.stream().filter(e -> e.name().equalsIgnoreCase(wanted)).toList();
            if (local.isEmpty() && wanted != null) {
                local = all.stream().filter(e -> e.kind().equalsIgnoreCase(wanted)).toList();
            }
            results.writeInt(LOCAL);
            Xdr.writeString(results, "");
            results.writeInt(local.size());
            boolean v6 = caller.family().equals("inet6");
            for (Entry e : local) {
                writeEntry(results, "", e.name(), e.kind(), (e.stream() ? "tcp" : "udp") + (v6 ? "6" : ""),
                        AddressMerge.merge(Uaddr.of(e.address()), caller), 0, 0);
            }
            return;
        }
        List<ClusterView.Entry> all = view.entries();
        List<ClusterView.Entry> found = wanted == null ? all : matches(all, wanted);
        results.writeInt(view.stale() ? CLUSTER_STALE : CLUSTER);
        Xdr.writeString(results, view.session());
        results.writeInt(found.size());
        for (ClusterView.Entry e : found) {
            java.net.InetAddress a = io.netty.util.NetUtil.createInetAddressFromIpAddressString(e.address());
            String uaddr = a == null ? "" : Uaddr.of(a, e.port());
            writeEntry(results, e.host(), e.name(), e.kind(), e.protocol(), uaddr, e.program(), e.version());
        }
    }

    /** By name, else by kind, else by RPC program number. */
    public static List<ClusterView.Entry> matches(List<ClusterView.Entry> all, String wanted) {
        List<ClusterView.Entry> byName = all.stream().filter(e -> e.name().equalsIgnoreCase(wanted)).toList();
        if (!byName.isEmpty()) {
            return byName;
        }
        List<ClusterView.Entry> byKind = all.stream().filter(e -> e.kind().equalsIgnoreCase(wanted)).toList();
        if (!byKind.isEmpty()) {
            return byKind;
        }
        return all.stream().filter(e -> e.isRpc() && Long.toString(e.program()).equals(wanted)).toList();
    }

    private static void writeEntry(ByteBuf out, String host, String name, String kind, String netid, String uaddr,
                                   long program, long version) {
        Xdr.writeString(out, host);
        Xdr.writeString(out, name);
        Xdr.writeString(out, kind);
        Xdr.writeString(out, netid);
        Xdr.writeString(out, uaddr);
        out.writeLong(program);
        out.writeLong(version);
    }

    private static void write(List<Entry> list, RpcCaller caller, ByteBuf results) {
        results.writeInt(list.size());
        boolean v6 = caller.family().equals("inet6");
        for (Entry e : list) {
            Xdr.writeString(results, e.name());
            Xdr.writeString(results, e.kind());
            Xdr.writeString(results, (e.stream() ? "tcp" : "udp") + (v6 ? "6" : ""));
            Xdr.writeString(results, AddressMerge.merge(Uaddr.of(e.address()), caller));
        }
    }
}
