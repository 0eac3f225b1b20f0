package dev.portd.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

/** Small TCP helpers for tests: connect to loopback with a read timeout so no test hangs. */
public final class Tcp {
    private Tcp() {
    }

    /** A socket to 127.0.0.1:port whose reads fail after 10 s instead of hanging the build. */
    public static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Everything the server sends until it closes. */
    public static byte[] readAll(int port) throws IOException {
        try (Socket s = connect(port)) {
            return s.getInputStream().readAllBytes();
        }
    }

    /** Exactly n bytes, failing if the stream ends first. */
    public static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new AssertionError("stream ended after " + b.length + " of " + n + " bytes");
        }
        return b;
    }
}
