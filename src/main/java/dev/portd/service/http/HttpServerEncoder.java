package dev.portd.service.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * The response encoder of an HTTP connection. The exchange tells it when a response answers HEAD:
 * then no body is sent, not even chunk framing of an event stream (RFC 9110 section 9.3.2), while
 * Content-Length and Transfer-Encoding say what GET would have sent.
 */
final class HttpServerEncoder extends HttpResponseEncoder {
    private boolean head;

    /** Called before each response head is written: does it answer a HEAD request? */
    void answersHead(boolean head) {
        this.head = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return head || super.isContentAlwaysEmpty(msg);
    }
}
