package dev.portd.service.http;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * One request as the guard passes it on: its head, and, when the guard has already decided, the
 * error status to answer with (the body, if any, has been read and thrown away).
 *
 * @param request   the request head (for a malformed request, what the decoder made of it)
 * @param rejection the error to answer, or null to let the route decide
 * @param close     close the connection after the response
 */
record HttpCall(HttpRequest request, HttpResponseStatus rejection, boolean close) {
}
