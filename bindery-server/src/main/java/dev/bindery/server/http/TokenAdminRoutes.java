package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.BOOLEAN;
import static dev.bindery.server.http.BodySpec.Type.INTEGER;
import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.clearable;
import static dev.bindery.server.http.BodySpec.optional;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import dev.bindery.token.ResourceServer;
import dev.bindery.token.ResourceServerService;
import dev.bindery.token.TokenId;
import dev.bindery.token.TokenPolicy;
import dev.bindery.token.TokenPolicyService;
import dev.bindery.token.TokenRevocationService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator routes of the token service (docs/api.md, "OAuth 2.0 authorization server and tokens"): the registry of
 * resource servers ({@code /api/v1/resource-servers}), the token policy of an identity
 * ({@code /api/v1/identities/{id}/token-policy}), the only way to let an identity receive unbound tokens, and the
 * operators' revocation of access tokens, one by its id ({@code /api/v1/tokens/{jti}/revoke}) or every token of an
 * identity ({@code /api/v1/identities/{id}/tokens/revoke}).
 */
public final class TokenAdminRoutes {
  static final String RESOURCE_SERVERS = "/api/v1/resource-servers";
  private static final BodySpec REGISTER = BodySpec.of(
      required("audience", STRING, "the RFC 8707 resource / token aud: an absolute URI without fragment"),
      required("name", STRING, "display name, at most 200 characters"),
      optional("identity_id", STRING, "the identity the resource server authenticates as to introspect tokens: "
          + "it is answered only for tokens whose aud is one of its resource servers"));
  private static final BodySpec REVOKE = BodySpec.of(
      required("reason", STRING, "why, at most 1000 characters; kept in the audit event"));
  private static final BodySpec POLICY = BodySpec.of(
      required("allow_unbound_tokens", BOOLEAN, "true lets the identity receive tokens without cnf (not bound)"),
      clearable("token_lifetime_seconds", INTEGER, "lifetime of its tokens; null or absent: the configured default"));

  private final ResourceServerService resourceServers;
  private final TokenPolicyService policies;
  private final TokenRevocationService revocations;

  public TokenAdminRoutes(ResourceServerService resourceServers, TokenPolicyService policies,
      TokenRevocationService revocations) {
    this.resourceServers = resourceServers;
    this.policies = policies;
    this.revocations = revocations;
  }

  public List<Route> routes() {
    return List.of(
        Route.post(RESOURCE_SERVERS, "registerResourceServer").tag("tokens").access(Access.ADMIN).status(201)
            .summary("Register a resource server (an audience tokens may be issued for)").body(REGISTER)
            .handle(this::register),
        Route.get(RESOURCE_SERVERS, "listResourceServers").tag("tokens").summary("Registered resource servers")
            .handle(c -> c.json(Views.items(resourceServers.list(c.caller()), TokenAdminRoutes::view))),
        Route.get(IdentityRoutes.BASE + "/{id}/token-policy", "getTokenPolicy").tag("tokens")
            .summary("The identity's token policy (the default if none was set: bound tokens only)")
            .handle(this::getPolicy),
        Route.put(IdentityRoutes.BASE + "/{id}/token-policy", "setTokenPolicy").tag("tokens")
            .access(Access.ADMIN_OR_SECURITY_OFFICER)
            .summary("Set the identity's token policy (audited with before and after)").body(POLICY)
            .handle(this::setPolicy),
        Route.post("/api/v1/tokens/{jti}/revoke", "revokeAccessToken").tag("tokens")
            .access(Access.ADMIN_OR_SECURITY_OFFICER)
            .summary("Revoke an access token by its jti (idempotent: a revoked token answers its revocation)")
            .body(REVOKE).handle(this::revokeToken),
        Route.post(IdentityRoutes.BASE + "/{id}/tokens/revoke", "revokeIdentityTokens").tag("tokens")
            .access(Access.IDENTITY_OWNER_OR_SECURITY_OFFICER)
            .summary("Revoke every access token issued to the identity until now; later tokens are accepted")
            .body(REVOKE).handle(this::revokeIdentityTokens));
  }

  private void register(Call call) {
    Body b = call.body();
    String identity = b.string("identity_id");
    IdentityId id = null;
    if (identity != null) {
      try {
        id = IdentityId.parse(identity);
      } catch (RejectedException e) {
        throw RejectedException.invalid("identity_id", "identity_id must be an identity id (nhi_...)");
      }
    }
    call.json(201, view(resourceServers.register(call.caller(), b.string("audience"), b.string("name"), id)));
  }

  private void revokeToken(Call call) {
    TokenId jti = TokenId.parse(call.path("jti"));
    TokenRevocationService.RevokedToken r = revocations.revoke(call.caller(), jti, call.body().string("reason"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jti", r.jti().value());
    m.put("revoked_at", Json.time(r.revokedAt()));
    call.json(m);
  }

  private void revokeIdentityTokens(Call call) {
    IdentityId id = IdentityId.parse(call.path("id"));
    TokenRevocationService.RevokedIdentityTokens r =
        revocations.revokeIdentityTokens(call.caller(), id, call.body().string("reason"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("identity_id", r.identityId().value());
    m.put("revoked_at", Json.time(r.revokedAt()));
    call.json(m);
  }

  private void getPolicy(Call call) {
    call.json(view(policies.get(call.caller(), IdentityId.parse(call.path("id")))));
  }

  private void setPolicy(Call call) {
    IdentityId id = IdentityId.parse(call.path("id"));
    Body b = call.body();
    Long seconds = b.integer("token_lifetime_seconds");
    if (seconds != null && (seconds < 1 || seconds > Integer.MAX_VALUE)) {
      throw RejectedException.invalid("token_lifetime_seconds", "token_lifetime_seconds must be a positive number");
    }
    Boolean unbound = b.bool("allow_unbound_tokens");
    call.json(view(policies.set(call.caller(), id, unbound, seconds == null ? null : Duration.ofSeconds(seconds))));
  }

  static Map<String, Object> view(ResourceServer s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("audience", s.audience().value());
    m.put("name", s.name());
    m.put("identity_id", s.identityId() == null ? null : s.identityId().value());
    m.put("created_by", s.createdBy());
    m.put("created_at", Json.time(s.createdAt()));
    return m;
  }

  private Map<String, Object> view(TokenPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("identity_id", p.identityId().value());
    m.put("allow_unbound_tokens", p.allowUnboundTokens());
    m.put("token_lifetime_seconds", p.tokenLifetime() == null ? null : p.tokenLifetime().toSeconds());
    m.put("effective_token_lifetime_seconds", policies.settings().lifetime(p).toSeconds());
    m.put("updated_by", p.updatedBy());
    m.put("updated_at", Json.time(p.updatedAt()));
    m.put("version", p.version());
    return m;
  }
}
