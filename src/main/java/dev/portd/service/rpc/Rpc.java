package dev.portd.service.rpc;

/** The numbers of ONC RPC version 2 (RFC 5531 section 9), named as the RFC names them. */
public final class Rpc {
    private Rpc() {
    }

    public static final int VERSION = 2;

    // msg_type
    public static final int CALL = 0;
    public static final int REPLY = 1;
    // reply_stat
    public static final int MSG_ACCEPTED = 0;
    public static final int MSG_DENIED = 1;
    // accept_stat
    public static final int SUCCESS = 0;
    public static final int PROG_UNAVAIL = 1;
    public static final int PROG_MISMATCH = 2;
    public static final int PROC_UNAVAIL = 3;
    public static final int GARBAGE_ARGS = 4;
    public static final int SYSTEM_ERR = 5;
    // reject_stat
    public static final int RPC_MISMATCH = 0;
    public static final int AUTH_ERROR = 1;
    // auth_stat
    public static final int AUTH_BADCRED = 1;
    public static final int AUTH_BADVERF = 3;
    public static final int AUTH_TOOWEAK = 5;
    // auth_flavor
    public static final int AUTH_NONE = 0;
    public static final int AUTH_SYS = 1;

    /** RFC 5531 8.2: "opaque body<400>" for credentials and verifiers. */
    public static final int MAX_AUTH_BYTES = 400;
    /** RFC 5531 appendix A: "string machinename<255>", "unsigned int gids<16>". */
    public static final int MAX_MACHINE_NAME = 255;
    public static final int MAX_GIDS = 16;
}
