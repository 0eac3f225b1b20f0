package dev.portd.service;

import dev.portd.service.classic.ClassicServices;
import dev.portd.service.http.HttpServices;
import dev.portd.service.rpc.RpcServices;
import dev.portd.service.smtp.SmtpServices;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of built-in service kinds, read top to bottom like inetd's {@code biltins[]}: a new
 * kind is one class and one row here.
 */
public final class ServiceKinds {
    private static final Map<String, ServiceKind> BUILT_IN = index(concat(
            ClassicServices.KINDS,
            SmtpServices.KINDS,
            HttpServices.KINDS,
            RpcServices.KINDS));

    private ServiceKinds() {
    }

    /** The kind of that name, or null. */
    public static ServiceKind find(String name) {
        return BUILT_IN.get(name);
    }

    /** Every kind, in table order. */
    public static Collection<ServiceKind> all() {
        return BUILT_IN.values();
    }

    @SafeVarargs
    private static List<ServiceKind> concat(List<ServiceKind>... groups) {
        List<ServiceKind> all = new ArrayList<>();
        for (List<ServiceKind> group : groups) {
            all.addAll(group);
        }
        return all;
    }

    private static Map<String, ServiceKind> index(List<ServiceKind> kinds) {
        Map<String, ServiceKind> byName = new LinkedHashMap<>();
        for (ServiceKind kind : kinds) {
            if (byName.put(kind.name(), kind) != null) {
                throw new IllegalStateException("two service kinds named " + kind.name());
            }
        }
        return Collections.unmodifiableMap(byName);
    }
}
