package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;

/**
 * Portmapper version 2 (RFC 1833 section 3): SET, UNSET, GETPORT and DUMP over the registration
 * table, keyed by IP protocol number instead of netid. CALLIT is not served (see
 * {@link PortmapperProgram}).
 */
final class PmapProcedures {
    static final int VERSION = 2;
    static final int SET = 1;
    static final int UNSET = 2;
    static final int GETPORT = 3;
    static final int DUMP = 4;
    static final int CALLIT = 5;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;

    private final RpcbRegistry registry;
    private final RpcbStats stats;
    private final boolean insecure;

    PmapProcedures(RpcbRegistry registry, RpcbStats stats, boolean insecure) {
        this.registry = registry;
        this.stats = stats;
        this.insecure = insecure;
    }

    /** The netid of an IP protocol number; null for any other protocol. */
    static String netid(long protocol) {
        return protocol == IPPROTO_TCP ? "tcp" : protocol == IPPROTO_UDP ? "udp" : null;
    }

    /** SET(pmap) -> bool: registers prog/vers on tcp or udp at 0.0.0.0 and the given port. */
    void set(RpcCall call, RpcCaller caller, XdrReader args, ByteBuf results) {
        int program = args.readInt();
        int version = args.readInt();
        long protocol = args.readUnsignedInt();
        long port = args.readUnsignedInt();
        RpcbProcedures.checkLocal(caller, insecure);
        String netid = netid(protocol);
        boolean ok = netid != null && port <= 0xFFFF
                && registry.set(new RpcbMapping(program, version, netid, "0.0.0.0." + (port >> 8) + "." + (port & 0xFF),
                caller.owner()));
        stats.set(VERSION, ok);
        Xdr.writeBool(results, ok);
    }

    /** UNSET(pmap) -> bool: removes prog/vers from tcp and udp; protocol and port are ignored (RFC 1833). */
    void unset(RpcCall call, RpcCaller caller, XdrReader args, ByteBuf results) {
        int program = args.readInt();
        int version = args.readInt();
        args.readUnsignedInt();
        args.readUnsignedInt();
        RpcbProcedures.checkLocal(caller, insecure);
        boolean tcp = registry.unset(program, version, "tcp", caller.owner());
        boolean udp = registry.unset(program, version, "udp", caller.owner());
        stats.unset(VERSION, tcp || udp);
        Xdr.writeBool(results, tcp || udp);
    }

    /** GETPORT(pmap) -> port, 0 when not registered. */
    void getport(RpcCall call, RpcCaller caller, XdrReader args, ByteBuf results) {
        int program = args.readInt();
        int version = args.readInt();
        long protocol = args.readUnsignedInt();
        args.readUnsignedInt();
        String netid = netid(protocol);
        RpcbMapping found = netid == null ? null : registry.find(program, version, netid);
        int port = found == null ? 0 : Math.max(Uaddr.port(found.uaddr()), 0);
        stats.lookup(VERSION, program, version, netid == null ? "<unknown>" : netid, port != 0);
        results.writeInt(port);
    }

    /** DUMP -> pmaplist: every tcp and udp registration, as an XDR optional-data list. */
    void dump(RpcCall call, RpcCaller caller, XdrReader args, ByteBuf results) {
        for (RpcbMapping m : registry.all()) {
            int port = Uaddr.port(m.uaddr());
            if (m.ipProtocol() == 0 || port < 0) {
                continue;
            }
            Xdr.writeBool(results, true);
            results.writeInt(m.program());
            results.writeInt(m.version());
            results.writeInt(m.ipProtocol());
            results.writeInt(port);
        }
        Xdr.writeBool(results, false);
    }
}
