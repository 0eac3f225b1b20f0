package dev.portd.service.http;

import dev.portd.service.Service;
import dev.portd.service.ServiceContext;

/** The {@code dashboard} kind (filled in next). */
final class DashboardService implements Service {
    DashboardService(ServiceContext ctx) {
    }
}
