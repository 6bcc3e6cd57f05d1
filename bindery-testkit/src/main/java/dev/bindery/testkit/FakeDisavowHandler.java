package dev.bindery.testkit;

import dev.bindery.identity.IdentityId;
import dev.bindery.notify.DisavowHandler;
import dev.bindery.notify.Disavowal;
import dev.bindery.operator.OperatorId;
import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link DisavowHandler} for tests, standing in for the change-request engine (and the support desk): it records
 * every call and runs an optional action inside the caller's transaction (to write something, or to throw and so
 * prove the rollback). Calls are recorded only once the action returned.
 */
public final class FakeDisavowHandler implements DisavowHandler {
  /** One call: what was disavowed (a change request or a support action), about whom, and when. */
  public record Call(String changeRequestId, IdentityId identity, OperatorId operator, Instant at) {
    /** A call about an identity. */
    public Call(String changeRequestId, IdentityId identity, Instant at) {
      this(changeRequestId, identity, null, at);
    }
  }

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Consumer<Tx> action = tx -> {};

  @Override
  public void disavowed(Tx tx, Disavowal link, Instant at, String requestId) {
    action.accept(tx);
    calls.add(new Call(link.changeRequestId(), link.identityId(), link.operatorId(), at));
  }

  /** What the handler does in the transaction from now on (for example, throw). */
  public void onDisavow(Consumer<Tx> next) {
    action = Objects.requireNonNull(next);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }
}
