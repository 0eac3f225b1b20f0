package dev.portd.service.rpc;

/**
 * One registration (RFC 1833 {@code rpcb}): program and version served on a transport at a
 * universal address, and who registered it ({@code superuser}, a uid, or {@code unknown}).
 */
public record RpcbMapping(int program, int version, String netid, String uaddr, String owner) {

    /** The IP protocol number portmapper version 2 uses for this netid: 6 for tcp, 17 for udp, else 0. */
    public int ipProtocol() {
        return switch (netid) {
            case "tcp" -> PmapProcedures.IPPROTO_TCP;
            case "udp" -> PmapProcedures.IPPROTO_UDP;
            default -> 0;
        };
    }

    /** The address family of the netid as rpcbind's netconfig names it: inet, inet6 or local. */
    public String family() {
        return switch (netid) {
            case "tcp", "udp" -> "inet";
            case "tcp6", "udp6" -> "inet6";
            default -> "local";
        };
    }
}
