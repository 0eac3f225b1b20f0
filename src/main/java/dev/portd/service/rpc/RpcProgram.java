package dev.portd.service.rpc;

/** An RPC program served here: its number, its contiguous range of versions, and its procedures. */
public interface RpcProgram {

    int number();

    int lowVersion();

    int highVersion();

    /** The procedure of that version (within the range), or null: the call gets PROC_UNAVAIL. */
    RpcProcedure procedure(int version, int procedure);
}
