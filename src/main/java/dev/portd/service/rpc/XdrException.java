package dev.portd.service.rpc;

/**
 * Bytes that are not the XDR (RFC 4506) the receiver expects: too short, a length past its bound,
 * a boolean that is neither 0 nor 1. Thrown per bad packet, so it carries no stack trace.
 */
final class XdrException extends RuntimeException {
    XdrException(String message) {
        super(message, null, false, false);
    }
}
