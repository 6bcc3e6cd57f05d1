package dev.bindery.support;

import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage port of support anomaly alerts ({@code support_alerts}) and of the source addresses credentials of an
 * identity were enrolled from ({@code support_enrolment_sources}, for the "unusual source" alert). Alerts are never
 * deleted; clearing one is an update.
 */
public interface SupportAlertRepository {
  /** Inserts a new alert; {@link dev.bindery.store.UniqueViolation} for a taken id. */
  void insert(SupportAlert alert);

  Optional<SupportAlert> findById(SupportAlertId id);

  /** Replaces the stored alert if the stored version equals {@code next.version() - 1}; false otherwise. */
  boolean update(SupportAlert next);

  /** The open alerts of {@code agent}, oldest first (the agent is under supervision while there is one). */
  List<SupportAlert> openForAgent(OperatorId agent);

  /**
   * Alerts in id order after {@code after} (exclusive, null for the start), at most {@code limit}; with
   * {@code openOnly}, only those not cleared.
   */
  List<SupportAlert> list(boolean openOnly, SupportAlertId after, int limit);

  /** How many alerts are open. */
  long countOpen();

  /**
   * Records that a credential of {@code identity} was enrolled from {@code source} at {@code at}; returns true if
   * that source had never been recorded for that identity (the first sighting is kept).
   */
  boolean recordEnrolmentSource(IdentityId identity, String source, Instant at);

  /** The sources recorded for {@code identity}, in text order. */
  List<String> enrolmentSources(IdentityId identity);
}
