package dev.portd.ports;

import io.netty.util.NetUtil;

/**
 * Where to connect: a host name or IP address and a port, written {@code host:port},
 * {@code 10.0.0.1:80} or {@code [2001:db8::1]:80}. A name is resolved when connecting, not here.
 */
public record HostPort(String host, int port) {

    /** Parses {@code HOST:PORT} or {@code [V6]:PORT}; throws IllegalArgumentException saying why not. */
    public static HostPort parse(String text) {
        String t = text.strip();
        String host;
        String portText;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(problem(text, "an IPv6 address goes in brackets: \"[::1]:80\""));
            }
            host = t.substring(1, close);
            portText = t.substring(close + 2);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new IllegalArgumentException(problem(text, "\"" + host + "\" is not an IPv6 address"));
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                throw new IllegalArgumentException(problem(text, "write host:port, e.g. \"127.0.0.1:80\" or \"[::1]:80\""));
            }
            host = t.substring(0, colon);
            portText = t.substring(colon + 1);
            if (!host.matches("[A-Za-z0-9.\\-_]+")) {
                throw new IllegalArgumentException(problem(text, "\"" + host + "\" is not a host name or address"));
            }
        }
        int port;
        try {
            port = portText.length() > 5 ? -1 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(problem(text, "the port must be 1..65535"));
        }
        return new HostPort(host, port);
    }

    private static String problem(String text, String why) {
        return "\"" + text + "\" is not host:port: " + why;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
