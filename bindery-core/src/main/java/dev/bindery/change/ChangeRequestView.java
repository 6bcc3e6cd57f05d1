package dev.bindery.change;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change request as shown to operators: the stored request, its state now (an open request past its expiry shows
 * {@code expired} before any action moves it there), and what it still needs ({@link ChangeRequest#missing()},
 * empty once it is approved or terminal).
 */
public record ChangeRequestView(ChangeRequest request, ChangeState state, List<String> missing) {
  public ChangeRequestView {
    Objects.requireNonNull(request);
    Objects.requireNonNull(state);
    missing = List.copyOf(missing);
  }

  /** The request as it stands at {@code now}. */
  public static ChangeRequestView at(ChangeRequest r, Instant now) {
    if (r.expiredAt(now)) {
      return new ChangeRequestView(r, ChangeState.EXPIRED, List.of());
    }
    return new ChangeRequestView(r, r.state(), r.open() ? r.missing() : List.of());
  }
}
