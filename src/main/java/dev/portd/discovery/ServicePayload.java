package dev.portd.discovery;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What portd puts in each Curator ServiceInstance's payload. A listener has kind, protocol,
 * address and port; an RPC program also has program, version, netid, universal address and owner.
 * Unknown fields are ignored so that an older portd reads a newer one's entries.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServicePayload(String kind, String protocol, String address, int port, String host,
                             String portdVersion, long startedAt,
                             Long program, Long version, String netid, String uaddr, String owner) {

    static ServicePayload listener(String kind, String protocol, String address, int port, String host,
                                   String portdVersion, long startedAt) {
        return new ServicePayload(kind, protocol, address, port, host, portdVersion, startedAt,
                null, null, null, null, null);
    }
}
