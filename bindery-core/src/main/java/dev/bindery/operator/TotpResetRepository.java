package dev.bindery.operator;

import dev.bindery.credential.SecretHash;
import dev.bindery.support.SupportActionId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port for the support desk's temporary TOTP enrolments (hashes only). */
public interface TotpResetRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the hash exists. */
  void insert(TotpReset reset);

  /** The reset with this hash; callers still compare the found hash in constant time. */
  Optional<TotpReset> findByHash(SecretHash hash);

  /** Marks it used if it is neither used nor revoked; false otherwise (also when a concurrent use won). */
  boolean markUsed(SecretHash hash, Instant at);

  /** Marks it revoked if it is neither used nor revoked; false otherwise. */
  boolean markRevoked(SecretHash hash, Instant at);

  /** Every reset issued for the operator, oldest first (creation time, then hash). */
  List<TotpReset> listForOperator(OperatorId operator);

  /** Every reset the support action issued, oldest first (creation time, then hash). */
  List<TotpReset> listForSupportAction(SupportActionId action);
}
