package dev.portd.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Optional;

/** A UDP client for tests: one socket, send a datagram, wait a bounded time for one reply. */
public final class Udp implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetAddress server;
    private final int port;

    public Udp(InetAddress server, int port) throws IOException {
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.server = server;
        this.port = port;
    }

    public static Udp to(int port) throws IOException {
        return new Udp(InetAddress.getLoopbackAddress(), port);
    }

    public void send(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, server, port));
    }

    /** The next reply, or empty when none arrives within {@code timeoutMillis}. */
    public Optional<byte[]> receive(int timeoutMillis) throws IOException {
        byte[] buf = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout(timeoutMillis);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOf(buf, p.getLength()));
    }

    /** Sends and returns the reply, failing the test when none comes within 5 s. */
    public byte[] exchange(byte[] data) throws IOException {
        send(data);
        return receive(5_000).orElseThrow(() -> new AssertionError("no reply from udp/" + port));
    }

    @Override
    public void close() {
        socket.close();
    }
}
