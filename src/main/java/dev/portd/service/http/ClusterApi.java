package dev.portd.service.http;

import dev.portd.service.ClusterView;
import dev.portd.service.ClusterView.Entry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/cluster}: the hosts of the cluster as this host's discovery cache holds them, each with
 * its services, its RPC programs and its session; {@code {"enabled": false}} without discovery. Read
 * from memory, so it is answered on the event loop.
 */
final class ClusterApi {
    static final String PATH = "/api/cluster";

    record HostInfo(String name, String session, List<Service> services, List<Rpc> rpc) {
    }

    record Service(String name, String kind, String protocol, String address, int port) {
    }

    record Rpc(String name, long program, long version, String netid, String address, int port, String owner) {
    }

    private volatile ClusterView view;

    void view(ClusterView cluster) {
        view = cluster;
    }

    void handle(HttpExchange exchange) {
        HttpMethod m = exchange.request().method();
        if (!m.equals(HttpMethod.GET) && !m.equals(HttpMethod.HEAD)) {
            exchange.send(DashboardRoute.notAllowed("GET, HEAD"));
            return;
        }
        exchange.send(DashboardRoute.json(HttpResponseStatus.OK, json(view)));
    }

    static Map<String, Object> json(ClusterView cluster) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", cluster != null);
        if (cluster == null) {
            return out;
        }
        out.put("hostName", cluster.hostName());
        out.put("ensemble", cluster.ensemble());
        out.put("session", cluster.session());
        out.put("stale", cluster.stale());
        Map<String, HostInfo> hosts = new LinkedHashMap<>();
        for (Entry e : cluster.entries()) {
            HostInfo h = hosts.computeIfAbsent(e.host(), name -> new HostInfo(name,
                    name.equals(cluster.hostName()) ? cluster.session() : "live", new ArrayList<>(), new ArrayList<>()));
            if (e.isRpc()) {
                h.rpc().add(new Rpc(e.name(), e.program(), e.version(), e.protocol(), e.address(), e.port(), e.owner()));
            } else {
                h.services().add(new Service(e.name(), e.kind(), e.protocol(), e.address(), e.port()));
            }
        }
        out.put("hosts", List.copyOf(hosts.values()));
        return out;
    }
}
