package dev.bindery.oauth;

import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.List;

/**
 * Storage port of the {@code jti} values of accepted {@code private_key_jwt} client assertions (table
 * {@code client_assertions}): shared by every Bindery node through the store, so an assertion accepted by one node
 * is refused as a replay by all of them until it expires.
 */
public interface ClientAssertionRepository {
  /**
   * Records {@code used}, unless the same client's same {@code jti} is already recorded and not expired at
   * {@code used.usedAt()}: then returns false and writes nothing (a replay). An expired record of the same
   * {@code jti} is replaced. Of two transactions that record the same {@code jti} concurrently, at most one commits
   * with true; the other gets false (after waiting for the first to end) and its transaction stays usable.
   */
  boolean use(UsedClientAssertion used);

  /** The recorded assertions of {@code client}, expired ones included until they are deleted, oldest use first. */
  List<UsedClientAssertion> listForClient(IdentityId client);

  /** Deletes the records whose expiry is at or before {@code now}; returns how many. */
  int deleteExpired(Instant now);
}
