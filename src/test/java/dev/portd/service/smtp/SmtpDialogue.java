package dev.portd.service.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A send/expect client, so tests read like RFC 5321's dialogues:
 * {@code d.expect("220 ").send("EHLO client").expect("250 ")}. Every read waits at most 10 s.
 */
final class SmtpDialogue implements Closeable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpDialogue(Socket socket) throws IOException {
        use(socket);
    }

    static SmtpDialogue connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return new SmtpDialogue(s);
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    /** Sends one line; CRLF is added. */
    SmtpDialogue send(String line) throws IOException {
        return raw(line + "\r\n");
    }

    /** Sends exactly these characters (UTF-8), line ends included, in one write. */
    SmtpDialogue raw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Reads one whole reply (every line of a multi-line one) and checks its last line starts so. */
    SmtpDialogue expect(String start) throws IOException {
        String reply = reply();
        String last = reply.substring(reply.lastIndexOf('\n', reply.length() - 2) + 1);
        assertThat(last).as("reply %s", reply).startsWith(start);
        return this;
    }

    /** Reads one whole reply, CRLFs included; asserts every line ends in CRLF. */
    String reply() throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = line();
            all.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return all.toString();
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 1024; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed; read so far: " + b);
            }
            b.write(c);
            if (c == '\n') {
                String line = b.toString(StandardCharsets.UTF_8);
                assertThat(line).as("reply line").endsWith("\r\n");
                return line;
            }
        }
        throw new IOException("reply line longer than 1024 octets: " + b);
    }

    /** Asserts the server closes the connection with nothing more to say. */
    void expectClosed() throws IOException {
        try {
            assertThat(in.read()).as("end of stream").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException reset) {
            // a reset after our unread input also means closed
        }
    }

    /** Starts TLS on this connection (after the 220 to STARTTLS), trusting any certificate. */
    SmtpDialogue handshake() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        s.setSoTimeout(10_000);
        s.startHandshake();
        use(s);
        return this;
    }

    /** Half-closes: sends FIN, keeps reading. */
    SmtpDialogue shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** The server's certificate, after {@link #handshake()}. */
    X509Certificate peerCertificate() throws IOException {
        return (X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0];
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Trusts the self-signed certificate the server makes at start. */
    static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
