package dev.bindery.store;

import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.common.RateLimitedException;
import dev.bindery.common.RejectedException;
import dev.bindery.security.Caller;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a state change and its audit event in one transaction. When the work is refused for a security
 * reason (authorization, step-up, authentication), the refusal is recorded as a {@code denied} event in a
 * transaction of its own (nothing else is written) and the rejection propagates.
 */
public final class AuditedTransactor {
  private final Transactor transactor;
  private final Clock clock;

  public AuditedTransactor(Transactor transactor, Clock clock) {
    this.transactor = transactor;
    this.clock = clock;
  }

  public Transactor transactor() {
    return transactor;
  }

  public Clock clock() {
    return clock;
  }

  public <T> T write(Caller caller, String action, String target, Function<Tx, T> work) {
    try {
      return transactor.inTransaction(work);
    } catch (RejectedException e) {
      if (e.securityRelevant()) {
        recordRefusal(caller == null ? "anonymous" : caller.actor(), action, target, e,
            caller == null ? "" : caller.requestId());
      }
      throw e;
    }
  }

  public <T> T read(Caller caller, String action, String target, Function<Tx, T> work) {
    try {
      return transactor.read(work);
    } catch (RejectedException e) {
      if (e.securityRelevant()) {
        recordRefusal(caller == null ? "anonymous" : caller.actor(), action, target, e,
            caller == null ? "" : caller.requestId());
      }
      throw e;
    }
  }

  /**
   * A refusal decided after writes that must commit (an expiry, an abuse lock), whose {@code denied} event was
   * appended in the same transaction ({@link #recordDenied}): thrown inside the work of {@link #writeRecordingRefusals},
   * it ends the work, the transaction commits, and the rejection is thrown afterwards (marked as recorded).
   */
  public static final class CommitThenRefuse extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RejectedException rejection;

    public CommitThenRefuse(RejectedException rejection) {
      super(rejection.getMessage(), null, false, false);
      this.rejection = rejection;
    }

    public RejectedException rejection() {
      return rejection;
    }
  }

  /**
   * Runs {@code work} in one transaction, for services whose every refusal but plain bad input and lookup misses is a
   * security event (the change-request engine, the support desk). A refusal rolls the work back; unless its category
   * is {@code INVALID}, {@code NOT_FOUND} or another transport-level one, it is then audited as a {@code denied}
   * {@code action} by {@code actor} on {@code target}, in a transaction of its own. A {@link CommitThenRefuse} commits
   * the work's writes and then throws its rejection.
   */
  @SuppressWarnings("unchecked")
  public <T> T writeRecordingRefusals(String actor, String requestId, String action, String target,
      Function<Tx, T> work) {
    Object out;
    try {
      out = transactor.inTransaction(t -> {
        try {
          return work.apply(t);
        } catch (CommitThenRefuse refusal) {
          return refusal;
        }
      });
    } catch (RejectedException e) {
      if (recordedAsDenied(e)) {
        throw recordedRefusal(actor, action, target, e, requestId);
      }
      throw e;
    }
    if (out instanceof CommitThenRefuse refusal) {
      throw alreadyRecorded(refusal.rejection());
    }
    return (T) out;
  }

  private static boolean recordedAsDenied(RejectedException e) {
    var c = e.code().category();
    return e.securityRelevant() || c == dev.bindery.common.ErrorCode.Category.UNPROCESSABLE
        || c == dev.bindery.common.ErrorCode.Category.CONFLICT
        || c == dev.bindery.common.ErrorCode.Category.TOO_MANY_REQUESTS;
  }

  /** Appends a success event inside the current transaction. */
  public void record(Tx tx, Caller caller, String action, String target, Map<String, Object> details) {
    record(tx, caller.actor(), caller.requestId(), action, target, details);
  }

  /** Appends a success event by {@code actor} (an operator, an identity, {@code system}) inside the transaction. */
  public void record(Tx tx, String actor, String requestId, String action, String target,
      Map<String, Object> details) {
    tx.audit().append(new AuditRecord(actor, action, target, details, Outcome.SUCCESS, requestId), clock.instant());
  }

  /**
   * Records a refusal that was decided inside a transaction that has since ended (committed or rolled back),
   * and returns the same rejection marked as recorded, so that an enclosing {@link #write} does not record it
   * a second time. Use it when the actor or target of the denied event is only known inside that transaction.
   */
  public RejectedException recordedRefusal(String actor, String action, String target, RejectedException e,
      String requestId) {
    recordRefusal(actor, action, target, e, requestId);
    return new Recorded(e);
  }

  /**
   * Marks a rejection whose {@code denied} event was already appended (for example with {@link #recordDenied}
   * inside a transaction that committed), so that an enclosing {@link #write} does not record it again.
   */
  public static RejectedException alreadyRecorded(RejectedException e) {
    return new Recorded(e);
  }

  /** A rejection already written to the audit log. */
  private static final class Recorded extends RejectedException {
    private static final long serialVersionUID = 1L;

    Recorded(RejectedException e) {
      super(e.code(), e.getMessage(), e.field());
    }

    @Override
    public boolean securityRelevant() {
      return false;
    }
  }

  /**
   * Records, in its own transaction, that {@code source} was refused for making too many refused attempts: a
   * {@code denied} event with the code, the reason, the source and {@code retry_after_seconds}.
   */
  public void recordRateLimited(String actor, String action, String source, RateLimitedException limited,
      String requestId) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("code", limited.code().code());
    d.put("reason", limited.getMessage());
    d.put("source", source);
    d.put("retry_after_seconds", limited.retryAfterSeconds());
    transactor.inTransaction(tx -> tx.audit().append(new AuditRecord(actor, action, "", d, Outcome.DENIED,
        requestId), clock.instant()));
  }

  /** Records a refused security-relevant request in its own transaction. */
  public void recordRefusal(String actor, String action, String target, RejectedException e, String requestId) {
    transactor.inTransaction(tx -> tx.audit().append(refusal(actor, action, target, e, requestId), clock.instant()));
  }

  /**
   * Appends a {@code denied} event for a refusal inside the current transaction, for a service that must
   * commit the refusal together with what it read (the caller then throws the rejection after the commit).
   */
  public void recordDenied(Tx tx, Caller caller, String action, String target, RejectedException e) {
    recordDenied(tx, caller.actor(), caller.requestId(), action, target, e);
  }

  /** {@link #recordDenied(Tx, Caller, String, String, RejectedException)} for an actor that is not an operator. */
  public void recordDenied(Tx tx, String actor, String requestId, String action, String target,
      RejectedException e) {
    tx.audit().append(refusal(actor, action, target, e, requestId), clock.instant());
  }

  private static AuditRecord refusal(String actor, String action, String target, RejectedException e,
      String requestId) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("code", e.code().code());
    d.put("reason", e.getMessage());
    return new AuditRecord(actor, action, target, d, Outcome.DENIED, requestId);
  }
}
