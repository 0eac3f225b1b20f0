package dev.portd.service.rpc;

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
 * } = 1; } = 0x20504F44;
 * </pre>
 */
public final class NamesProgram implements RpcProgram {
    public static final int NUMBER = 0x2050_4F44;
    public static final int VERSION = 1;
    public static final int LOOKUP = 1;
    public static final int LIST = 2;
    public static final int MAX_NAME = 255;

    /** One served listener: a service's name and kind, its transport and the address it is bound to. */
    public record Entry(String name, String kind, boolean stream, InetSocketAddress address) {
    }

    private volatile List<Entry> entries = List.of();

    /** Sets what LOOKUP and LIST answer; called once the host has bound its listeners. */
    void entries(List<Entry> served) {
        entries = List.copyOf(served);
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
        return VERSION;
    }

    @Override
    public RpcProcedure procedure(int version, int procedure) {
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
