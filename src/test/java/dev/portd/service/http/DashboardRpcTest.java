package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.host.Host;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard lists the portmapper's registrations when one runs in the same host. */
class DashboardRpcTest {

    @Test
    void apiServicesCarriesThePortmappersRegistrations() throws Exception {
        try (Host host = dev.portd.support.TestHosts.start("[services.dashboard]\n[services.portmapper]\nstate = \"\"\nlocal_socket = \"\"")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + host.tcpPort("dashboard") + "/api/services")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode rpc = new ObjectMapper().readTree(r.body()).path("rpc");
            List<String> rows = new ArrayList<>();
            rpc.forEach(m -> rows.add(m.path("program").asLong() + " v" + m.path("version").asLong() + " "
                    + m.path("netid").asText()));
            int port = host.tcpPort("portmapper");
            assertThat(rows).contains("100000 v2 tcp", "100000 v4 udp");
            assertThat(rpc.toString()).contains("127.0.0.1." + (port >> 8) + "." + (port & 0xff));
        }
    }

    @Test
    void noPortmapperNoRegistrations() throws Exception {
        try (Host host = dev.portd.support.TestHosts.kinds("dashboard")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + host.tcpPort("dashboard") + "/api/services")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode rpc = new ObjectMapper().readTree(r.body()).get("rpc");
            assertThat(rpc).as("the snapshot always carries the rpc list").isNotNull();
            assertThat(rpc.isArray()).isTrue();
            assertThat(rpc).isEmpty();
            assertThat(new ObjectMapper().readTree(r.body()).path("services")).as("the dashboard itself is listed")
                    .isNotEmpty();
        }
    }
}
