package dev.portd.service.forward;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** A forward service's own counters: bytes each way through the relay, upstream connections. */
final class ForwardStats {
    /** Bytes read from clients and sent upstream. */
    final LongAdder toUpstream = new LongAdder();
    /** Bytes read from upstream and sent to clients. */
    final LongAdder fromUpstream = new LongAdder();
    final AtomicLong upstreamOpen = new AtomicLong();
    final LongAdder connectFailed = new LongAdder();
    final AtomicLong udpClients = new AtomicLong();
    final LongAdder udpDropped = new LongAdder();

    Map<String, Long> figures() {
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("bytes_to_upstream", toUpstream.sum());
        f.put("bytes_from_upstream", fromUpstream.sum());
        f.put("upstream_open", upstreamOpen.get());
        f.put("connect_failed", connectFailed.sum());
        f.put("udp_clients", udpClients.get());
        f.put("udp_dropped", udpDropped.sum());
        return f;
    }
}
