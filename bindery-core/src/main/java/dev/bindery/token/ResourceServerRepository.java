package dev.bindery.token;

import dev.bindery.identity.IdentityId;
import java.util.List;
import java.util.Optional;

/** Storage port for registered resource servers, keyed by audience. */
public interface ResourceServerRepository {
  /** Inserts; throws {@link dev.bindery.store.UniqueViolation} if the audience is already registered. */
  void insert(ResourceServer server);

  Optional<ResourceServer> find(Audience audience);

  /** Every registered resource server, in audience order. */
  List<ResourceServer> list();

  /** The resource servers linked to {@code identity}, in audience order. */
  List<ResourceServer> listForIdentity(IdentityId identity);
}
