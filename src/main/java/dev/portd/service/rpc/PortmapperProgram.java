package dev.portd.service.rpc;

import java.time.Clock;

/**
 * Program 100000, the portmapper (version 2) and rpcbind (versions 3 and 4) of RFC 1833: the table
 * from version and procedure number to procedure, read like the RFC's program definitions. Every
 * call is counted for GETSTAT first, as rpcbind counts it.
 *
 * <p>CALLIT (2, 3), BCAST and INDIRECT (4) are not served: they answer PROC_UNAVAIL. rpcbind has
 * compiled them out by default since 2018 ({@code --enable-rmtcalls}): a forwarded call over UDP
 * hides the attacker and amplifies, and nothing current needs it.
 */
public final class PortmapperProgram implements RpcProgram {
    public static final int NUMBER = 100000;
    static final int LOW = 2;
    static final int HIGH = 4;

    private final RpcProcedure[][] table = new RpcProcedure[HIGH + 1][];

    PortmapperProgram(RpcbRegistry registry, RpcbStats stats, Clock clock, boolean insecure) {
        PmapProcedures v2 = new PmapProcedures(registry, stats, insecure);
        RpcbProcedures rpcb = new RpcbProcedures(registry, stats, clock, insecure);
        table[2] = new RpcProcedure[] {
                RpcProcedure.NULL,                                                    // 0 NULL
                v2::set,                                                              // 1 SET
                v2::unset,                                                            // 2 UNSET
                v2::getport,                                                          // 3 GETPORT
                v2::dump,                                                             // 4 DUMP
                null,                                                                 // 5 CALLIT: off
        };
        for (int v = 3; v <= 4; v++) {
            int version = v;
            table[v] = new RpcProcedure[] {
                    RpcProcedure.NULL,                                                // 0 NULL
                    (c, caller, a, r) -> rpcb.set(version, caller, a, r),             // 1 SET
                    (c, caller, a, r) -> rpcb.unset(version, caller, a, r),           // 2 UNSET
                    (c, caller, a, r) -> rpcb.getaddr(version, true, caller, a, r),   // 3 GETADDR
                    (c, caller, a, r) -> rpcb.dump(a, r),                             // 4 DUMP
                    null,                                                             // 5 CALLIT / BCAST: off
                    (c, caller, a, r) -> rpcb.gettime(a, r),                          // 6 GETTIME
                    (c, caller, a, r) -> rpcb.uaddr2taddr(a, r),                      // 7 UADDR2TADDR
                    (c, caller, a, r) -> rpcb.taddr2uaddr(a, r),                      // 8 TADDR2UADDR
            };
        }
        table[4] = java.util.Arrays.copyOf(table[4], 13);
        table[4][9] = (c, caller, a, r) -> rpcb.getaddr(4, false, caller, a, r);      // 9 GETVERSADDR
        table[4][10] = null;                                                          // 10 INDIRECT: off
        table[4][11] = (c, caller, a, r) -> rpcb.getaddrlist(caller, a, r);           // 11 GETADDRLIST
        table[4][12] = (c, caller, a, r) -> rpcb.getstat(a, r);                       // 12 GETSTAT
        for (int v = LOW; v <= HIGH; v++) {
            for (int p = 0; p < table[v].length; p++) {
                table[v][p] = counted(stats, v, p, table[v][p]);
            }
        }
    }

    private static RpcProcedure counted(RpcbStats stats, int version, int procedure, RpcProcedure inner) {
        if (inner == null) {
            return null;
        }
        return (call, caller, args, results) -> {
            stats.call(version, procedure);
            inner.call(call, caller, args, results);
        };
    }

    /**
     * Whether a call's reply can be many times its size: DUMP in every version, GETADDRLIST and
     * GETSTAT in version 4. Over UDP these are rate-limited for callers off this machine.
     */
    static boolean amplifies(RpcCall call) {
        return call.program() == NUMBER && (call.procedure() == PmapProcedures.DUMP
                || call.version() == 4 && (call.procedure() == RpcbProcedures.GETADDRLIST
                || call.procedure() == RpcbProcedures.GETSTAT));
    }

    @Override
    public int number() {
        return NUMBER;
    }

    @Override
    public int lowVersion() {
        return LOW;
    }

    @Override
    public int highVersion() {
        return HIGH;
    }

    @Override
    public RpcProcedure procedure(int version, int procedure) {
        RpcProcedure[] procs = table[version];
        return procedure >= 0 && procedure < procs.length ? procs[procedure] : null;
    }
}
