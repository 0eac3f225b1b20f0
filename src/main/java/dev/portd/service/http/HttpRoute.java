package dev.portd.service.http;

/** Decides one request and answers it through the exchange, now or later from another thread. */
@FunctionalInterface
interface HttpRoute {
    void handle(HttpExchange exchange);
}
