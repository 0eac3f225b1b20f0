package dev.portd.service.rpc;

/** A call refused for who made it; answered MSG_DENIED AUTH_ERROR with {@code authStat}. */
public final class RpcAuthException extends RuntimeException {
    private final int authStat;

    public RpcAuthException(int authStat, String why) {
        super(why, null, false, false);
        this.authStat = authStat;
    }

    int authStat() {
        return authStat;
    }
}
