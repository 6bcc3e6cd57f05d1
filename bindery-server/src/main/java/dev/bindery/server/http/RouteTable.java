package dev.bindery.server.http;

import dev.bindery.audit.AuditService;
import dev.bindery.credential.CredentialService;
import dev.bindery.history.IdentityHistory;
import dev.bindery.identity.IdentityService;
import dev.bindery.operator.OperatorService;
import dev.bindery.server.tls.ClientCertificates;
import dev.bindery.store.Transactor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Every route of the API, in registration order (specific paths before parameterized ones). */
public final class RouteTable {
  public static final String API_VERSION = "1";

  private RouteTable() {}

  public static List<Route> build(IdentityService identities, IdentityHistory history, OperatorService operators,
      AuditService audit, CredentialService credentials, Transactor transactor, PrometheusMeterRegistry registry,
      PkiRoutes pki, Clock clock) {
    return build(identities, history, operators, audit, credentials, transactor, registry, pki, clock,
        ClientCertificates.tlsOnly(), List.of());
  }

  /**
   * The table with {@code more} routes of other edges (the OAuth endpoints, the token administration routes).
   *
   * @param history an identity's history ({@code GET /api/v1/identities/{id}/history})
   * @param clientCertificates how the renewal route reads the workload's certificate
   */
  public static List<Route> build(IdentityService identities, IdentityHistory history, OperatorService operators,
      AuditService audit, CredentialService credentials, Transactor transactor, PrometheusMeterRegistry registry,
      PkiRoutes pki, Clock clock, ClientCertificates clientCertificates, List<Route> more) {
    AtomicReference<byte[]> openApi = new AtomicReference<>();
    List<Route> all = new ArrayList<>();
    all.addAll(new SystemRoutes(transactor, registry, openApi::get).routes());
    all.addAll(new IdentityRoutes(identities, history).routes());
    all.addAll(new OperatorRoutes(operators).routes());
    all.addAll(new TeamRoutes(operators).routes());
    all.addAll(new AuditRoutes(audit).routes());
    all.addAll(new CredentialRoutes(credentials).routes());
    all.addAll(new WorkloadRoutes(credentials, clientCertificates, clock).routes());
    all.addAll(pki.routes());
    all.addAll(more);
    List<Route> table = List.copyOf(all);
    // Rendered once: the document describes exactly this table, including its own route.
    openApi.set(Json.bytes(OpenApi.document(table, API_VERSION)));
    return table;
  }
}
