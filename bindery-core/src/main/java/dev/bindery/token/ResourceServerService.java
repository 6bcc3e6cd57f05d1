package dev.bindery.token;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.UniqueViolation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The registry of resource servers (RFC 8707 audiences). Registering one is an admin's act, audited as
 * {@code resource_server.create}; any operator but a leak reporter may list them. A token can only be issued for
 * a registered audience (or the configured default audience). A resource server may be linked to the identity it
 * authenticates as: introspection by that identity answers only for tokens issued to its audiences.
 */
public final class ResourceServerService {
  static final String ACTION_CREATE = "resource_server.create";
  private final AuditedTransactor tx;
  private final Authorizer authz;

  public ResourceServerService(AuditedTransactor tx, Authorizer authz) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
  }

  /** Registers {@code audience} linked to no identity; see {@link #register(Caller, String, String, IdentityId)}. */
  public ResourceServer register(Caller caller, String audience, String name) {
    return register(caller, audience, name, null);
  }

  /**
   * Registers {@code audience} (an admin), linked to {@code identity} if it is not null: the identity the resource
   * server authenticates as when it introspects tokens. Refusals: a malformed audience or name {@code invalid_field},
   * an unknown identity {@code identity_not_found}, a retired one {@code identity_retired}, an audience already
   * registered {@code resource_server_exists} (nothing written).
   */
  public ResourceServer register(Caller caller, String audience, String name, IdentityId identity) {
    if (audience == null) {
      throw RejectedException.missing("audience");
    }
    Audience aud = new Audience(audience);
    return tx.write(caller, ACTION_CREATE, aud.value(), t -> {
      authz.requireAdmin(caller, "register resource servers");
      if (identity != null) {
        Identity i = t.identities().findById(identity)
            .orElseThrow(() -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + identity));
        if (i.retired()) {
          throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + identity + " is retired");
        }
      }
      ResourceServer server = new ResourceServer(aud, name, caller.actor(), tx.clock().instant(), identity);
      if (t.resourceServers().find(aud).isPresent()) {
        throw exists(aud);
      }
      try {
        t.resourceServers().insert(server);
      } catch (UniqueViolation e) {
        throw exists(aud);
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("audience", aud.value());
      d.put("name", server.name());
      if (identity != null) {
        d.put("identity_id", identity.value());
      }
      tx.record(t, caller, ACTION_CREATE, aud.value(), d);
      return server;
    });
  }

  public List<ResourceServer> list(Caller caller) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> t.resourceServers().list());
  }

  private static RejectedException exists(Audience aud) {
    return new RejectedException(ErrorCode.RESOURCE_SERVER_EXISTS,
        "a resource server with audience '" + aud.value() + "' is already registered", "audience");
  }
}
